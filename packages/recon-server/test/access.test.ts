/**
 * Access: the platform operator creates agencies; an agency admin issues, lists, rotates and revokes
 * keys by role; rotated keys live out their overlap window by the clock; repeated failed
 * authentications get 429.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAgency } from '../src/agencies/agencies.js';
import { hashApiKey } from '../src/agencies/keys.js';
import { createApp } from '../src/http/app.js';
import { fixedClock } from '../src/shared/clock.js';
import { TEST_API_KEY } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

const OPERATOR_KEY = 'op_test_operator_key_0123456789abcdef';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const newAgency = {
  id: 'xa-binh-an',
  name: 'UBND xã Bình An',
  // VietinBank's BIN.
  collectionAccount: { bankBin: '970415', accountNumber: '1122334455', accountName: 'UBND XA BINH AN' },
  // Phường Đoàn Kết, tỉnh Lai Châu (2025 map).
  unit: { province: 'lai-chau', commune: '03388' },
};

describe('access control', () => {
  let database: TestDatabase;
  let app: Express;
  const clock = fixedClock('2026-11-23T02:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoAgency(database.db, clock, { apiKey: TEST_API_KEY });
    app = createApp({ db: database.db, clock, config: { operatorKey: OPERATOR_KEY } });
  });
  afterAll(() => database.drop());

  describe('POST /v1/agencies (platform operator)', () => {
    it('is refused without a configured operator key, clearly', async () => {
      const bare = createApp({ db: database.db, clock, config: {} });
      const res = await request(bare).post('/v1/agencies').set(bearer(OPERATOR_KEY)).send(newAgency);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('operator_api_disabled');
      expect(await database.db('agencies').where({ id: newAgency.id }).first()).toBeUndefined();
    });

    it('refuses a wrong operator key and an agency admin key', async () => {
      for (const key of ['op_wrong_key_0123456789abcdef0123456', TEST_API_KEY]) {
        const res = await request(app).post('/v1/agencies').set(bearer(key)).send(newAgency);
        expect(res.status).toBe(401);
      }
    });

    it('rejects an unknown bank BIN and a bad slug, creating nothing', async () => {
      const res = await request(app)
        .post('/v1/agencies')
        .set(bearer(OPERATOR_KEY))
        .send({
          ...newAgency,
          id: 'Xa Binh An',
          collectionAccount: { ...newAgency.collectionAccount, bankBin: '999999' },
        });
      expect(res.status).toBe(400);
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['id', 'collectionAccount.bankBin']));
      expect(await database.db('agencies').whereNot({ id: 'demo' })).toHaveLength(0);
    });

    it('creates the agency with its account and a first admin key that works', async () => {
      const res = await request(app).post('/v1/agencies').set(bearer(OPERATOR_KEY)).send(newAgency);
      expect(res.status).toBe(201);
      expect(res.body.role).toBe('admin');
      expect(res.body.apiKey).toMatch(/^tp_/);
      expect(res.body.agency).toMatchObject({
        id: 'xa-binh-an',
        name: 'UBND xã Bình An',
        receiptSeries: 'BLTP-26',
        collectionAccounts: [newAgency.collectionAccount],
      });
      // Only the hash is kept.
      const stored = await database.db('api_keys').where({ agency_id: 'xa-binh-an' });
      expect(stored).toHaveLength(1);
      expect(stored[0].key_hash).toBe(hashApiKey(res.body.apiKey));
      expect(JSON.stringify(stored)).not.toContain(res.body.apiKey);

      const me = await request(app).get('/v1/agency').set(bearer(res.body.apiKey));
      expect(me.status).toBe(200);
      expect(me.body.id).toBe('xa-binh-an');
    });

    it('answers 409 for a taken id or a taken collection account', async () => {
      const again = await request(app).post('/v1/agencies').set(bearer(OPERATOR_KEY)).send(newAgency);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('agency_exists');
      const sameAccount = await request(app)
        .post('/v1/agencies')
        .set(bearer(OPERATOR_KEY))
        .send({ ...newAgency, id: 'xa-khac' });
      expect(sameAccount.status).toBe(409);
      expect(sameAccount.body.code).toBe('collection_account_taken');
      expect(await database.db('agencies').where({ id: 'xa-khac' }).first()).toBeUndefined();
    });
  });

  describe('/v1/agency/keys (agency admin)', () => {
    it('issues a key of a role, shown once, listed without secrets', async () => {
      const res = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role: 'clerk', label: 'Quầy 1' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ role: 'clerk', label: 'Quầy 1', expiresAt: null });
      expect(res.body.lastFour).toBe(res.body.apiKey.slice(-4));

      const clerk = await request(app).get('/v1/agency').set(bearer(res.body.apiKey));
      expect(clerk.status).toBe(200);
      // A clerk may not manage keys.
      const denied = await request(app).get('/v1/agency/keys').set(bearer(res.body.apiKey));
      expect(denied.status).toBe(403);

      const list = await request(app).get('/v1/agency/keys').set(bearer(TEST_API_KEY));
      expect(list.status).toBe(200);
      const listed = list.body.keys.find((k: { id: string }) => k.id === res.body.id);
      expect(listed).toEqual({
        id: res.body.id,
        role: 'clerk',
        label: 'Quầy 1',
        createdAt: '2026-11-23T02:00:00.000Z',
        expiresAt: null,
        lastFour: res.body.apiKey.slice(-4),
      });
      const text = JSON.stringify(list.body);
      expect(text).not.toContain(res.body.apiKey);
      expect(text).not.toContain(hashApiKey(res.body.apiKey));
      expect(text).not.toContain('key_hash');
    });

    it('rejects an unknown role and an overlap over 30 days', async () => {
      const bad = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role: 'operator', label: 'x' });
      expect(bad.status).toBe(400);
      const key = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role: 'integration', label: 'phần mềm một cửa' });
      const long = await request(app)
        .post(`/v1/agency/keys/${key.body.id}/rotate`)
        .set(bearer(TEST_API_KEY))
        .send({ overlapSeconds: 30 * 86400 + 1 });
      expect(long.status).toBe(400);
      expect(await database.db('key_expiries').where({ key_id: key.body.id })).toHaveLength(0);
    });

    it('rotates: both keys work during the overlap, the old one stops after it', async () => {
      clock.set('2026-11-23T02:00:00Z');
      const old = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role: 'integration', label: 'phần mềm một cửa' });
      const rotated = await request(app)
        .post(`/v1/agency/keys/${old.body.id}/rotate`)
        .set(bearer(TEST_API_KEY))
        .send({ overlapSeconds: 3600 });
      expect(rotated.status).toBe(201);
      expect(rotated.body.key).toMatchObject({
        role: 'integration',
        label: 'phần mềm một cửa',
        expiresAt: null,
      });
      expect(rotated.body.previous).toMatchObject({ id: old.body.id, expiresAt: '2026-11-23T03:00:00.000Z' });
      const fresh = rotated.body.key.apiKey as string;
      expect(fresh).not.toBe(old.body.apiKey);

      clock.set('2026-11-23T02:59:59Z');
      expect((await request(app).get('/v1/agency').set(bearer(old.body.apiKey))).status).toBe(200);
      expect((await request(app).get('/v1/agency').set(bearer(fresh))).status).toBe(200);
      clock.set('2026-11-23T03:00:00Z');
      expect((await request(app).get('/v1/agency').set(bearer(old.body.apiKey))).status).toBe(401);
      expect((await request(app).get('/v1/agency').set(bearer(fresh))).status).toBe(200);

      // An expired key cannot be rotated again (that would mint a key from a dead one's say-so).
      const again = await request(app)
        .post(`/v1/agency/keys/${old.body.id}/rotate`)
        .set(bearer(TEST_API_KEY))
        .send({});
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('api_key_expired');
      // The expiry is a row of its own; the key row is as it was.
      const expiries = await database.db('key_expiries').where({ key_id: old.body.id });
      expect(expiries).toHaveLength(1);
      expect(expiries[0].reason).toBe('rotated');
      clock.set('2026-11-23T02:00:00Z');
    });

    it('the default overlap is a day', async () => {
      const old = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role: 'treasurer', label: 'Kế toán' });
      const rotated = await request(app)
        .post(`/v1/agency/keys/${old.body.id}/rotate`)
        .set(bearer(TEST_API_KEY))
        .send({});
      expect(rotated.status).toBe(201);
      expect(rotated.body.previous.expiresAt).toBe('2026-11-24T02:00:00.000Z');
    });

    it('revokes at once, also cutting a rotation overlap short', async () => {
      const key = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role: 'clerk', label: 'Quầy 2' });
      await request(app)
        .post(`/v1/agency/keys/${key.body.id}/rotate`)
        .set(bearer(TEST_API_KEY))
        .send({ overlapSeconds: 86400 });
      expect((await request(app).get('/v1/agency').set(bearer(key.body.apiKey))).status).toBe(200);
      const revoked = await request(app)
        .post(`/v1/agency/keys/${key.body.id}/revoke`)
        .set(bearer(TEST_API_KEY))
        .send({});
      expect(revoked.status).toBe(200);
      expect(revoked.body.expiresAt).toBe('2026-11-23T02:00:00.000Z');
      expect((await request(app).get('/v1/agency').set(bearer(key.body.apiKey))).status).toBe(401);
      const twice = await request(app)
        .post(`/v1/agency/keys/${key.body.id}/revoke`)
        .set(bearer(TEST_API_KEY))
        .send({});
      expect(twice.status).toBe(409);
    });

    it('key_expiries is append-only', async () => {
      await expect(
        database.db('key_expiries').update({ expires_at: new Date('2099-01-01') }),
      ).rejects.toThrow(/append-only/);
      await expect(database.db('key_expiries').delete()).rejects.toThrow(/append-only/);
    });

    it("cannot see, rotate or revoke another agency's key", async () => {
      const otherKeys = await database.db('api_keys').where({ agency_id: 'xa-binh-an' }).select('id');
      expect(otherKeys.length).toBeGreaterThan(0);
      const id = otherKeys[0]!.id as string;
      for (const action of ['rotate', 'revoke']) {
        const res = await request(app)
          .post(`/v1/agency/keys/${id}/${action}`)
          .set(bearer(TEST_API_KEY))
          .send({});
        expect(res.status).toBe(404);
      }
      expect(await database.db('key_expiries').where({ key_id: id })).toHaveLength(0);
      const list = await request(app).get('/v1/agency/keys').set(bearer(TEST_API_KEY));
      expect(list.body.keys.map((k: { id: string }) => k.id)).not.toContain(id);
    });
  });

  describe('failed authentications', () => {
    it('are limited per client: the 11th failure in a minute gets 429 with Retry-After', async () => {
      const limitedApp = createApp({ db: database.db, clock, config: {} });
      // Forbidden and successful requests do not count.
      for (let i = 0; i < 12; i++) {
        expect((await request(limitedApp).get('/v1/agency').set(bearer(TEST_API_KEY))).status).toBe(200);
      }
      for (let i = 0; i < 10; i++) {
        const res = await request(limitedApp)
          .get('/v1/agency')
          .set(bearer(`tp_guess_${i}_0123456789abcdef`));
        expect(res.status).toBe(401);
      }
      const blocked = await request(limitedApp).get('/v1/agency').set(bearer('tp_guess_x_0123456789abcdef'));
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('too_many_auth_failures');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
      // A good key from this client is never refused for the guesses (auth-failures.test.ts).
      expect((await request(limitedApp).get('/v1/agency').set(bearer(TEST_API_KEY))).status).toBe(200);
    });

    it('a burst of concurrent good requests is never throttled', async () => {
      const limitedApp = createApp({ db: database.db, clock, config: { authFailuresPerMinute: 2 } });
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => request(limitedApp).get('/v1/agency').set(bearer(TEST_API_KEY))),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(30).fill(200));
    });

    it('are limited per key prefix too', async () => {
      const limitedApp = createApp({ db: database.db, clock, config: { authFailuresPerMinute: 3 } });
      for (let i = 0; i < 3; i++) {
        expect(
          (
            await request(limitedApp)
              .get('/v1/agency')
              .set(bearer(`tp_samepfx_wrong_${i}`))
          ).status,
        ).toBe(401);
      }
      const res = await request(limitedApp).get('/v1/agency').set(bearer('tp_samepfx_wrong_9'));
      expect(res.status).toBe(429);
    });

    it('bank callbacks are not counted', async () => {
      const limitedApp = createApp({ db: database.db, clock, config: { authFailuresPerMinute: 1 } });
      for (let i = 0; i < 3; i++) {
        const res = await request(limitedApp)
          .post('/v1/callbacks/generic')
          .set('Content-Type', 'application/json')
          .set('X-Thuphi-Signature', 't=1,v1=00')
          .send('{}');
        expect(res.status).toBe(401);
      }
      expect((await request(limitedApp).get('/v1/agency').set(bearer(TEST_API_KEY))).status).toBe(200);
    });
  });
});
