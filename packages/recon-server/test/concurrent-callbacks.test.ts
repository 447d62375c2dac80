/**
 * Deliveries racing each other: the same callback many times at once yields one credit and one
 * match; many receipts paid at once get receipt numbers 1..N with no gap and no repeat.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';

const NOW_UNIX = Date.parse('2026-11-23T02:00:00Z') / 1000;

describe('concurrent callbacks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openReceipt(i: number) {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: `HS-${i}`,
        payer: { name: `Người nộp ${i}` },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-chu-ky', quantities: { documents: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; amount: number; reference: string };
  }

  function deliver(txn: string, amount: number, memo: string) {
    const body = JSON.stringify({
      transactionId: txn,
      accountNumber: '1023456789',
      amount,
      memo,
      bookedAt: '2026-11-23T09:00:00+07:00',
    });
    return request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set(
        'X-Thuphi-Signature',
        signGenericCallback({ body, secret: TEST_CALLBACK_SECRET, timestamp: NOW_UNIX }),
      )
      .send(body);
  }

  it('records one credit and one match for 12 simultaneous deliveries of one transfer', async () => {
    const receipt = await openReceipt(0);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => deliver('FT-SAME', receipt.amount, receipt.reference)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    const credits = await t.database.db('bank_credits').where({ provider_txn_id: 'FT-SAME' }).select('id');
    expect(credits).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.credits[0].creditId))).toEqual(new Set([credits[0]!.id]));
    const allocations = await t.database.db('allocations').where({ receipt_id: receipt.id }).select('id');
    expect(allocations).toHaveLength(1);
  });

  it('numbers 20 receipts paid at once 2..21 with no gap and no repeat', async () => {
    const receipts = await Promise.all(Array.from({ length: 20 }, (_, i) => openReceipt(i + 1)));
    const answers = await Promise.all(receipts.map((r, i) => deliver(`FT-${i}`, r.amount, r.reference)));
    expect(answers.every((a) => a.status === 200 && a.body.credits[0].match?.matched === true)).toBe(true);
    const numbers = (await t.database.db('receipt_numbers').pluck('number'))
      .map(Number)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('pays a receipt only once when two different transfers race for it', async () => {
    const receipt = await openReceipt(99);
    const answers = await Promise.all([
      deliver('FT-RACE-A', receipt.amount, receipt.reference),
      deliver('FT-RACE-B', receipt.amount, receipt.reference),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const matched = answers.filter((a) => a.body.credits[0].match.matched);
    expect(matched).toHaveLength(1);
    expect(answers.find((a) => !a.body.credits[0].match.matched)!.body.credits[0].match.reason).toBe(
      'already_paid',
    );
    expect(await t.database.db('allocations').where({ receipt_id: receipt.id }).select('id')).toHaveLength(1);
    expect(
      await t.database.db('bank_credits').whereIn('provider_txn_id', ['FT-RACE-A', 'FT-RACE-B']),
    ).toHaveLength(2);
  });
});
