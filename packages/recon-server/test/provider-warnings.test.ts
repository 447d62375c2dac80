/**
 * Issue 14 item 11: callback modes that sign nothing (SePay's API key, Casso's v1 secure-token) are
 * named in `GET /v1/agency` as `warnings`, with a code and a Vietnamese and English message, while
 * the agency's callbacks arrive that way; HMAC callbacks raise none, and a new secret clears it.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../src/callbacks/providers/index.js';
import { createTestApp, type TestApp } from './support/app.js';

const SEPAY_SECRET = 'whsec_sepay_warn_0123456789';
const CASSO_TOKEN = 'casso_token_warn_0123456789';

describe('GET /v1/agency warns about callback modes that sign nothing', () => {
  let t: TestApp;
  let txn = 0;
  beforeAll(async () => {
    t = await createTestApp();
    for (const [provider, secret] of [
      ['sepay', SEPAY_SECRET],
      ['casso', CASSO_TOKEN],
    ] as const) {
      await request(t.app).put(`/v1/agency/providers/${provider}`).set(t.auth).send({ secret }).expect(200);
    }
  });
  afterAll(() => t?.close());

  const warnings = async () => {
    const res = await request(t.app).get('/v1/agency').set(t.auth);
    expect(res.status).toBe(200);
    return res.body.warnings as {
      code: string;
      provider: string;
      message: { vi: string; en: string };
      credits: number;
    }[];
  };
  const sepayBody = () => ({
    id: 920000 + ++txn,
    gateway: 'Vietcombank',
    transactionDate: '2026-11-23 09:05:00',
    accountNumber: '1023456789',
    code: null,
    content: `khong ro ${txn}`,
    transferType: 'in',
    transferAmount: 10_000 + txn,
    accumulated: 0,
    subAccount: null,
    referenceCode: `FT-WARN-${txn}`,
    description: 'x',
  });

  it('none while every callback is signed (SePay HMAC)', async () => {
    const signed = providers.sepay.sign({ body: sepayBody(), secret: SEPAY_SECRET, now: t.clock.now() });
    expect(
      (await request(t.app).post('/v1/callbacks/sepay/demo').set(signed.headers).send(signed.rawBody)).status,
    ).toBe(200);
    expect(await warnings()).toEqual([]);
  });

  it('SePay API-key mode and Casso v1 are named, in both languages', async () => {
    const sepay = await request(t.app)
      .post('/v1/callbacks/sepay/demo')
      .set({ 'Content-Type': 'application/json', Authorization: `Apikey ${SEPAY_SECRET}` })
      .send(JSON.stringify(sepayBody()));
    expect(sepay.status).toBe(200);
    expect(sepay.body.credits).toHaveLength(1);
    const casso = await request(t.app)
      .post('/v1/callbacks/casso/demo')
      .set({ 'Content-Type': 'application/json', 'secure-token': CASSO_TOKEN })
      .send(
        JSON.stringify({
          error: 0,
          data: [
            {
              id: 930001,
              tid: 'FT-CASSO-V1',
              description: 'khong ro',
              amount: 12_345,
              cusum_balance: 0,
              when: '2026-11-23 09:10:00',
              bank_sub_acc_id: '1023456789',
            },
          ],
        }),
      );
    expect(casso.status).toBe(200);
    expect(casso.body.credits).toHaveLength(1);

    const found = await warnings();
    expect(found.map((w) => [w.code, w.provider, w.credits])).toEqual([
      ['sepay_api_key_mode', 'sepay', 1],
      ['casso_v1_token', 'casso', 1],
    ]);
    for (const w of found) {
      expect(w.message.en).toMatch(/signs nothing/);
      expect(w.message.vi).toMatch(/không ký nội dung/);
    }
  });

  it('a new secret for the provider clears its warning', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 1000));
    await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set(t.auth)
      .send({ secret: `${SEPAY_SECRET}_new` })
      .expect(200);
    expect((await warnings()).map((w) => w.code)).toEqual(['casso_v1_token']);
  });
});
