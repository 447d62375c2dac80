/**
 * Issue 14 item 4: ten bad keys must not lock a whole office out. Failed authentications are
 * throttled (429) for the guesser, per client IP and per key prefix, but a request with a valid key
 * (an agency key or the operator key) is always served; behind a reverse proxy the real client is
 * told apart once `trust proxy` is configured; and the limiter's memory stays bounded whatever a
 * stranger sends.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustProxyFrom } from '../src/config.js';
import { authFailureLimiter } from '../src/http/middleware/auth-rate-limit.js';
import { createTestApp, TEST_API_KEY, type TestApp } from './support/app.js';

const OPERATOR_KEY = 'op_test_operator_key_0123456789abcdef';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const guess = () => `tp_${randomBytes(24).toString('base64url')}`;
const agency = (id: string, account: string) => ({
  id,
  name: `UBND ${id}`,
  collectionAccount: { bankBin: '970415', accountNumber: account, accountName: 'UBND TEST' },
  unit: { province: 'lai-chau', commune: '03388' },
});

describe('failed authentications throttle the guesser, never a valid key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { operatorKey: OPERATOR_KEY } });
  });
  afterAll(() => t?.close());

  it('after ten bad keys from one IP, the office’s valid agency key and the operator key still work', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await request(t.app).get('/v1/agency').set(bearer(guess()))).status).toBe(401);
    }
    const throttled = await request(t.app).get('/v1/agency').set(bearer(guess()));
    expect(throttled.status).toBe(429);
    expect(throttled.body.code).toBe('too_many_auth_failures');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // No key at all is a failure too.
    expect((await request(t.app).get('/v1/agency')).status).toBe(429);

    // The colleague at the next desk, same IP, with the right key.
    const me = await request(t.app).get('/v1/agency').set(bearer(TEST_API_KEY));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe('demo');
    const receipts = await request(t.app)
      .get('/v1/receipts/00000000-0000-4000-8000-000000000000')
      .set(bearer(TEST_API_KEY));
    expect(receipts.status).toBe(404);
    // The platform operator, same IP.
    const created = await request(t.app)
      .post('/v1/agencies')
      .set(bearer(OPERATOR_KEY))
      .send(agency('xa-sau-khoa-sai', '5566778899'));
    expect(created.status).toBe(201);
    // And the guesser is still throttled.
    expect((await request(t.app).get('/v1/agency').set(bearer(guess()))).status).toBe(429);
    expect(
      (
        await request(t.app)
          .post('/v1/agencies')
          .set(bearer(`${OPERATOR_KEY}x`))
          .send({})
      ).status,
    ).toBe(429);
  });

  it('guesses aimed at a real key’s prefix do not lock that key out', async () => {
    const app = (await createTestApp({ config: { authFailuresPerMinute: 3 } })).app;
    const samePrefix = `${TEST_API_KEY.slice(0, 11)}_not_the_key_${randomBytes(4).toString('hex')}`;
    const answers: number[] = [];
    for (let i = 0; i < 5; i++)
      answers.push(
        (
          await request(app)
            .get('/v1/agency')
            .set(bearer(`${samePrefix}${i}`))
        ).status,
      );
    expect(answers).toEqual([401, 401, 401, 429, 429]);
    expect((await request(app).get('/v1/agency').set(bearer(TEST_API_KEY))).status).toBe(200);
  });
});

describe('behind a reverse proxy (trust proxy)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('with THUPHI_TRUST_PROXY set, one client behind the proxy does not throttle another', async () => {
    t = await createTestApp({ config: { trustProxy: trustProxyFrom('loopback'), authFailuresPerMinute: 3 } });
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    for (let i = 0; i < 3; i++) {
      expect(
        (await request(t.app).get('/v1/agency').set(from('203.0.113.7')).set(bearer(guess()))).status,
      ).toBe(401);
    }
    expect(
      (await request(t.app).get('/v1/agency').set(from('203.0.113.7')).set(bearer(guess()))).status,
    ).toBe(429);
    // Another office behind the same proxy, with a wrong key of its own: a plain 401, not 429.
    expect(
      (await request(t.app).get('/v1/agency').set(from('198.51.100.20')).set(bearer(guess()))).status,
    ).toBe(401);
  });

  it('without it, X-Forwarded-For is not believed: a client cannot pick a fresh IP per guess', async () => {
    const app = (await createTestApp({ config: { authFailuresPerMinute: 3 } })).app;
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app)
        .get('/v1/agency')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .set(bearer(guess()));
      answers.push(res.status);
    }
    expect(answers).toEqual([401, 401, 401, 429, 429]);
  });

  it('reads THUPHI_TRUST_PROXY as hops, addresses or names, and refuses `true`', () => {
    expect(trustProxyFrom(undefined)).toBe(false);
    expect(trustProxyFrom('false')).toBe(false);
    expect(trustProxyFrom('1')).toBe(1);
    expect(trustProxyFrom('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => trustProxyFrom('true')).toThrow(/X-Forwarded-For/);
    expect(() => trustProxyFrom('evil.example')).toThrow(/THUPHI_TRUST_PROXY/);
  });
});

describe('the limiter’s memory', () => {
  it('stays bounded under random keys from random addresses, and still holds the persistent guesser', async () => {
    const t = await createTestApp({ config: { trustProxy: ['loopback'], authFailuresPerMinute: 5 } });
    try {
      const guesser = { 'X-Forwarded-For': '203.0.113.99' };
      for (let i = 0; i < 6; i++) await request(t.app).get('/v1/agency').set(guesser).set(bearer(guess()));
      // A flood of strangers, each a new address and a new prefix, with the guesser going on among them.
      for (let i = 0; i < 300; i++) {
        const ip = `198.51.${(i >> 8) & 255}.${i & 255}`;
        await request(t.app).get('/v1/agency').set('X-Forwarded-For', ip).set(bearer(guess()));
        if (i % 10 === 0) await request(t.app).get('/v1/agency').set(guesser).set(bearer(guess()));
      }
      expect((await request(t.app).get('/v1/agency').set(guesser).set(bearer(guess()))).status).toBe(429);
    } finally {
      await t.close();
    }

    // The bound itself, on the limiter the app uses: 100,000 distinct failures, at most `maxTracked` kept.
    const limiter = authFailureLimiter({ perMinute: 10, maxTracked: 1000 });
    const res = { setHeader() {} } as never;
    const { AppError } = await import('../src/shared/errors.js');
    for (let i = 0; i < 100_000; i++) {
      const req = {
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        get: () => `Bearer ${guess()}`,
      } as never;
      limiter.handler(new AppError('unauthorized'), req, res, () => undefined);
    }
    expect(limiter.tracked()).toEqual({ ips: 1000, prefixes: 1000 });
  });
});
