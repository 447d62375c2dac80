/**
 * Per-agency callback URLs: a key holder learns its agency, an admin configures a provider's secret,
 * and that provider's signed callbacks pay receipts — only with that agency's secret.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/agencies/keys.js';
import { providers } from '../src/callbacks/providers/index.js';
import { createTestApp, TEST_API_KEY, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';

const SEPAY_SECRET = 'whsec_sepay_demo_0123456789';
const PAYOS_KEY = 'payos_checksum_key_0123456789';
const CASSO_KEY = 'casso_checksum_key_0123456789';

describe('agency settings and provider callbacks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    await db('agencies').insert({
      id: 'xa-khac',
      name: 'UBND xã Khác',
      receipt_series: 'XK-26',
      created_at: new Date(),
    });
    await db('api_keys').insert([
      {
        id: randomUUID(),
        agency_id: 'demo',
        key_hash: hashApiKey('tp_demo_clerk_key_0001'),
        role: 'clerk',
        created_at: new Date(),
      },
      {
        id: randomUUID(),
        agency_id: 'xa-khac',
        key_hash: hashApiKey('tp_other_admin_key_0001'),
        role: 'admin',
        created_at: new Date(),
      },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openReceipt(pages: number) {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: `HS-${pages}`,
        payer: { name: 'Phạm Thị Dung' },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; amount: number; reference: string };
  }

  async function statusOf(id: string) {
    return (await request(t.app).get(`/v1/receipts/${id}`).set(t.auth)).body.status;
  }

  it('tells a key holder its agency, accounts and callback URLs, never a secret', async () => {
    const res = await request(t.app).get('/v1/agency').set(t.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'demo',
      collectionAccounts: [{ bankBin: '970436', accountNumber: '1023456789' }],
      providers: [{ provider: 'generic', accountNumbers: [] }],
      callbackUrls: { sepay: '/v1/callbacks/sepay/demo', payos: '/v1/callbacks/payos/demo' },
    });
    expect(JSON.stringify(res.body)).not.toContain(TEST_CALLBACK_SECRET);
    expect(JSON.stringify(res.body)).not.toContain(TEST_API_KEY);
  });

  it('lets only an admin key set provider settings, and never echoes the secret', async () => {
    const clerk = await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set('Authorization', 'Bearer tp_demo_clerk_key_0001')
      .send({ secret: SEPAY_SECRET, accountNumbers: [] });
    expect(clerk.status).toBe(403);
    expect(clerk.body.code).toBe('forbidden');

    const bad = await request(t.app).put('/v1/agency/providers/sepay').set(t.auth).send({ secret: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('secret');

    const unknown = await request(t.app)
      .put('/v1/agency/providers/momo')
      .set(t.auth)
      .send({ secret: SEPAY_SECRET });
    expect(unknown.status).toBe(404);

    for (const [provider, secret] of [
      ['sepay', SEPAY_SECRET],
      ['payos', PAYOS_KEY],
      ['casso', CASSO_KEY],
    ] as const) {
      const res = await request(t.app).put(`/v1/agency/providers/${provider}`).set(t.auth).send({ secret });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(secret);
      expect(res.body.callbackUrl).toBe(`/v1/callbacks/${provider}/demo`);
    }
    // The other agency uses its own SePay secret.
    await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set('Authorization', 'Bearer tp_other_admin_key_0001')
      .send({ secret: 'whsec_other_agency_secret_0000' })
      .expect(200);
  });

  it('pays a receipt from a SePay callback and answers {"success": true}', async () => {
    const receipt = await openReceipt(2);
    const now = t.clock.now();
    const signed = providers.sepay.sign({
      body: {
        id: 900001,
        gateway: 'Vietcombank',
        transactionDate: '2026-11-23 09:00:00',
        accountNumber: '1023456789',
        code: null,
        content: `${receipt.reference} nop phi`,
        transferType: 'in',
        transferAmount: receipt.amount,
        accumulated: 5000000,
        subAccount: null,
        referenceCode: 'FT26327900001',
        description: `MBVCB.1.${receipt.reference} nop phi.CT tu 0071 NGUYEN VAN A`,
      },
      secret: SEPAY_SECRET,
      now,
    });
    const res = await request(t.app)
      .post('/v1/callbacks/sepay/demo')
      .set(signed.headers)
      .send(signed.rawBody);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.credits[0].match.matched).toBe(true);
    expect(await statusOf(receipt.id)).toBe('paid');

    // The same request at another agency's URL is verified with that agency's secret: refused.
    const elsewhere = await request(t.app)
      .post('/v1/callbacks/sepay/xa-khac')
      .set(signed.headers)
      .send(signed.rawBody);
    expect(elsewhere.status).toBe(401);
    const nowhere = await request(t.app)
      .post('/v1/callbacks/sepay/khong-ton-tai')
      .set(signed.headers)
      .send(signed.rawBody);
    expect(nowhere.status).toBe(404);
    expect(await t.database.db('bank_credits').where({ agency_id: 'xa-khac' })).toHaveLength(0);
  });

  it('pays receipts from payOS and Casso callbacks', async () => {
    const r1 = await openReceipt(3);
    const payos = providers.payos.sign({
      body: {
        code: '00',
        desc: 'success',
        success: true,
        data: {
          orderCode: 123,
          amount: r1.amount,
          description: r1.reference,
          accountNumber: '1023456789',
          reference: 'FT26327PAYOS1',
          transactionDateTime: '2026-11-23 09:01:00',
          currency: 'VND',
          paymentLinkId: 'abc',
          code: '00',
          desc: 'success',
          counterAccountBankId: '',
          counterAccountBankName: '',
          counterAccountName: null,
          counterAccountNumber: null,
          virtualAccountName: '',
          virtualAccountNumber: '',
        },
      },
      secret: PAYOS_KEY,
      now: t.clock.now(),
    });
    const res1 = await request(t.app).post('/v1/callbacks/payos/demo').set(payos.headers).send(payos.rawBody);
    expect(res1.status).toBe(200);
    expect(await statusOf(r1.id)).toBe('paid');

    const r2 = await openReceipt(4);
    const casso = providers.casso.sign({
      body: {
        error: 0,
        data: {
          id: 777001,
          reference: 'FT26327CASSO1',
          description: `CT ${r2.reference.toLowerCase()} thanh toan`,
          amount: r2.amount,
          runningBalance: 1000000,
          transactionDateTime: '2026-11-23 09:02:00',
          accountNumber: '1023456789',
          bankName: 'Vietcombank',
          bankAbbreviation: 'VCB',
          virtualAccountNumber: '',
          virtualAccountName: '',
          counterAccountName: '',
          counterAccountNumber: '',
          counterAccountBankId: '',
          counterAccountBankName: '',
        },
      },
      secret: CASSO_KEY,
      now: t.clock.now(),
    });
    const res2 = await request(t.app).post('/v1/callbacks/casso/demo').set(casso.headers).send(casso.rawBody);
    expect(res2.status).toBe(200);
    expect(await statusOf(r2.id)).toBe('paid');
  });

  it('ignores credits to accounts the provider settings do not list', async () => {
    await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set(t.auth)
      .send({ secret: SEPAY_SECRET, accountNumbers: ['0071000999999'] })
      .expect(200);
    const receipt = await openReceipt(5);
    const signed = providers.sepay.sign({
      body: {
        id: 900002,
        gateway: 'Vietcombank',
        transactionDate: '2026-11-23 09:05:00',
        accountNumber: '1023456789',
        code: null,
        content: receipt.reference,
        transferType: 'in',
        transferAmount: receipt.amount,
        accumulated: 0,
        subAccount: null,
        referenceCode: 'FT2',
        description: receipt.reference,
      },
      secret: SEPAY_SECRET,
      now: t.clock.now(),
    });
    const res = await request(t.app)
      .post('/v1/callbacks/sepay/demo')
      .set(signed.headers)
      .send(signed.rawBody);
    expect(res.status).toBe(200);
    expect(res.body.credits).toEqual([]);
    expect(res.body.ignored).toEqual([{ providerTxnId: '900002', reason: 'account_not_configured' }]);
    expect(await statusOf(receipt.id)).toBe('open');
  });
});
