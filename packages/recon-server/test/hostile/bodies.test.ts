/**
 * Hostile bodies on every write endpoint: oversized, deeply nested, not an object, not JSON, with
 * fields the API does not know (prototype keys included). Each is refused with its exact problem
 * and changes nothing; a callback keeps only its raw bytes, settled as rejected.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addKey,
  configureDemoProviders,
  copyFee,
  createTestApp,
  DEMO_PROVIDER_SECRETS,
  expectCallbackRejected,
  expectRefused,
  genericCredit,
  type Key,
  openReceipt,
  postCallback,
  providerBodies,
  sign,
  snapshot,
  TEST_CALLBACK_SECRET,
  type TestApp,
} from './support.js';

/** Just over the 64 kB JSON limit. */
const OVERSIZED = 'x'.repeat(70 * 1024);
/** Nested arrays as deep as fit in the JSON limit: `[[[…]]]`, 30 000 levels. */
const deep = (levels = 30_000) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels = 10_000) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('hostile bodies', () => {
  let t: TestApp;
  let clerk: Key;
  let treasurer: Key;
  let receiptId: string;

  beforeAll(async () => {
    t = await createTestApp();
    clerk = await addKey(t, 'clerk', 'clerk');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    await configureDemoProviders(t);
    receiptId = (await openReceipt(t)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Every JSON write endpoint, with a key allowed to call it. */
  const jsonWrites = () =>
    [
      ['post', '/v1/receipts', t.auth],
      ['post', `/v1/receipts/${receiptId}/cash-payments`, clerk.auth],
      ['post', `/v1/receipts/${receiptId}/void`, clerk.auth],
      ['post', '/v1/deposits', clerk.auth],
      ['post', '/v1/reconciliations', treasurer.auth],
      ['put', '/v1/agency/providers/sepay', t.auth],
      ['put', '/v1/agency/events', t.auth],
      ['post', '/v1/agency/keys', t.auth],
    ] as const;

  describe('oversized', () => {
    it('answers 413 body_too_large on every JSON write endpoint, changing nothing', async () => {
      for (const [method, path, auth] of jsonWrites()) {
        const body = JSON.stringify({ reason: OVERSIZED, payer: { name: OVERSIZED } });
        await expectRefused(
          t,
          () => request(t.app)[method](path).set(auth).set('Content-Type', 'application/json').send(body),
          413,
          'body_too_large',
        );
      }
    });

    it('answers 413 to an oversized callback of every provider before storing anything', async () => {
      const huge = JSON.stringify(genericCredit({ memo: OVERSIZED }));
      for (const path of [
        '/v1/callbacks/generic',
        '/v1/callbacks/generic/demo',
        '/v1/callbacks/sepay/demo',
        '/v1/callbacks/payos/demo',
        '/v1/callbacks/casso/demo',
      ]) {
        // Even correctly signed: the limit comes first, and nothing is kept of a body not read whole.
        const signed = sign(t, 'generic', huge, TEST_CALLBACK_SECRET);
        await expectRefused(
          t,
          () => postCallback(t, path, signed.rawBody, signed.headers),
          413,
          'body_too_large',
        );
      }
    });

    it('answers 413 to a statement over 5 MB', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x61);
      await expectRefused(
        t,
        () =>
          request(t.app).post('/v1/statements').set(treasurer.auth).set('Content-Type', 'text/csv').send(big),
        413,
        'body_too_large',
      );
    });
  });

  describe('deeply nested JSON', () => {
    it('refuses 30 000 levels of arrays in a receipt field with a validation error naming it', async () => {
      const raw = `{"dossierCode":"HS-DEEP","payer":{"name":${deep()}},"fee":${JSON.stringify(copyFee())}}`;
      const problem = await expectRefused(
        t,
        () =>
          request(t.app).post('/v1/receipts').set(t.auth).set('Content-Type', 'application/json').send(raw),
        400,
        'validation_failed',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'payer.name' })]);
    });

    it('refuses deep objects in quantities, cash payments and reasons', async () => {
      const fee = `{"date":"2026-11-23","items":[{"procedure":"chung-thuc-ban-sao","quantities":{"pages":${deepObject()}}}]}`;
      const receipt = await expectRefused(
        t,
        () =>
          request(t.app)
            .post('/v1/receipts')
            .set(t.auth)
            .set('Content-Type', 'application/json')
            .send(`{"dossierCode":"HS-DEEP","payer":{"name":"A"},"fee":${fee}}`),
        400,
        'validation_failed',
      );
      expect(receipt.errors).toEqual([expect.objectContaining({ path: 'fee.items[0].quantities.pages' })]);

      const cash = await expectRefused(
        t,
        () =>
          request(t.app)
            .post(`/v1/receipts/${receiptId}/cash-payments`)
            .set(clerk.auth)
            .set('Content-Type', 'application/json')
            .send(
              `{"amount":${deep()},"payer":{"name":"A"},"idDocument":{"type":"cccd","number":"001234567890"}}`,
            ),
        400,
        'validation_failed',
      );
      expect(cash.errors).toEqual([expect.objectContaining({ path: 'amount' })]);

      const voided = await expectRefused(
        t,
        () =>
          request(t.app)
            .post(`/v1/receipts/${receiptId}/void`)
            .set(clerk.auth)
            .set('Content-Type', 'application/json')
            .send(`{"reason":${deepObject()}}`),
        400,
        'validation_failed',
      );
      expect(voided.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    });

    it('refuses a deep generic callback after storing it raw (validation_failed, memo)', async () => {
      const raw = JSON.stringify(genericCredit()).replace('"nop phi"', deep());
      const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
      const problem = await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
        400,
        'validation_failed',
        { agencyId: 'demo', provider: 'generic', body: raw },
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'memo' })]);
    });

    // Unsigned (forged) deep bodies: the attacker has no key, so the answer must be a 401 — the
    // signature checks must not recurse into the body and fall over first.
    it('answers 401, not a crash, to a forged deep Casso body (its signature re-serialises the body)', async () => {
      const raw = `{"error":0,"data":${deep()}}`;
      const t0 = String(t.clock.now().getTime());
      await expectCallbackRejected(
        t,
        () =>
          postCallback(t, '/v1/callbacks/casso/demo', raw, {
            'X-Casso-Signature': `t=${t0},v1=${'ab'.repeat(64)}`,
          }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'casso', body: raw },
      );
    });

    it('answers 401, not a crash, to a forged deep payOS body (its signature string serialises arrays)', async () => {
      const raw = `{"code":"00","desc":"success","success":true,"signature":"${'ab'.repeat(32)}","data":{"orderCode":1,"x":${deep()}}}`;
      await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/payos/demo', raw),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'payos', body: raw },
      );
    });

    it('answers 401 to forged deep SePay and generic bodies', async () => {
      const raw = `{"id":1,"x":${deep()}}`;
      await expectCallbackRejected(
        t,
        () =>
          postCallback(t, '/v1/callbacks/sepay/demo', raw, {
            'X-SePay-Timestamp': String(Math.floor(t.clock.now().getTime() / 1000)),
            'X-SePay-Signature': `sha256=${'ab'.repeat(32)}`,
          }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'sepay' },
      );
      await expectCallbackRejected(
        t,
        () =>
          postCallback(t, '/v1/callbacks/generic', raw, {
            'X-Thuphi-Signature': `t=${Math.floor(t.clock.now().getTime() / 1000)},v1=${'ab'.repeat(32)}`,
          }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'generic' },
      );
    });
  });

  describe('not a JSON object', () => {
    it('answers 400 malformed_json to broken JSON and to JSON scalars (strict parser)', async () => {
      for (const raw of ['{"dossierCode": ', 'null', '"HS-1"', '42', 'true', '{"a":1}}', '\u0000']) {
        await expectRefused(
          t,
          () =>
            request(t.app).post('/v1/receipts').set(t.auth).set('Content-Type', 'application/json').send(raw),
          400,
          'malformed_json',
        );
      }
    });

    it('answers 400 validation_failed to an array where an object is expected', async () => {
      await expectRefused(
        t,
        () =>
          request(t.app).post('/v1/receipts').set(t.auth).set('Content-Type', 'application/json').send('[]'),
        400,
        'validation_failed',
      );
    });

    it('answers 415 to a body that is not application/json, and to an unknown charset', async () => {
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', 'dossierCode=HS-1'],
        ['text/plain', '{"dossierCode":"HS-1"}'],
        ['application/xml', '<receipt/>'],
      ] as const) {
        await expectRefused(
          t,
          () => request(t.app).post('/v1/receipts').set(t.auth).set('Content-Type', type).send(body),
          415,
          'unsupported_media_type',
        );
      }
      await expectRefused(
        t,
        () =>
          request(t.app)
            .post('/v1/receipts')
            .set(t.auth)
            .set('Content-Type', 'application/json; charset=klingon')
            .send('{}'),
        415,
        'unsupported_media_type',
      );
    });

    it('answers 401 before reading the body of a caller without a valid key', async () => {
      // Keys are checked before the JSON parser: no 415 / 400 / 413 tells an unauthenticated caller
      // anything about the body, and no body is parsed for it.
      for (const [auth, type, body] of [
        [undefined, 'text/plain', '{"dossierCode":"HS-1"}'],
        [undefined, 'application/json', '{"dossierCode":'],
        ['Bearer tp_not_a_key_of_anyone_0000', 'application/xml', '<receipt/>'],
        ['Bearer tp_not_a_key_of_anyone_0000', 'application/json', `{"memo":"${'x'.repeat(70_000)}"}`],
      ] as const) {
        await expectRefused(
          t,
          () => {
            const req = request(t.app).post('/v1/receipts').set('Content-Type', type);
            return (auth ? req.set('Authorization', auth) : req).send(body);
          },
          401,
          'unauthorized',
        );
      }
    });

    it('answers a callback that is not JSON with 400 malformed_json after storing it raw', async () => {
      for (const raw of ['not json', '{"transactionId":', '[]', 'null']) {
        const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
          400,
          // A JSON array or null is not "the object the provider sends": the body as a whole is unusable.
          'malformed_json',
          { agencyId: 'demo', provider: 'generic', body: raw },
        );
        expect(problem.detail).toBeTruthy();
      }
    });
  });

  describe('unknown fields', () => {
    it('refuses a receipt with fields the API does not take, at any depth, naming them', async () => {
      const cases: [Record<string, unknown>, string, string][] = [
        // The amount is assessed, never taken from the caller.
        [{ amount: 1 }, '', 'amount'],
        [{ status: 'paid' }, '', 'status'],
        [{ receiptNumber: '0000001' }, '', 'receiptNumber'],
        [{ payer: { name: 'A', idNumber: '001234567890' } }, 'payer', 'idNumber'],
        [{ fee: { ...copyFee(), total: 1 } }, 'fee', 'total'],
        [
          {
            fee: {
              ...copyFee(),
              items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1 }, amount: 0 }],
            },
          },
          'fee.items[0]',
          'amount',
        ],
      ];
      for (const [extra, path, key] of cases) {
        const body = { dossierCode: 'HS-UNKNOWN', payer: { name: 'A' }, fee: copyFee(), ...extra };
        const problem = await expectRefused(
          t,
          () => request(t.app).post('/v1/receipts').set(t.auth).send(body),
          400,
          'validation_failed',
        );
        expect(problem.errors).toEqual([{ path, message: expect.stringContaining(key) }]);
      }
    });

    it('refuses __proto__ and constructor keys and pollutes nothing', async () => {
      const raw = `{"dossierCode":"HS-PROTO","payer":{"name":"A","__proto__":{"isAdmin":true}},"fee":${JSON.stringify(copyFee())},"constructor":{"prototype":{"polluted":1}}}`;
      const problem = await expectRefused(
        t,
        () =>
          request(t.app).post('/v1/receipts').set(t.auth).set('Content-Type', 'application/json').send(raw),
        400,
        'validation_failed',
      );
      const messages = JSON.stringify(problem.errors);
      expect(messages).toContain('__proto__');
      expect(messages).toContain('constructor');
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses unknown fields on cash payments, voids, deposits, provider settings and keys', async () => {
      const cases: [string, string, { Authorization: string }, Record<string, unknown>, string][] = [
        [
          'post',
          `/v1/receipts/${receiptId}/cash-payments`,
          clerk.auth,
          {
            amount: 7000,
            payer: { name: 'A' },
            idDocument: { type: 'cccd', number: '001234567890' },
            collectedAt: '2020-01-01T00:00:00Z',
          },
          'collectedAt',
        ],
        [
          'post',
          `/v1/receipts/${receiptId}/void`,
          clerk.auth,
          { reason: 'mở nhầm phiếu', force: true },
          'force',
        ],
        ['post', '/v1/deposits', clerk.auth, { amount: 1 }, 'amount'],
        [
          'put',
          '/v1/agency/providers/sepay',
          t.auth,
          { secret: 'whsec_0123456789', agencyId: 'other' },
          'agencyId',
        ],
        ['post', '/v1/agency/keys', t.auth, { role: 'clerk', label: 'quầy 2', keyHash: 'x' }, 'keyHash'],
      ];
      for (const [method, path, auth, body, key] of cases) {
        const problem = await expectRefused(
          t,
          () =>
            (method === 'put' ? request(t.app).put(path) : request(t.app).post(path)).set(auth).send(body),
          400,
          'validation_failed',
        );
        expect(JSON.stringify(problem.errors)).toContain(key);
      }
    });

    it('refuses an unknown field in the generic callback (our own strict format)', async () => {
      const raw = JSON.stringify(genericCredit({ receiptId: '00000000-0000-4000-8000-000000000000' }));
      const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
      const problem = await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
        400,
        'validation_failed',
        { agencyId: 'demo', provider: 'generic', body: raw },
      );
      expect(problem.errors?.[0]?.message).toContain('receiptId');
    });

    it('lets providers add fields (their formats are loose by design) but never lets one steer matching', async () => {
      // A genuine SePay body with an extra field naming a receipt: stored, but the field is dropped.
      const r = await openReceipt(t);
      const body = providerBodies.sepay({ content: 'khong co ma', receiptId: r.id, status: 'paid' });
      const signed = sign(t, 'sepay', body, DEMO_PROVIDER_SECRETS.sepay);
      const before = await snapshot(t.database.db);
      const res = await postCallback(t, '/v1/callbacks/sepay/demo', signed.rawBody, signed.headers);
      expect(res.status).toBe(200);
      expect(res.body.credits).toEqual([
        expect.objectContaining({ duplicate: false, match: expect.objectContaining({ matched: false }) }),
      ]);
      const after = await snapshot(t.database.db);
      expect(after.tables.allocations).toEqual(before.tables.allocations);
      expect(after.tables.receipt_numbers).toEqual(before.tables.receipt_numbers);
      expect((await request(t.app).get(`/v1/receipts/${r.id}`).set(t.auth)).body.status).toBe('open');
    });
  });

  it('answers a hostile path with problem+json, never an HTML page that would render it', async () => {
    const body = await expectRefused(
      t,
      () => request(t.app).get('/v1/receipts/%3Cscript%3Ealert(1)%3C%2Fscript%3E').set(t.auth),
      404,
      'not_found',
    );
    expect(body.detail).toBe('receipt <script>alert(1)</script>');
  });
});
