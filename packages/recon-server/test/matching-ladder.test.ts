/**
 * The matching ladder and the exception queue: exact, short and over payments; memos without a
 * valid reference; void receipts; and a treasury user's manual match, unmatch and refund decision —
 * each a new row, with its reason in the audit trail.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/agencies/keys.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';

const NOW_UNIX = Date.parse('2026-11-23T02:00:00Z') / 1000;
const CLERK = { Authorization: 'Bearer tp_ladder_clerk_key_0001' };
let txn = 0;

describe('matching ladder and exception queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.database.db('api_keys').insert({
      id: randomUUID(),
      agency_id: 'demo',
      key_hash: hashApiKey('tp_ladder_clerk_key_0001'),
      role: 'clerk',
      created_at: new Date(),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openReceipt(pages: number, payer = 'Hoàng Văn Em') {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: `HS-L-${pages}`,
        payer: { name: payer },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; amount: number; reference: string };
  }

  async function pay(amount: number, memo: string, extra: Record<string, unknown> = {}) {
    const body = JSON.stringify({
      transactionId: `FT-L-${++txn}`,
      accountNumber: '1023456789',
      amount,
      memo,
      bookedAt: '2026-11-23T09:30:00+07:00',
      ...extra,
    });
    const res = await request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set(
        'X-Thuphi-Signature',
        signGenericCallback({ body, secret: TEST_CALLBACK_SECRET, timestamp: NOW_UNIX }),
      )
      .send(body);
    expect(res.status).toBe(200);
    return res.body.credits[0] as { creditId: string; match: Record<string, unknown> };
  }

  const receipt = async (id: string) => (await request(t.app).get(`/v1/receipts/${id}`).set(t.auth)).body;
  const exceptions = async () =>
    (await request(t.app).get('/v1/exceptions').set(t.auth)).body.items as {
      id: string;
      state: string;
      open: number;
      outcome: string;
      suggestions: { receiptId: string }[];
    }[];

  it('finds the reference however the bank mangled it, only with a valid check character', async () => {
    const r = await openReceipt(1);
    const ref = r.reference;
    const mangled = `884114.231126.093001.${ref.slice(0, 4).toLowerCase()}-${ref.slice(4, 8)} ${ref.slice(8)} nop phi chung thuc`;
    const ok = await pay(r.amount, mangled);
    expect(ok.match).toMatchObject({ matched: true, receiptStatus: 'paid' });

    // One character changed: the check character no longer fits, so nothing is matched.
    const other = await openReceipt(2);
    const typo =
      other.reference.slice(0, 5) + (other.reference[5] === 'A' ? 'B' : 'A') + other.reference.slice(6);
    const miss = await pay(other.amount, `CK ${typo}`);
    expect(miss.match).toEqual({ matched: false, reason: 'no_reference_in_memo' });
    expect((await receipt(other.id)).status).toBe('open');
  });

  it('pays part of a receipt, then the rest, and numbers it once', async () => {
    const r = await openReceipt(6); // 2×2.000 + 4×1.000 = 8.000 đ
    expect(r.amount).toBe(8000);
    const first = await pay(5000, r.reference);
    expect(first.match).toMatchObject({
      matched: true,
      allocated: 5000,
      unallocated: 0,
      receiptStatus: 'partially_paid',
      receiptNumber: null,
    });
    expect(await receipt(r.id)).toMatchObject({
      status: 'partially_paid',
      paidAmount: 5000,
      outstanding: 3000,
      receiptNumber: null,
    });
    const second = await pay(3000, r.reference);
    expect(second.match).toMatchObject({ matched: true, allocated: 3000, receiptStatus: 'paid' });
    const paid = await receipt(r.id);
    expect(paid).toMatchObject({ status: 'paid', paidAmount: 8000, outstanding: 0 });
    expect(paid.receiptNumber).toMatch(/^BLTP-26 \d{7}$/);
    expect(paid.payments).toHaveLength(2);
  });

  it('pays a receipt from an overpayment and queues the rest for a refund decision', async () => {
    const r = await openReceipt(1, 'Đỗ Thị Giang');
    const over = await pay(r.amount + 18000, r.reference);
    expect(over.match).toMatchObject({
      matched: true,
      allocated: r.amount,
      unallocated: 18000,
      receiptStatus: 'paid',
    });
    const queued = (await exceptions()).find((e) => e.id === over.creditId)!;
    expect(queued).toMatchObject({ state: 'overpaid', open: 18000, outcome: 'overpaid' });

    const refund = await request(t.app)
      .post(`/v1/credits/${over.creditId}/refund-due`)
      .set(t.auth)
      .send({ reason: 'Người nộp chuyển thừa, hoàn trả' });
    expect(refund.status).toBe(201);
    expect(refund.body.amount).toBe(18000);
    expect((await exceptions()).some((e) => e.id === over.creditId)).toBe(false);
    const again = await request(t.app)
      .post(`/v1/credits/${over.creditId}/refund-due`)
      .set(t.auth)
      .send({ reason: 'lần nữa' });
    expect(again.status).toBe(409);
  });

  it('queues unknown references and void receipts, never applying them', async () => {
    const v = await openReceipt(3);
    const voided = await request(t.app)
      .post(`/v1/receipts/${v.id}/void`)
      .set(CLERK)
      .send({ reason: 'Hồ sơ rút' });
    expect(voided.status).toBe(201);
    expect((await receipt(v.id)).status).toBe('void');
    const toVoid = await pay(v.amount, v.reference);
    expect(toVoid.match).toEqual({ matched: false, reason: 'receipt_void', receiptId: v.id });

    const nothing = await pay(12345, 'ung ho dong bao');
    expect(nothing.match).toEqual({ matched: false, reason: 'no_reference_in_memo' });
    const queue = await exceptions();
    expect(queue.find((e) => e.id === toVoid.creditId)).toMatchObject({
      state: 'unmatched',
      outcome: 'receipt_void',
    });
    expect(queue.find((e) => e.id === nothing.creditId)).toMatchObject({ state: 'unmatched', open: 12345 });
  });

  it('lets a treasury user match by hand from a suggestion, unmatch, and see it all in the audit trail', async () => {
    const r = await openReceipt(9, 'Lý Thị Hoa');
    // A mistyped memo: no reference, but the payer's name and the exact amount.
    const lost = await pay(r.amount, 'LY THI HOA nop tien ho so');
    expect(lost.match).toMatchObject({ matched: false });

    const credit = await request(t.app).get(`/v1/credits/${lost.creditId}`).set(t.auth);
    expect(credit.status).toBe(200);
    expect(credit.body.suggestions[0].receiptId).toBe(r.id);
    expect((await receipt(r.id)).status).toBe('open'); // suggested, not applied

    const clerkTries = await request(t.app)
      .post(`/v1/credits/${lost.creditId}/match`)
      .set(CLERK)
      .send({ receiptId: r.id, reason: 'Khớp theo tên' });
    expect(clerkTries.status).toBe(403);
    const noReason = await request(t.app)
      .post(`/v1/credits/${lost.creditId}/match`)
      .set(t.auth)
      .send({ receiptId: r.id });
    expect(noReason.status).toBe(400);

    const matched = await request(t.app)
      .post(`/v1/credits/${lost.creditId}/match`)
      .set(t.auth)
      .send({ receiptId: r.id, reason: 'Khớp theo tên người nộp và số tiền' });
    expect(matched.status).toBe(201);
    const paid = await receipt(r.id);
    expect(paid).toMatchObject({
      status: 'paid',
      payments: [{ method: 'bank_transfer', matchedBy: 'manual' }],
    });

    // A second manual match of the same credit is refused: one allocation at a time.
    const twice = await request(t.app)
      .post(`/v1/credits/${lost.creditId}/match`)
      .set(t.auth)
      .send({ receiptId: r.id, reason: 'lần nữa' });
    expect(twice.status).toBe(409);

    const reversed = await request(t.app)
      .post(`/v1/allocations/${paid.payments[0].allocationId}/reverse`)
      .set(t.auth)
      .send({ reason: 'Khớp nhầm, người khác nộp' });
    expect(reversed.status).toBe(201);
    const after = await receipt(r.id);
    expect(after).toMatchObject({ status: 'open', paidAmount: 0, payments: [] });
    // It keeps the number it was given: numbers are never reused or withdrawn.
    expect(after.receiptNumber).toBe(paid.receiptNumber);
    expect((await exceptions()).find((e) => e.id === lost.creditId)).toMatchObject({ state: 'unmatched' });

    // Matching again after the reversal is allowed (a new generation of allocation).
    const rematch = await request(t.app)
      .post(`/v1/credits/${lost.creditId}/match`)
      .set(t.auth)
      .send({ receiptId: r.id, reason: 'Đã xác minh lại với người nộp' });
    expect(rematch.status).toBe(201);
    expect((await receipt(r.id)).receiptNumber).toBe(paid.receiptNumber);

    const history = (await request(t.app).get(`/v1/credits/${lost.creditId}`).set(t.auth)).body.history;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['credit.recorded']);
    const audit = (await request(t.app).get('/v1/audit?limit=1000').set(t.auth)).body.items as {
      action: string;
      reason: string | null;
      actor: string;
    }[];
    const manual = audit.filter((a) => ['allocation.manual', 'allocation.reversed'].includes(a.action));
    expect(manual.map((a) => a.reason)).toEqual([
      'Đã xác minh lại với người nộp',
      'Khớp nhầm, người khác nộp',
      'Khớp theo tên người nộp và số tiền',
    ]);
    expect(manual.every((a) => !a.actor.startsWith('system:'))).toBe(true);

    // Nothing was edited: the reversed allocation is still there, with its reversal beside it.
    expect(await t.database.db('allocations').where({ credit_id: lost.creditId })).toHaveLength(2);
    await expect(t.database.db('allocation_reversals').delete()).rejects.toThrow(/append-only/);
    await expect(t.database.db('audit_events').update({ reason: 'x' })).rejects.toThrow(/append-only/);
  });

  it('recognises the same money from two sources by the bank reference', async () => {
    const r = await openReceipt(2);
    const first = await pay(r.amount, r.reference, { bankReference: 'FT26327111111' });
    expect(first.match).toMatchObject({ matched: true });
    const sameMoney = await pay(r.amount, r.reference, { bankReference: 'FT26327111111' }); // new transactionId
    expect(sameMoney).toMatchObject({ creditId: first.creditId, duplicate: true });
    expect((await receipt(r.id)).payments).toHaveLength(1);
  });
});
