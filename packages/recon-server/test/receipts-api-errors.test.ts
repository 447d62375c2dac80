/** Bad requests to /v1/receipts get a clear problem+json answer and change nothing. */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.js';

const copyFee = {
  date: '2026-11-23',
  items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 3, copies: 1 } }],
};
const validBody = { dossierCode: 'HS-1', payer: { name: 'Lê Văn Cường' }, fee: copyFee };

describe('receipts API: refusals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const receiptCount = async () => Number((await t.database.db('receipts').count({ n: '*' }))[0]!.n);

  it('answers 401 without a key or with an unknown key', async () => {
    const none = await request(t.app).post('/v1/receipts').send(validBody);
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.body).toMatchObject({ code: 'unauthorized', type: 'urn:thuphi:problem:unauthorized' });
    const wrong = await request(t.app)
      .post('/v1/receipts')
      .set('Authorization', 'Bearer tp_not_a_real_key_at_all')
      .send(validBody);
    expect(wrong.status).toBe(401);
    expect(await receiptCount()).toBe(0);
  });

  it('lists each invalid field with its path', async () => {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({ dossierCode: '', payer: {}, fee: { items: [] }, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['dossierCode', 'payer.name', 'fee.items']));
    expect(res.body.errors.some((e: { message: string }) => /extra/.test(e.message))).toBe(true);
    expect(await receiptCount()).toBe(0);
  });

  it('answers 422 naming the field when the fee cannot be assessed', async () => {
    const unknown = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({ ...validBody, fee: { date: '2026-11-23', items: [{ procedure: 'khong-co-thu-tuc-nay' }] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('fee_assessment_failed');
    expect(unknown.body.errors[0].path).toMatch(/^fee\.items\[0\]/);

    const fractional = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        ...validBody,
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 2.5, copies: 1 } }],
        },
      });
    expect(fractional.status).toBe(422);
    expect(fractional.body.errors[0].path).toBe('fee.items[0].quantities.pages');
    expect(await receiptCount()).toBe(0);
  });

  it('refuses malformed JSON, a non-JSON body and an oversized body', async () => {
    const malformed = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .set('Content-Type', 'application/json')
      .send('{"dossierCode": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');

    const form = await request(t.app).post('/v1/receipts').set(t.auth).type('form').send('a=1');
    expect(form.status).toBe(415);

    const huge = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...validBody, payer: { name: 'x'.repeat(200_000) } }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('body_too_large');
    expect(await receiptCount()).toBe(0);
  });

  it('answers 404 for an unknown receipt, and for another agency’s receipt', async () => {
    const missing = await request(t.app).get(`/v1/receipts/${randomUUID()}`).set(t.auth);
    expect(missing.status).toBe(404);
    const notUuid = await request(t.app).get('/v1/receipts/1%20or%201=1').set(t.auth);
    expect(notUuid.status).toBe(404);

    // A second agency with its own key cannot see the demo agency's receipt.
    const mine = await request(t.app).post('/v1/receipts').set(t.auth).send(validBody);
    expect(mine.status).toBe(201);
    const db = t.database.db;
    await db('agencies').insert({
      id: 'other',
      name: 'UBND xã Khác',
      receipt_series: 'X-26',
      created_at: new Date(),
    });
    const { hashApiKey } = await import('../src/agencies/keys.js');
    await db('api_keys').insert({
      id: randomUUID(),
      agency_id: 'other',
      key_hash: hashApiKey('tp_other_agency_key_000000'),
      role: 'admin',
      created_at: new Date(),
    });
    const foreign = await request(t.app)
      .get(`/v1/receipts/${mine.body.id}`)
      .set('Authorization', 'Bearer tp_other_agency_key_000000');
    expect(foreign.status).toBe(404);
    const own = await request(t.app).get(`/v1/receipts/${mine.body.id}`).set(t.auth);
    expect(own.status).toBe(200);
  });

  it('answers /healthz and problem+json for unknown routes', async () => {
    expect((await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const res = await request(t.app).get('/v1/nothing-here').set(t.auth);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    // Without a key, an unknown API route is not told apart from a known one.
    const anonymous = await request(t.app).get('/v1/nothing-here');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthorized');
  });
});
