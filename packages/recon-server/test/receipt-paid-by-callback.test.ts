/** The foundation's end-to-end path: a dossier's fee assessed, shown as VietQR, paid by a bank callback. */
import { decode } from '@thuphi/qr';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';

const NOW_UNIX = Date.parse('2026-11-23T02:00:00Z') / 1000;

function signed(body: object, options: { secret?: string; t?: number } = {}) {
  const raw = JSON.stringify(body);
  return {
    raw,
    header: signGenericCallback({
      body: raw,
      secret: options.secret ?? TEST_CALLBACK_SECRET,
      timestamp: options.t ?? NOW_UNIX,
    }),
  };
}

describe('a copy certification paid by a bank transfer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const counts = async () => ({
    credits: Number((await t.database.db('bank_credits').count({ n: '*' }))[0]!.n),
    allocations: Number((await t.database.db('allocations').count({ n: '*' }))[0]!.n),
    raw: Number((await t.database.db('raw_callbacks').count({ n: '*' }))[0]!.n),
  });

  let receipt: {
    id: string;
    amount: number;
    reference: string;
    status: string;
    qr: { payload: string; svg: string };
  };

  it('opens a receipt with a QR for the assessed fee', async () => {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: 'H23.25-261123-0001',
        payer: { name: 'Nguyễn Văn An' },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          applicant: { categories: [] },
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    receipt = res.body;
    // 2 pages × 2.000 đ + 3 pages × 1.000 đ (TT 226/2016/TT-BTC Điều 4 mục 1)
    expect(receipt.amount).toBe(7000);
    expect(receipt.status).toBe('open');
    expect(receipt.reference).toMatch(/^TP[0-9A-Z]+$/);
    expect(res.body.dossierCode).toBe('H23.25-261123-0001');
    expect(res.body.lines).toHaveLength(1);
    expect(res.body.lines[0].amount).toBe(7000);
    expect(receipt.qr.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(res.headers.location).toBe(`/v1/receipts/${receipt.id}`);
  });

  it('puts the bank, account, amount and reference in the QR payload', () => {
    const decoded = decode(receipt.qr.payload);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.bin).toBe('970436');
    expect(decoded.value.account).toBe('1023456789');
    expect(decoded.value.amount).toBe(7000);
    expect(decoded.value.initiation).toBe('dynamic');
    expect(decoded.value.purpose?.startsWith(receipt.reference)).toBe(true);
  });

  it('marks the receipt paid when the signed callback arrives', async () => {
    const credit = {
      transactionId: 'FT26327000001',
      accountNumber: '1023456789',
      amount: 7000,
      // as a bank relays it: trace prefix, lower case, the reference split by a space
      memo: `MBVCB.8812345.${receipt.reference.slice(0, 5).toLowerCase()} ${receipt.reference.slice(5).toLowerCase()} H2325.CT tu 0071001 NGUYEN VAN AN`,
      bookedAt: '2026-11-23T09:00:00+07:00',
    };
    const { raw, header } = signed(credit);
    const res = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', header)
      .send(raw);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      received: true,
      duplicate: false,
      credits: [{ match: { matched: true } }],
    });
    const creditId = res.body.credits[0].creditId;

    const after = await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('paid');
    expect(after.body.receiptNumber).toBe('BLTP-26 0000001');
    expect(after.body.payments).toMatchObject([
      { amount: 7000, creditId, method: 'bank_transfer', matchedBy: 'auto:reference' },
    ]);
    expect(after.body).toMatchObject({ paidAmount: 7000, outstanding: 0 });
    expect(await counts()).toEqual({ credits: 1, allocations: 1, raw: 1 });

    // The same delivery again: acknowledged, nothing new.
    const again = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', header)
      .send(raw);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      received: true,
      duplicate: true,
      credits: [{ creditId, duplicate: true }],
    });
    expect(await counts()).toEqual({ credits: 1, allocations: 1, raw: 2 });

    // The same transaction id with another amount is a loud conflict, never an overwrite.
    const altered = signed({ ...credit, amount: 70000 });
    const conflict = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', altered.header)
      .send(altered.raw);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('credit_conflict');
    expect(await counts()).toMatchObject({ credits: 1, allocations: 1 });
    const stored = await t.database.db('bank_credits').first('amount');
    expect(Number(stored.amount)).toBe(7000);
  });

  it('refuses a forged signature with 401 and stores no credit', async () => {
    const credit = {
      transactionId: 'FT26327000099',
      accountNumber: '1023456789',
      amount: 7000,
      memo: receipt.reference,
      bookedAt: '2026-11-23T09:05:00+07:00',
    };
    const forged = signed(credit, { secret: 'whsec_not_the_agency_secret' });
    const res = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', forged.header)
      .send(forged.raw);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'invalid_signature', status: 401 });
    expect(res.body.message.vi).toBeTruthy();
    expect(res.body.message.en).toBeTruthy();

    // A body changed after signing fails the same way.
    const tampered = signed(credit);
    const res2 = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', tampered.header)
      .send(tampered.raw.replace('7000', '7001'));
    expect(res2.status).toBe(401);

    // A genuine signature replayed outside the 300 s tolerance too.
    const stale = signed(credit, { t: NOW_UNIX - 301 });
    const res3 = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', stale.header)
      .send(stale.raw);
    expect(res3.status).toBe(401);
    expect(res3.body.detail).toMatch(/300s/);

    // A correctly signed body that is not JSON: 400, nothing recorded.
    const notJson = signGenericCallback({
      body: 'amount=7000',
      secret: TEST_CALLBACK_SECRET,
      timestamp: NOW_UNIX,
    });
    const res4 = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set('X-Thuphi-Signature', notJson)
      .send('amount=7000');
    expect(res4.status).toBe(400);
    expect(res4.body.code).toBe('malformed_json');

    expect(await counts()).toMatchObject({ credits: 1, allocations: 1 });
    const outcomes = await t.database.db('raw_callbacks').orderBy('received_at').pluck('outcome');
    expect(outcomes.filter((o: string) => o === 'rejected:invalid_signature')).toHaveLength(3);
  });
});
