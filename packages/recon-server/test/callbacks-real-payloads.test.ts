/**
 * Callbacks as the providers really send them, through the HTTP app: a SePay webhook whose payload
 * format is the URL-encoded form, and the probe payOS sends when a webhook URL is confirmed.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payosProvider } from '../src/callbacks/providers/payos.js';
import { sepaySignature } from '../src/callbacks/providers/sepay.js';
import { sample } from './providers/samples.js';
import { createTestApp, type TestApp } from './support/app.js';

const SEPAY_KEY = 'sepay_apikey_form_0123456789abcdef';
const SEPAY_SECRET = 'whsec_sepay_form_0123456789abcdef';
const PAYOS_KEY = 'payos_checksum_probe_0123456789abcdef';

describe('real provider payloads over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openReceipt(dossierCode: string) {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode,
        payer: { name: 'Nguyễn Văn An' },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 3, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; reference: string; amount: number };
  }

  const statusOf = async (id: string) =>
    (await request(t.app).get(`/v1/receipts/${id}`).set(t.auth).expect(200)).body.status;

  /** A SePay transaction, in the field order and text form SePay's URL-encoded format uses. */
  function sepayForm(id: number, reference: string, amount: number): string {
    return new URLSearchParams([
      ['id', String(id)],
      ['gateway', 'Vietcombank'],
      ['transactionDate', '2026-11-23 09:05:00'],
      ['accountNumber', '1023456789'],
      ['code', ''],
      ['content', `${reference} nop le phi HS0001`],
      ['transferType', 'in'],
      ['transferAmount', String(amount)],
      ['accumulated', '19077000'],
      ['subAccount', ''],
      ['referenceCode', `FT26327${id}`],
      ['description', `MBVCB.9876543210.${reference} nop le phi HS0001.CT tu 0901234567 NGUYEN VAN AN`],
    ]).toString();
  }

  it('pays a receipt from a form-encoded SePay webhook, in API-key and in HMAC mode', async () => {
    await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set(t.auth)
      .send({ secret: SEPAY_KEY })
      .expect(200);
    const first = await openReceipt('HS-SEPAY-FORM-1');
    const res = await request(t.app)
      .post('/v1/callbacks/sepay/demo')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Authorization', `Apikey ${SEPAY_KEY}`)
      .send(sepayForm(700001, first.reference, first.amount));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ success: true, received: true, duplicate: false });
    expect(res.body.credits[0]).toMatchObject({ providerTxnId: '700001', match: { matched: true } });
    expect(await statusOf(first.id)).toBe('paid');

    await request(t.app)
      .put('/v1/agency/providers/sepay')
      .set(t.auth)
      .send({ secret: SEPAY_SECRET })
      .expect(200);
    const second = await openReceipt('HS-SEPAY-FORM-2');
    const body = sepayForm(700002, second.reference, second.amount);
    const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
    const signed = await request(t.app)
      .post('/v1/callbacks/sepay/demo')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
      .set('X-SePay-Timestamp', timestamp)
      .set('X-SePay-Signature', `sha256=${sepaySignature(SEPAY_SECRET, timestamp, body)}`)
      .send(body);
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(await statusOf(second.id)).toBe('paid');

    // The signature covers the form's raw bytes: one changed byte is refused and records nothing.
    const forged = await request(t.app)
      .post('/v1/callbacks/sepay/demo')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-SePay-Timestamp', timestamp)
      .set('X-SePay-Signature', `sha256=${sepaySignature(SEPAY_SECRET, timestamp, body)}`)
      .send(body.replace('transferAmount=', 'transferAmount=1'));
    expect(forged.status).toBe(401);
    expect(await t.database.db('bank_credits').where({ provider: 'sepay' })).toHaveLength(2);
  });

  it('answers the payOS confirm-webhook probe with 200 and records no credit', async () => {
    await request(t.app)
      .put('/v1/agency/providers/payos')
      .set(t.auth)
      .send({ secret: PAYOS_KEY })
      .expect(200);
    const doc = sample('payos-webhook-doc-vector.json');
    // The documented sample as a real channel receives it: another reference and payment link id.
    const data = {
      ...doc.body.data,
      reference: 'FT26327555555555',
      paymentLinkId: '5d1e2c3b4a5968778695a4b3c2d1e0f1',
      transactionDateTime: '2026-11-23 09:00:00',
    };
    const signed = payosProvider.sign({ body: { ...doc.body, data }, secret: PAYOS_KEY, now: t.clock.now() });
    const res = await request(t.app)
      .post('/v1/callbacks/payos/demo')
      .set(signed.headers)
      .send(signed.rawBody);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      credits: [],
      ignored: [{ providerTxnId: 'FT26327555555555', reason: 'payos_confirmation_probe' }],
    });
    expect(await t.database.db('bank_credits').where({ provider: 'payos' })).toHaveLength(0);
  });
});
