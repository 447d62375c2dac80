/** Building a day for the reconciliation tests: keys, receipts, signed callbacks, statement lines, cash. */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { expect } from 'vitest';
import { ingestCredit } from '../../src/matching/ingest.js';
import { signGenericCallback } from '../../src/shared/signing.js';
import { TEST_CALLBACK_SECRET, type TestApp } from '../support/app.js';
import type { Key } from '../support/keys.js';

export const ACCOUNT = '1023456789';

export { addKey, type Key } from '../support/keys.js';

/** A copy certification of `pages` pages: 2.000 đ a page, 1.000 đ from the third (TT 226/2016). */
export async function openReceipt(t: TestApp, pages: number, payer = 'Nguyễn Văn An') {
  const res = await request(t.app)
    .post('/v1/receipts')
    .set(t.auth)
    .send({
      dossierCode: `HS-RECON-${randomUUID().slice(0, 8)}`,
      payer: { name: payer },
      fee: { items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies: 1 } }] },
    });
  expect(res.status).toBe(201);
  return res.body as { id: string; amount: number; reference: string };
}

/** A signed generic callback, booked at the test clock's time unless told otherwise. */
export async function callback(t: TestApp, amount: number, memo: string, bookedAt?: string) {
  const body = JSON.stringify({
    transactionId: `FT-RECON-${randomUUID().slice(0, 12)}`,
    accountNumber: ACCOUNT,
    amount,
    memo,
    bookedAt: bookedAt ?? t.clock.now().toISOString(),
  });
  const res = await request(t.app)
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
  expect(res.status).toBe(200);
  return res.body.credits[0] as { creditId: string; match: { matched: boolean } };
}

/** A line found only in an imported statement: the same ingest path, provider 'statement'. */
export async function statementLine(t: TestApp, amount: number, memo: string, bookedAt: string) {
  const outcome = await t.database.db.transaction((trx) =>
    ingestCredit(
      trx,
      'demo',
      {
        provider: 'statement',
        providerTxnId: `ST-${randomUUID().slice(0, 12)}`,
        accountNumber: ACCOUNT,
        amount,
        memo,
        bookedAt: new Date(bookedAt),
      },
      null,
      t.clock.now(),
    ),
  );
  return outcome.creditId;
}

export async function payCash(t: TestApp, clerk: Key, receiptId: string, amount: number) {
  const res = await request(t.app)
    .post(`/v1/receipts/${receiptId}/cash-payments`)
    .set(clerk.auth)
    .send({
      amount,
      payer: { name: 'Nguyễn Văn An' },
      idDocument: { type: 'cccd', number: '001234567890' },
    });
  expect(res.status).toBe(201);
  return res.body;
}

export async function depositBatch(t: TestApp, clerk: Key) {
  const res = await request(t.app).post('/v1/deposits').set(clerk.auth).send({});
  expect(res.status).toBe(201);
  return res.body as { id: string; code: string; amount: number };
}
