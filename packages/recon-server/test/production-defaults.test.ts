/**
 * Issue 14 item 10: defaults that leak. A production start (`NODE_ENV=production`, or
 * `THUPHI_DEMO=off`) of the real server entry neither seeds the demo agency nor prints a key or a
 * secret; and a provider setting with an empty account list accepts credits only for the agency's
 * own collection accounts, never for any account a provider happens to report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../src/callbacks/providers/index.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_API_KEY, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase, testEngine } from './support/db.js';
import {
  type ServerProcess,
  type ServerStorage,
  startServerProcess,
  stopServerProcess,
} from './support/server-process.js';

describe(`a production start does not create the demo agency (${testEngine}, a real server process)`, () => {
  const started: ServerProcess[] = [];
  const databases: TestDatabase[] = [];
  const dirs: string[] = [];

  async function freshStorage(): Promise<ServerStorage> {
    if (testEngine === 'postgres') {
      const database = await createTestDatabase({ migrate: false });
      databases.push(database);
      return { databaseUrl: database.url! };
    }
    const dir = mkdtempSync(join(tmpdir(), 'thuphi-prod-'));
    dirs.push(dir);
    return { dataDir: dir };
  }
  afterAll(async () => {
    await Promise.all(started.map(stopServerProcess));
    for (const d of databases) await d.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production', THUPHI_ID_HASH_KEY: 'k'.repeat(40) }],
    ['THUPHI_DEMO=off', { THUPHI_DEMO: 'off' }],
  ])('%s: no demo agency, no key or secret printed', async (_name, env) => {
    // The demo's key and secret are even fixed in the environment (startServerProcess sets them).
    const server = await startServerProcess(await freshStorage(), started, {
      ...env,
      THUPHI_RECONCILE_AT: 'off',
    });
    await new Promise((r) => setTimeout(r, 300));
    const output = server.output.join('');
    expect(output).toContain('listening on');
    expect(output).not.toContain(TEST_API_KEY);
    expect(output).not.toContain(TEST_CALLBACK_SECRET);
    expect(output).not.toMatch(/Demo agency|API key \(|Callback secret|tp_|whsec_/);
    expect(output).toContain('No demo agency');

    const me = await fetch(`${server.base}/v1/agency`, {
      headers: { Authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(me.status).toBe(401);
    // The generic callback URL of the default agency finds no agency: nothing is stored for it.
    const body = JSON.stringify({
      transactionId: 'FT1',
      accountNumber: '1023456789',
      amount: 1000,
      memo: 'x',
      bookedAt: new Date().toISOString(),
    });
    const callback = await fetch(`${server.base}/v1/callbacks/generic`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Thuphi-Signature': signGenericCallback({
          body,
          secret: TEST_CALLBACK_SECRET,
          timestamp: Date.now() / 1000,
        }),
      },
      body,
    });
    expect(callback.status).toBe(404);
    await stopServerProcess(server);
  });
});

describe('an empty account list means the agency’s own collection accounts', () => {
  let t: TestApp;
  let txn = 0;
  beforeAll(async () => {
    // The demo agency's generic setting is seeded with no account list; its collection account is 1023456789.
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  async function openReceipt() {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: `HS-ACC-${++txn}`,
        payer: { name: 'Vũ Văn Cường' },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 3, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; amount: number; reference: string };
  }
  const credits = async () =>
    Number((await t.database.db('bank_credits').count<{ n: string }[]>({ n: '*' }))[0]!.n);

  it('generic: a credit to another account is ignored and pays nothing; to the collection account it pays', async () => {
    const receipt = await openReceipt();
    const post = (accountNumber: string, transactionId: string) => {
      const body = JSON.stringify({
        transactionId,
        accountNumber,
        amount: receipt.amount,
        memo: receipt.reference,
        bookedAt: '2026-11-23T09:00:00+07:00',
      });
      return request(t.app)
        .post('/v1/callbacks/generic')
        .set('Content-Type', 'application/json')
        .set(
          'X-Thuphi-Signature',
          signGenericCallback({
            body,
            secret: TEST_CALLBACK_SECRET,
            timestamp: t.clock.now().getTime() / 1000,
          }),
        )
        .send(body);
    };
    const before = await credits();
    const other = await post('9704229999', 'FT-OTHER-ACCOUNT');
    expect(other.status).toBe(200);
    expect(other.body.credits).toEqual([]);
    expect(other.body.ignored).toEqual([
      { providerTxnId: 'FT-OTHER-ACCOUNT', reason: 'account_not_configured' },
    ]);
    expect(await credits()).toBe(before);
    expect((await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth)).body.status).toBe('open');

    const ours = await post('1023456789', 'FT-OUR-ACCOUNT');
    expect(ours.status).toBe(200);
    expect(ours.body.credits).toHaveLength(1);
    expect((await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth)).body.status).toBe('paid');
  });

  it('sepay set with accountNumbers: [] likewise', async () => {
    const secret = 'whsec_sepay_accounts_0123456789';
    await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set(t.auth)
      .send({ secret, accountNumbers: [] })
      .expect(200);
    const receipt = await openReceipt();
    const sepay = (id: number, accountNumber: string) =>
      providers.sepay.sign({
        body: {
          id,
          gateway: 'Vietcombank',
          transactionDate: '2026-11-23 09:05:00',
          accountNumber,
          code: null,
          content: receipt.reference,
          transferType: 'in',
          transferAmount: receipt.amount,
          accumulated: 0,
          subAccount: null,
          referenceCode: `FT-SP-${id}`,
          description: receipt.reference,
        },
        secret,
        now: t.clock.now(),
      });
    const other = sepay(910001, '0071000123456');
    const res = await request(t.app).post('/v1/callbacks/sepay/demo').set(other.headers).send(other.rawBody);
    expect(res.status).toBe(200);
    expect(res.body.ignored).toEqual([{ providerTxnId: '910001', reason: 'account_not_configured' }]);
    expect((await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth)).body.status).toBe('open');
    const ours = sepay(910002, '1023456789');
    const paid = await request(t.app).post('/v1/callbacks/sepay/demo').set(ours.headers).send(ours.rawBody);
    expect(paid.body.credits).toHaveLength(1);
    expect((await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth)).body.status).toBe('paid');
  });
});
