/**
 * Hostile callbacks: replays outside the time tolerance, another agency's secret, forged or missing
 * signatures for every provider, unknown agencies and providers, and a redelivery that changes the
 * money. Each is refused with its exact problem; the raw bytes are kept (by design, before anything
 * is verified) as one row settled `rejected:<code>`, and no money row moves.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payosSignature } from '../../src/callbacks/providers/payos.js';
import type { ProviderName } from '../../src/callbacks/providers/types.js';
import { signGenericCallback } from '../../src/shared/signing.js';
import {
  configureDemoProviders,
  createSecondAgency,
  createTestApp,
  DEMO_PROVIDER_SECRETS,
  expectCallbackRejected,
  expectOnlyRawCallbackStored,
  expectRefused,
  genericCredit,
  type OpenedReceipt,
  openReceipt,
  postCallback,
  providerBodies,
  sign,
  snapshot,
  TEST_CALLBACK_SECRET,
  type TestApp,
} from './support.js';

type Provider = ProviderName;
const bodyFor = (provider: Provider, memo = 'nop phi'): unknown =>
  provider === 'generic'
    ? genericCredit({ memo })
    : provider === 'sepay'
      ? providerBodies.sepay({ content: memo })
      : provider === 'payos'
        ? providerBodies.payos({ description: memo })
        : providerBodies.casso({ description: memo });

describe('hostile callbacks', () => {
  let t: TestApp;
  let agencyB: Awaited<ReturnType<typeof createSecondAgency>>;
  const demoSecret = (p: Provider) => (p === 'generic' ? TEST_CALLBACK_SECRET : DEMO_PROVIDER_SECRETS[p]);

  beforeAll(async () => {
    t = await createTestApp();
    await configureDemoProviders(t);
    agencyB = await createSecondAgency(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const unix = () => Math.floor(t.clock.now().getTime() / 1000);

  describe('replays outside the tolerance (300 s)', () => {
    for (const [label, offset] of [
      ['301 s old', -301],
      ['an hour old', -3600],
      ['301 s in the future', 301],
    ] as const) {
      it(`generic: refuses a signature ${label}`, async () => {
        const raw = JSON.stringify(genericCredit());
        const header = signGenericCallback({
          body: raw,
          secret: TEST_CALLBACK_SECRET,
          timestamp: unix() + offset,
        });
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', raw, { 'X-Thuphi-Signature': header }),
          401,
          'invalid_signature',
          { agencyId: 'demo', provider: 'generic', body: raw },
        );
        expect(problem.detail).toMatch(/more than 300s away from the server clock \(a replay/);
      });
    }

    it('generic: refuses a genuine, accepted callback replayed 301 s later; no second credit', async () => {
      const receipt = await openReceipt(t);
      const raw = JSON.stringify(
        genericCredit({ memo: `${receipt.reference} nop phi`, amount: receipt.amount }),
      );
      const header = signGenericCallback({ body: raw, secret: TEST_CALLBACK_SECRET, timestamp: unix() });
      const first = await postCallback(t, '/v1/callbacks/generic', raw, { 'X-Thuphi-Signature': header });
      expect(first.status).toBe(200);
      expect(first.body.credits[0].match.matched).toBe(true);

      const start = t.clock.now();
      try {
        t.clock.set(new Date(start.getTime() + 301_000));
        await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', raw, { 'X-Thuphi-Signature': header }),
          401,
          'invalid_signature',
          { agencyId: 'demo', provider: 'generic', body: raw },
        );
      } finally {
        t.clock.set(start);
      }
      // Within the window the same bytes are a duplicate: answered, and still only the raw row is new.
      const before = await snapshot(t.database.db);
      const again = await postCallback(t, '/v1/callbacks/generic', raw, { 'X-Thuphi-Signature': header });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        duplicate: true,
        credits: [{ creditId: first.body.credits[0].creditId, duplicate: true }],
      });
      await expectOnlyRawCallbackStored(t.database.db, before, await snapshot(t.database.db), {
        agencyId: 'demo',
        provider: 'generic',
        outcome: 'duplicate',
      });
    });

    it('sepay (HMAC mode): refuses a timestamp 301 s away either way', async () => {
      for (const offset of [-301, 301]) {
        const signed = sign(
          t,
          'sepay',
          bodyFor('sepay'),
          DEMO_PROVIDER_SECRETS.sepay,
          new Date(t.clock.now().getTime() + offset * 1000),
        );
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/sepay/demo', signed.rawBody, signed.headers),
          401,
          'invalid_signature',
          { agencyId: 'demo', provider: 'sepay', body: signed.rawBody },
        );
        expect(problem.detail).toMatch(/a replay, or a wrong clock/);
      }
    });

    it('casso (v2): refuses a timestamp 301 s away, and one sent in seconds instead of milliseconds', async () => {
      const late = sign(
        t,
        'casso',
        bodyFor('casso'),
        DEMO_PROVIDER_SECRETS.casso,
        new Date(t.clock.now().getTime() - 301_000),
      );
      await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/casso/demo', late.rawBody, late.headers),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'casso', body: late.rawBody },
      );
      const signed = sign(t, 'casso', bodyFor('casso'), DEMO_PROVIDER_SECRETS.casso);
      const seconds = signed.headers['x-casso-signature']!.replace(
        /t=(\d+)/,
        (_, ms: string) => `t=${Math.floor(Number(ms) / 1000)}`,
      );
      const problem = await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/casso/demo', signed.rawBody, { 'x-casso-signature': seconds }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'casso' },
      );
      expect(problem.detail).toMatch(/ms is more than 300s away/);
    });

    it('generic: refuses a millisecond timestamp (a sender mistake, never a valid signature)', async () => {
      const raw = JSON.stringify(genericCredit());
      const ms = t.clock.now().getTime();
      const header = signGenericCallback({ body: raw, secret: TEST_CALLBACK_SECRET, timestamp: ms });
      await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/generic', raw, { 'X-Thuphi-Signature': header }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'generic' },
      );
    });
  });

  describe("another agency's secret", () => {
    for (const provider of ['generic', 'sepay', 'payos', 'casso'] as const) {
      it(`${provider}: a callback signed with agency B's secret is refused at agency A's URL`, async () => {
        const signed = sign(t, provider, bodyFor(provider), agencyB.secrets[provider]);
        await expectCallbackRejected(
          t,
          () => postCallback(t, `/v1/callbacks/${provider}/demo`, signed.rawBody, signed.headers),
          401,
          'invalid_signature',
          { agencyId: 'demo', provider, body: signed.rawBody },
        );
      });

      it(`${provider}: a callback signed with agency A's secret is refused at agency B's URL`, async () => {
        const body =
          provider === 'generic' ? genericCredit({ accountNumber: agencyB.account }) : bodyFor(provider);
        const signed = sign(t, provider, body, demoSecret(provider));
        await expectCallbackRejected(
          t,
          () => postCallback(t, `/v1/callbacks/${provider}/${agencyB.id}`, signed.rawBody, signed.headers),
          401,
          'invalid_signature',
          { agencyId: agencyB.id, provider, body: signed.rawBody },
        );
      });
    }

    it("generic: the default URL (agency A) refuses agency B's secret", async () => {
      const signed = sign(t, 'generic', genericCredit(), agencyB.secrets.generic);
      await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'generic' },
      );
    });

    it("sepay (API-key mode) and casso (legacy token): agency B's key is refused at A's URL", async () => {
      const sepayBody = JSON.stringify(bodyFor('sepay'));
      await expectCallbackRejected(
        t,
        () =>
          postCallback(t, '/v1/callbacks/sepay/demo', sepayBody, {
            Authorization: `Apikey ${agencyB.secrets.sepay}`,
          }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'sepay', body: sepayBody },
      );
      const legacy = JSON.stringify({ error: 0, data: [] });
      await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/casso/demo', legacy, { 'secure-token': agencyB.secrets.casso }),
        401,
        'invalid_signature',
        { agencyId: 'demo', provider: 'casso', body: legacy },
      );
    });
  });

  describe('forged or missing signatures', () => {
    it('generic: missing, malformed, wrong-secret and tampered-body signatures', async () => {
      const credit = genericCredit();
      const raw = JSON.stringify(credit);
      const good = signGenericCallback({ body: raw, secret: TEST_CALLBACK_SECRET, timestamp: unix() });
      const tampered = JSON.stringify({ ...credit, amount: 7_000_000 });
      for (const [label, body, headers, detail] of [
        ['no header', raw, {}, /missing/],
        ['empty header', raw, { 'X-Thuphi-Signature': '' }, /missing/],
        [
          'not t=,v1=',
          raw,
          { 'X-Thuphi-Signature': 'sha256=abc' },
          /expected "t=<unix seconds>,v1=<hex signature>"/,
        ],
        ['no v1', raw, { 'X-Thuphi-Signature': `t=${unix()}` }, /expected "t=/],
        [
          'v1 not hex',
          raw,
          { 'X-Thuphi-Signature': `t=${unix()},v1=${'z'.repeat(64)}` },
          /no v1 signature matches/,
        ],
        ['v1 truncated', raw, { 'X-Thuphi-Signature': good.slice(0, -2) }, /no v1 signature matches/],
        [
          'wrong secret',
          raw,
          {
            'X-Thuphi-Signature': signGenericCallback({
              body: raw,
              secret: 'whsec_guess_0123456789',
              timestamp: unix(),
            }),
          },
          /no v1 signature matches/,
        ],
        ['body changed after signing', tampered, { 'X-Thuphi-Signature': good }, /no v1 signature matches/],
        [
          'signature of the timestamp changed',
          raw,
          { 'X-Thuphi-Signature': good.replace(/^t=\d+/, `t=${unix() - 1}`) },
          /no v1 signature matches/,
        ],
      ] as const) {
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', body, headers),
          401,
          'invalid_signature',
          { agencyId: 'demo', provider: 'generic', body },
        );
        expect(problem.detail, label).toMatch(detail);
      }
    });

    it('payOS: missing or non-hex signature, wrong key, and data changed after signing', async () => {
      const body = bodyFor('payos') as { data: Record<string, unknown> };
      const signature = payosSignature(body.data, DEMO_PROVIDER_SECRETS.payos);
      const variants: [string, unknown][] = [
        ['missing', { ...body }],
        ['empty', { ...body, signature: '' }],
        ['not hex', { ...body, signature: 'x'.repeat(64) }],
        ['number', { ...body, signature: 12345 }],
        ['wrong key', { ...body, signature: payosSignature(body.data, agencyB.secrets.payos) }],
        ['amount raised after signing', { ...body, signature, data: { ...body.data, amount: 7_000_000 } }],
        [
          'account changed after signing',
          { ...body, signature, data: { ...body.data, accountNumber: '999999' } },
        ],
        ['data not an object', { ...body, signature, data: [body.data] }],
      ];
      for (const [label, variant] of variants) {
        const raw = JSON.stringify(variant);
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/payos/demo', raw),
          401,
          'invalid_signature',
          { agencyId: 'demo', provider: 'payos', body: raw },
        );
        expect(problem.detail, label).toMatch(/payOS/);
      }
    });

    it('sepay: wrong HMAC, HMAC without timestamp, wrong API key, Bearer instead of Apikey, nothing', async () => {
      const good = sign(t, 'sepay', bodyFor('sepay'), DEMO_PROVIDER_SECRETS.sepay);
      const tampered = good.rawBody.replace('"transferAmount":7000', '"transferAmount":7000000');
      expect(tampered).not.toBe(good.rawBody);
      for (const [label, raw, headers] of [
        ['body changed after signing', tampered, good.headers],
        [
          'signature of another secret',
          good.rawBody,
          sign(t, 'sepay', JSON.parse(good.rawBody), 'whsec_guess_0123456789').headers,
        ],
        ['no timestamp', good.rawBody, { 'x-sepay-signature': good.headers['x-sepay-signature']! }],
        ['signature not hex', good.rawBody, { ...good.headers, 'x-sepay-signature': 'sha256=nothex' }],
        ['wrong API key', good.rawBody, { Authorization: 'Apikey whsec_guess_0123456789' }],
        ['Bearer, not Apikey', good.rawBody, { Authorization: `Bearer ${DEMO_PROVIDER_SECRETS.sepay}` }],
        ['no credentials at all', good.rawBody, {}],
      ] as const) {
        const before = await snapshot(t.database.db);
        const res = await postCallback(t, '/v1/callbacks/sepay/demo', raw, headers as Record<string, string>);
        expect(res.status, label).toBe(401);
        expect(res.body.code, label).toBe('invalid_signature');
        await expectOnlyRawCallbackStored(t.database.db, before, await snapshot(t.database.db), {
          agencyId: 'demo',
          provider: 'sepay',
          outcome: 'rejected:invalid_signature',
          body: raw,
        });
      }
    });

    it('casso: wrong v1, body changed after signing, wrong legacy token, nothing', async () => {
      const good = sign(t, 'casso', bodyFor('casso'), DEMO_PROVIDER_SECRETS.casso);
      const tampered = good.rawBody.replace('"amount":7000', '"amount":7000000');
      expect(tampered).not.toBe(good.rawBody);
      const ms = t.clock.now().getTime();
      for (const [label, raw, headers] of [
        ['body changed after signing', tampered, good.headers],
        ['v1 of zeros', good.rawBody, { 'x-casso-signature': `t=${ms},v1=${'0'.repeat(128)}` }],
        ['sha256-length v1', good.rawBody, { 'x-casso-signature': `t=${ms},v1=${'a'.repeat(64)}` }],
        ['not t=,v1=', good.rawBody, { 'x-casso-signature': 'signature' }],
        ['wrong legacy token', good.rawBody, { 'secure-token': 'casso_guess_0123456789' }],
        ['no credentials at all', good.rawBody, {}],
      ] as const) {
        const before = await snapshot(t.database.db);
        const res = await postCallback(t, '/v1/callbacks/casso/demo', raw, headers as Record<string, string>);
        expect(res.status, label).toBe(401);
        expect(res.body.code, label).toBe('invalid_signature');
        await expectOnlyRawCallbackStored(t.database.db, before, await snapshot(t.database.db), {
          agencyId: 'demo',
          provider: 'casso',
          outcome: 'rejected:invalid_signature',
          body: raw,
        });
      }
    });

    it('a provider the agency has not configured refuses every callback, even one signed with a guess', async () => {
      // Agency B configured all four; a third agency with none is refused for each provider.
      await t.database.db('agencies').insert({
        id: 'xa-chua-cau-hinh',
        name: 'UBND xã Mới',
        receipt_series: 'M-26',
        created_at: t.clock.now(),
      });
      for (const provider of ['generic', 'sepay', 'payos', 'casso'] as const) {
        const signed = sign(t, provider, bodyFor(provider), 'whsec_any_guess_0123456789');
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, `/v1/callbacks/${provider}/xa-chua-cau-hinh`, signed.rawBody, signed.headers),
          401,
          'invalid_signature',
          { agencyId: 'xa-chua-cau-hinh', provider },
        );
        expect(problem.detail).toBe(`no ${provider} secret is configured for this agency`);
      }
    });
  });

  describe('unknown addressees', () => {
    it('answers 404 for an unknown agency and stores nothing at all', async () => {
      for (const agency of ['khong-ton-tai', "demo' OR '1'='1", '%3Cscript%3E', 'x'.repeat(64)]) {
        const signed = sign(t, 'generic', genericCredit(), TEST_CALLBACK_SECRET);
        await expectRefused(
          t,
          () => postCallback(t, `/v1/callbacks/generic/${agency}`, signed.rawBody, signed.headers),
          404,
          'unknown_agency',
        );
      }
    });

    it('answers 404 for an unknown provider and stores nothing', async () => {
      for (const provider of ['momo', 'zalopay', '__proto__', 'constructor', 'toString']) {
        const signed = sign(t, 'generic', genericCredit(), TEST_CALLBACK_SECRET);
        const problem = await expectRefused(
          t,
          () => postCallback(t, `/v1/callbacks/${provider}/demo`, signed.rawBody, signed.headers),
          404,
          'not_found',
        );
        expect(problem.detail).toBe(`no callback provider "${provider}"`);
      }
    });

    it('answers 404 to GET and other methods on callback URLs', async () => {
      await expectRefused(t, () => request(t.app).get('/v1/callbacks/generic'), 404, 'not_found');
      await expectRefused(t, () => request(t.app).put('/v1/callbacks/sepay/demo').send({}), 404, 'not_found');
    });
  });

  describe('a redelivery that changes the money', () => {
    it('refuses the same transaction id with another amount or account (409), never an overwrite', async () => {
      const receipt: OpenedReceipt = await openReceipt(t);
      const credit = genericCredit({ memo: `${receipt.reference} nop phi`, amount: receipt.amount });
      const first = sign(t, 'generic', credit, TEST_CALLBACK_SECRET);
      expect((await postCallback(t, '/v1/callbacks/generic', first.rawBody, first.headers)).status).toBe(200);
      // Another of the agency's own collection accounts: a credit to an account that is not one is
      // ignored before it gets this far (production-defaults.test.ts).
      await t.database.db('collection_accounts').insert({
        id: randomUUID(),
        agency_id: 'demo',
        bank_bin: '970436',
        account_number: '0071000999999',
        account_name: 'UBND XA AN BINH',
        is_default: false,
        created_at: t.clock.now(),
      });
      for (const change of [{ amount: receipt.amount * 100 }, { accountNumber: '0071000999999' }]) {
        const again = sign(t, 'generic', { ...credit, ...change }, TEST_CALLBACK_SECRET);
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', again.rawBody, again.headers),
          409,
          'credit_conflict',
          { agencyId: 'demo', provider: 'generic', body: again.rawBody },
        );
        expect(problem.detail).toContain(`was recorded with amount ${receipt.amount} to account 1023456789`);
      }
      const status = await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth);
      expect(status.body).toMatchObject({ status: 'paid', paidAmount: receipt.amount });
    });
  });
});
