/** Helpers shared by the cash tests: keys of each role, receipts, cash records and signed deposits. */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { expect } from 'vitest';
import { signGenericCallback } from '../../src/shared/signing.js';
import { TEST_CALLBACK_SECRET, type TestApp } from '../support/app.js';
import type { Key } from '../support/keys.js';

export { addKey, type Key } from '../support/keys.js';

/** A receipt for certifying a copy of `pages` pages (2.000 đ/page, 1.000 đ from page 3: TT 226/2016). */
export async function openReceipt(t: TestApp, pages: number, payer = 'Nguyễn Văn An') {
  const res = await request(t.app)
    .post('/v1/receipts')
    .set(t.auth)
    .send({
      dossierCode: `HS-CASH-${pages}-${randomUUID().slice(0, 6)}`,
      payer: { name: payer },
      fee: {
        date: '2026-11-23',
        items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies: 1 } }],
      },
    });
  expect(res.status).toBe(201);
  return res.body as { id: string; amount: number; reference: string };
}

export function payCash(
  t: TestApp,
  key: Key,
  receiptId: string,
  amount: number,
  extra: { payer?: string; id?: string; type?: string; clerkName?: string } = {},
) {
  return request(t.app)
    .post(`/v1/receipts/${receiptId}/cash-payments`)
    .set(key.auth)
    .send({
      amount,
      payer: { name: extra.payer ?? 'Nguyễn Văn An' },
      idDocument: { type: extra.type ?? 'cccd', number: extra.id ?? '001234567890' },
      ...(extra.clerkName ? { clerkName: extra.clerkName } : {}),
    });
}

let txn = 0;

/** A signed generic callback for a credit to the demo collection account. */
export function deliverCredit(
  t: TestApp,
  amount: number,
  memo: string,
  extra: { transactionId?: string; bankReference?: string } = {},
) {
  const body = JSON.stringify({
    transactionId: extra.transactionId ?? `FT-CASH-${++txn}-${randomUUID().slice(0, 6)}`,
    accountNumber: '1023456789',
    amount,
    memo,
    bookedAt: '2026-11-23T16:30:00+07:00',
    ...(extra.bankReference ? { bankReference: extra.bankReference } : {}),
  });
  return request(t.app)
    .post('/v1/callbacks/generic')
    .set('Content-Type', 'application/json')
    .set(
      'X-Thuphi-Signature',
      signGenericCallback({
        body,
        secret: TEST_CALLBACK_SECRET,
        timestamp: Math.floor(t.clock.now().getTime() / 1000),
      }),
    )
    .send(body);
}

export async function count(t: TestApp, table: string): Promise<number> {
  return Number((await t.database.db(table).count({ n: '*' }))[0]!.n);
}
