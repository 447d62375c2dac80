/**
 * Cash at the counter: a clerk's cash-proxy record pays a receipt (method cash, numbered), a wrong
 * amount or a paid/void/exempt receipt is refused with nothing written, the payer's ID is kept only
 * as a keyed hash and its last 4 digits, and a bank callback racing the cash record pays once.
 */
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ID_HASH_KEY } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { createApp } from '../../src/http/app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addKey, count, deliverCredit, type Key, openReceipt, payCash } from './support.js';

describe('cash-proxy records', () => {
  let t: TestApp;
  let clerk: Key;
  let treasurer: Key;
  let integration: Key;
  beforeAll(async () => {
    t = await createTestApp();
    clerk = await addKey(t, 'clerk', 'clerk');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    integration = await addKey(t, 'integration', 'integration');
  });
  afterAll(async () => {
    await t?.close();
  });

  const receipt = async (id: string) => (await request(t.app).get(`/v1/receipts/${id}`).set(t.auth)).body;
  const snapshot = async () => ({
    cash: await count(t, 'cash_payments'),
    numbers: await count(t, 'receipt_numbers'),
    audit: await count(t, 'audit_events'),
    outbox: await count(t, 'outbox_events'),
  });

  it('lets only a clerk (or an admin) record cash', async () => {
    const r = await openReceipt(t, 5);
    const before = await snapshot();
    for (const key of [integration, treasurer]) {
      const res = await payCash(t, key, r.id, r.amount);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    const anonymous = await request(t.app)
      .post(`/v1/receipts/${r.id}/cash-payments`)
      .send({ amount: r.amount });
    expect(anonymous.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a wrong amount with the expected one, writing nothing', async () => {
    const r = await openReceipt(t, 5); // 2×2.000 + 3×1.000 = 7.000 đ
    expect(r.amount).toBe(7000);
    const before = await snapshot();
    for (const wrong of [6000, 7001]) {
      const res = await payCash(t, clerk, r.id, wrong);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'cash_amount_mismatch', expectedAmount: 7000 });
      expect(res.body.errors).toEqual([{ path: 'amount', message: 'must be 7000 (the outstanding amount)' }]);
      expect(res.body.message.vi).toBeTruthy();
    }
    expect(await snapshot()).toEqual(before);
    expect((await receipt(r.id)).status).toBe('open');
  });

  it('refuses a malformed ID document without echoing the number', async () => {
    const r = await openReceipt(t, 5);
    const res = await payCash(t, clerk, r.id, r.amount, { id: '98765432101' }); // 11 digits
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'idDocument.number', message: 'a căn cước number has 12 digits' },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('98765432101');
    expect(await t.database.db('cash_payments').where({ receipt_id: r.id })).toHaveLength(0);
  });

  it('pays the receipt in cash: status paid, method cash with the clerk, a receipt number', async () => {
    const r = await openReceipt(t, 5, 'Trần Thị Bình');
    const res = await payCash(t, clerk, r.id, 7000, {
      payer: 'Trần Văn Cường',
      id: '0791 2345-6789',
      clerkName: 'Lê Thị Dung',
    });
    expect(res.status).toBe(201);
    expect(res.body.cashPayment).toMatchObject({
      receiptId: r.id,
      amount: 7000,
      clerkKeyId: clerk.id,
      clerkName: 'Lê Thị Dung',
      payerName: 'Trần Văn Cường',
      idDocument: { type: 'cccd', last4: '6789' },
      collectedAt: '2026-11-23T02:00:00.000Z',
    });
    expect(res.body.cashPayment.receiptNumber).toMatch(/^BLTP-26 \d{7}$/);
    const after = await receipt(r.id);
    expect(after).toMatchObject({
      status: 'paid',
      paidAmount: 7000,
      outstanding: 0,
      receiptNumber: res.body.cashPayment.receiptNumber,
      paidAt: '2026-11-23T02:00:00.000Z',
    });
    expect(after.payments).toEqual([
      {
        method: 'cash',
        cashPaymentId: res.body.cashPayment.id,
        clerk: { keyId: clerk.id, name: 'Lê Thị Dung' },
        payerName: 'Trần Văn Cường',
        amount: 7000,
        at: '2026-11-23T02:00:00.000Z',
      },
    ]);

    // The one-stop-shop hears receipt.paid exactly as for a bank payment, with method cash.
    const events = await t.database.db('outbox_events').where({ subject_id: r.id, type: 'receipt.paid' });
    expect(events).toHaveLength(1);
    const payload = typeof events[0].payload === 'string' ? JSON.parse(events[0].payload) : events[0].payload;
    expect(payload).toMatchObject({
      receiptId: r.id,
      amount: 7000,
      paidAmount: 7000,
      outstanding: 0,
      receiptNumber: after.receiptNumber,
      method: 'cash',
      cashPaymentId: res.body.cashPayment.id,
    });

    // Already paid: refused, nothing written.
    const before = await snapshot();
    const again = await payCash(t, clerk, r.id, 7000);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('receipt_already_paid');
    const zero = await payCash(t, clerk, r.id, 1);
    expect(zero.status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps the ID number only as a keyed hash and its last 4 digits', async () => {
    const r = await openReceipt(t, 1);
    const number = '036189004512';
    const res = await payCash(t, { id: 'admin', auth: t.auth }, r.id, r.amount, { id: '036 189 004 512' });
    // The admin key acts as a clerk.
    expect(res.status).toBe(201);
    const row = await t.database.db('cash_payments').where({ receipt_id: r.id }).first();
    expect(row.id_doc_last4).toBe('4512');
    expect(row.id_doc_type).toBe('cccd');
    expect(row.id_doc_hash).toBe(createHmac('sha256', DEV_ID_HASH_KEY).update(number).digest('hex'));
    expect(row.id_doc_hash).not.toContain(number);

    // Nowhere in the database, in any table, nor in any answer.
    const tables: string[] = (
      await t.database.db.raw(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      )
    ).rows.map((row: { table_name: string }) => row.table_name);
    expect(tables).toContain('cash_payments');
    for (const table of tables) {
      const dump = JSON.stringify(await t.database.db(table).select());
      expect(dump, table).not.toContain(number);
      expect(dump, table).not.toContain('036 189 004 512');
    }
    expect(JSON.stringify(res.body)).not.toContain(number);
    expect(JSON.stringify(await receipt(r.id))).not.toContain(number);
    const audit = await request(t.app).get('/v1/audit?limit=1000').set(t.auth);
    expect(JSON.stringify(audit.body)).not.toContain(number);
  });

  it('refuses cash for a void or an exempt receipt', async () => {
    const v = await openReceipt(t, 2);
    const voided = await request(t.app)
      .post(`/v1/receipts/${v.id}/void`)
      .set(clerk.auth)
      .send({ reason: 'Hồ sơ rút' });
    expect(voided.status).toBe(201);
    const toVoid = await payCash(t, clerk, v.id, v.amount);
    expect(toVoid.status).toBe(409);
    expect(toVoid.body).toMatchObject({ code: 'receipt_not_payable', detail: 'the receipt is void' });

    // TT 226/2016 Điều 5: a mortgage contract for an agricultural loan is certified free.
    const exempt = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: 'HS-EXEMPT',
        payer: { name: 'Hộ ông Sùng A Páo' },
        fee: {
          date: '2026-11-23',
          applicant: { categories: ['vay-von-nong-nghiep-nong-thon'] },
          items: [{ procedure: 'chung-thuc-hop-dong-the-chap', quantities: { contracts: 1 } }],
        },
      });
    expect(exempt.status).toBe(201);
    expect(exempt.body.status).toBe('exempt');
    const toExempt = await payCash(t, clerk, exempt.body.id, 50000);
    expect(toExempt.status).toBe(409);
    expect(toExempt.body.code).toBe('receipt_not_payable');

    const missing = await payCash(t, clerk, '00000000-0000-4000-8000-000000000000', 1000);
    expect(missing.status).toBe(404);
  });

  it('takes the rest in cash after a partial bank transfer, listing both methods', async () => {
    const r = await openReceipt(t, 6); // 8.000 đ
    const transfer = await deliverCredit(t, 5000, r.reference, { bankReference: 'FT26327555555' });
    expect(transfer.body.credits[0].match).toMatchObject({ matched: true, receiptStatus: 'partially_paid' });
    const wrong = await payCash(t, clerk, r.id, 8000);
    expect(wrong.status).toBe(422);
    expect(wrong.body.expectedAmount).toBe(3000);
    const rest = await payCash(t, clerk, r.id, 3000);
    expect(rest.status).toBe(201);
    const after = await receipt(r.id);
    expect(after).toMatchObject({ status: 'paid', paidAmount: 8000, outstanding: 0 });
    expect(after.payments).toMatchObject([
      { method: 'bank_transfer', amount: 5000, bankReference: 'FT26327555555', matchedBy: 'auto:reference' },
      { method: 'cash', amount: 3000, clerk: { keyId: clerk.id } },
    ]);
    // A late transfer for the same receipt is not applied: it waits as already_paid.
    const late = await deliverCredit(t, 3000, r.reference);
    expect(late.body.credits[0].match).toEqual({ matched: false, reason: 'already_paid', receiptId: r.id });
  });

  it('pays a receipt once when a bank callback and a cash record race for it', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await openReceipt(t, 3 + i);
      const [callback, cash] = await Promise.all([
        deliverCredit(t, r.amount, r.reference),
        payCash(t, clerk, r.id, r.amount),
      ]);
      expect(callback.status).toBe(200);
      const match = callback.body.credits[0].match;
      if (match.matched) {
        expect(cash.status).toBe(409);
        expect(cash.body.code).toBe('receipt_already_paid');
      } else {
        expect(cash.status).toBe(201);
        expect(match).toEqual({ matched: false, reason: 'already_paid', receiptId: r.id });
        const queue = (await request(t.app).get('/v1/exceptions').set(treasurer.auth)).body.items;
        expect(queue.find((c: { id: string }) => c.id === callback.body.credits[0].creditId)).toMatchObject({
          state: 'unmatched',
          outcome: 'already_paid',
        });
      }
      const paidParts =
        (await t.database.db('allocations').where({ receipt_id: r.id })).length +
        (await t.database.db('cash_payments').where({ receipt_id: r.id })).length;
      expect(paidParts).toBe(1);
      expect(await receipt(r.id)).toMatchObject({ status: 'paid', paidAmount: r.amount });
    }
    // Every receipt paid so far has its own number, with no gap.
    const numbers = (await t.database.db('receipt_numbers').pluck('number'))
      .map(Number)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  });

  it('numbers cash and bank payments on two server instances with no gap and no repeat', async () => {
    // A second instance: its own connection pool on PostgreSQL; on PGlite, a second app on the one connection.
    const secondDb = t.database.url ? await openDatabase({ url: t.database.url }) : t.database.db;
    const second = createApp({ db: secondDb, clock: t.clock, config: {} });
    try {
      const receipts = await Promise.all(Array.from({ length: 12 }, (_, i) => openReceipt(t, 1 + (i % 4))));
      const answers = await Promise.all(
        receipts.map((r, i) => {
          const app = i % 2 === 0 ? t.app : second;
          // Three ways to pay, spread over both instances; the last third races a transfer against cash.
          if (i < 4) {
            return request(app)
              .post(`/v1/receipts/${r.id}/cash-payments`)
              .set(clerk.auth)
              .send({
                amount: r.amount,
                payer: { name: 'A' },
                idDocument: { type: 'cmnd', number: '123456789' },
              });
          }
          if (i < 8) return deliverCredit(t, r.amount, r.reference);
          return Promise.all([
            deliverCredit(t, r.amount, r.reference),
            request(second)
              .post(`/v1/receipts/${r.id}/cash-payments`)
              .set(clerk.auth)
              .send({
                amount: r.amount,
                payer: { name: 'B' },
                idDocument: { type: 'cmnd', number: '123456789' },
              }),
          ]);
        }),
      );
      expect(answers).toHaveLength(12);
      for (const r of receipts) {
        const shown = await receipt(r.id);
        expect(shown).toMatchObject({ status: 'paid', paidAmount: r.amount });
        expect(shown.payments).toHaveLength(1);
      }
      const numbers = (await t.database.db('receipt_numbers').pluck('number'))
        .map(Number)
        .sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    } finally {
      if (secondDb !== t.database.db) await secondDb.destroy();
    }
  });

  it('keeps cash records append-only', async () => {
    await expect(t.database.db('cash_payments').update({ amount: 1 })).rejects.toThrow(/append-only/);
    await expect(t.database.db('cash_payments').delete()).rejects.toThrow(/append-only/);
  });
});
