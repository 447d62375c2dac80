/**
 * Logs are JSON lines with a request id on every request line, and nothing a log reader could
 * misuse reaches them: no API key, no provider or event secret, no callback signature, no full ID
 * document number. The app logs at trace into memory while it serves every kind of request that
 * carries one of those, valid and invalid alike.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAgency } from '../src/agencies/agencies.js';
import { hashApiKey } from '../src/agencies/keys.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { fixedClock } from '../src/shared/clock.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { TEST_API_KEY, TEST_CALLBACK_SECRET } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

const NOW = '2026-11-23T02:00:00Z';
const NOW_UNIX = Date.parse(NOW) / 1000;
const CLERK_KEY = `tp_logtest_clerk_${randomUUID().replaceAll('-', '')}`;
const WRONG_KEY = `tp_logtest_wrong_${randomUUID().replaceAll('-', '')}`;
const SEPAY_SECRET = `sepay_logtest_${randomUUID().replaceAll('-', '')}`;
const CASSO_SECRET = `casso_logtest_${randomUUID().replaceAll('-', '')}`;
const EVENTS_SECRET = `whsec_logtest_events_${randomUUID().replaceAll('-', '')}`;
const LEGACY_TOKEN = `casso_token_${randomUUID().replaceAll('-', '')}`;
// A căn cước number: 12 digits. Its last four may appear; the whole never.
const ID_NUMBER = '079203004567';
const BAD_ID_NUMBER = '07920300456'; // 11 digits: refused by validation

describe('log secrecy', () => {
  let database: TestDatabase;
  // biome-ignore lint/suspicious/noExplicitAny: an Express app built in beforeAll.
  let app: any;
  const lines: string[] = [];
  const secrets: string[] = [];
  let requestsMade = 0;

  const send = <T>(req: T) => {
    requestsMade++;
    return req;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const clock = fixedClock(NOW);
    await seedDemoAgency(database.db, clock, { apiKey: TEST_API_KEY, callbackSecret: TEST_CALLBACK_SECRET });
    await database.db('api_keys').insert({
      id: randomUUID(),
      agency_id: 'demo',
      key_hash: hashApiKey(CLERK_KEY),
      role: 'clerk',
      created_at: clock.now(),
    });
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ level: 'trace', destination });
    app = createApp({ db: database.db, clock, config: {}, logger });

    const admin = { Authorization: `Bearer ${TEST_API_KEY}` };
    const clerk = { Authorization: `Bearer ${CLERK_KEY}` };

    // API keys: valid, wrong, and in the other spellings clients use.
    expect((await send(request(app).get('/v1/agency').set(admin))).status).toBe(200);
    expect(
      (await send(request(app).get('/v1/agency').set('Authorization', `Bearer ${WRONG_KEY}`))).status,
    ).toBe(401);
    expect((await send(request(app).get('/v1/agency').set('X-Api-Key', WRONG_KEY))).status).toBe(401);

    // Secrets set over the API.
    const sepay = await send(
      request(app)
        .put('/v1/agency/providers/sepay')
        .set(admin)
        .send({ secret: SEPAY_SECRET, accountNumbers: ['1023456789'] }),
    );
    expect(sepay.status).toBe(200);
    const casso = await send(
      request(app).put('/v1/agency/providers/casso').set(admin).send({ secret: CASSO_SECRET }),
    );
    expect(casso.status).toBe(200);
    const events = await send(
      request(app)
        .put('/v1/agency/events')
        .set(admin)
        .send({ url: 'https://agency.example/thuphi-events', secret: EVENTS_SECRET }),
    );
    expect(events.status).toBe(200);
    // Refused by validation, with the secret in the body.
    const shortEvents = await send(
      request(app).put('/v1/agency/events').set(admin).send({ url: 'ftp://nope', secret: EVENTS_SECRET }),
    );
    expect(shortEvents.status).toBe(400);

    // A receipt, paid once by a signed callback and once in cash.
    const open = (dossierCode: string) =>
      send(
        request(app)
          .post('/v1/receipts')
          .set(admin)
          .send({
            dossierCode,
            payer: { name: 'Nguyễn Văn An' },
            fee: { items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }] },
          }),
      );
    const byBank = (await open('HS-LOG-1')).body as { amount: number; reference: string };
    const raw = JSON.stringify({
      transactionId: 'FT-LOG-1',
      accountNumber: '1023456789',
      amount: byBank.amount,
      memo: `MBVCB.1.${byBank.reference}.CT tu 0071000 NGUYEN VAN AN`,
      bookedAt: '2026-11-23T09:00:00+07:00',
    });
    const signature = signGenericCallback({ body: raw, secret: TEST_CALLBACK_SECRET, timestamp: NOW_UNIX });
    secrets.push(signature, /v1=([0-9a-f]{64})/.exec(signature)![1]!);
    const paid = await send(
      request(app)
        .post('/v1/callbacks/generic')
        .set('Content-Type', 'application/json')
        .set('X-Thuphi-Signature', signature)
        .send(raw),
    );
    expect(paid.status).toBe(200);
    // A forged one: the signature it carries must not be logged either.
    const forged = `t=${NOW_UNIX},v1=${'ab'.repeat(32)}`;
    secrets.push(forged);
    expect(
      (
        await send(
          request(app)
            .post('/v1/callbacks/generic')
            .set('Content-Type', 'application/json')
            .set('X-Thuphi-Signature', forged)
            .send(raw),
        )
      ).status,
    ).toBe(401);
    // Provider callbacks with their own signature and token headers (wrong ones: refused).
    const cassoSignature = `t=${NOW_UNIX},v1=${'cd'.repeat(32)}`;
    const sepaySignature = `sha256=${'ef'.repeat(32)}`;
    secrets.push(cassoSignature, sepaySignature, 'cd'.repeat(32), 'ef'.repeat(32));
    for (const [path, headers] of [
      ['/v1/callbacks/casso/demo', { 'X-Casso-Signature': cassoSignature }],
      ['/v1/callbacks/casso/demo', { 'Secure-Token': LEGACY_TOKEN }],
      [
        '/v1/callbacks/sepay/demo',
        { 'X-SePay-Signature': sepaySignature, 'X-SePay-Timestamp': String(NOW_UNIX) },
      ],
      ['/v1/callbacks/sepay/demo', { Authorization: `Apikey ${SEPAY_SECRET}` }],
    ] as const) {
      const res = await send(
        request(app).post(path).set('Content-Type', 'application/json').set(headers).send('{"data":[]}'),
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
    }

    // Cash at the counter, with the payer's ID number; and refused once for a malformed number.
    const byCash = (await open('HS-LOG-2')).body as { id: string; amount: number };
    const cashBody = (number: string) => ({
      amount: byCash.amount,
      payer: { name: 'Trần Thị Bình' },
      idDocument: { type: 'cccd', number },
    });
    const refused = await send(
      request(app).post(`/v1/receipts/${byCash.id}/cash-payments`).set(clerk).send(cashBody(BAD_ID_NUMBER)),
    );
    expect(refused.status).toBe(400);
    const cash = await send(
      request(app)
        .post(`/v1/receipts/${byCash.id}/cash-payments`)
        .set(clerk)
        .send(cashBody(`${ID_NUMBER.slice(0, 6)} ${ID_NUMBER.slice(6)}`)),
    );
    expect(cash.status).toBe(201);

    // A statement import.
    const statement = await send(
      request(app)
        .post('/v1/statements?filename=sao-ke.csv')
        .set(admin)
        .set('Content-Type', 'text/csv')
        .send(
          'date,credit,debit,memo,reference\n23/11/2026 10:00:00,50000,,chuyen tien khong ro noi dung,FT-LOG-STMT-1\n',
        ),
    );
    expect(statement.status).toBe(201);

    // The receipt read back, with the request id chosen by the caller.
    expect(
      (await send(request(app).get(`/v1/receipts/${byCash.id}`).set(admin).set('X-Request-Id', 'log-test-1')))
        .status,
    ).toBe(200);

    secrets.push(
      TEST_API_KEY,
      CLERK_KEY,
      WRONG_KEY,
      SEPAY_SECRET,
      CASSO_SECRET,
      EVENTS_SECRET,
      LEGACY_TOKEN,
      TEST_CALLBACK_SECRET,
      ID_NUMBER,
      BAD_ID_NUMBER,
      `${ID_NUMBER.slice(0, 6)} ${ID_NUMBER.slice(6)}`,
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON line per request, each with a request id', () => {
    const requestLines = parsed().filter((l) => typeof l.req === 'object' && l.req !== null);
    expect(requestLines.length).toBe(requestsMade);
    for (const line of requestLines) {
      const id = (line.req as { id?: unknown }).id;
      expect(typeof id === 'string' && id.length > 0, JSON.stringify(line)).toBe(true);
    }
    expect(requestLines.some((l) => (l.req as { id: string }).id === 'log-test-1')).toBe(true);
  });

  it('logs the credential headers it received, but only as [redacted]', () => {
    const headers = parsed()
      .map((l) => (l.req as { headers?: Record<string, string> } | undefined)?.headers)
      .filter((h) => h !== undefined);
    const seen = (name: string) => headers.filter((h) => name in h).map((h) => h[name]);
    for (const name of [
      'authorization',
      'x-api-key',
      'x-thuphi-signature',
      'x-casso-signature',
      'secure-token',
      'x-sepay-signature',
    ]) {
      expect(seen(name).length, name).toBeGreaterThan(0);
      expect(new Set(seen(name)), name).toEqual(new Set(['[redacted]']));
    }
  });

  it('never writes an API key, a secret, a signature or a full ID number', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      const leaks = lines.filter((line) => line.includes(secret));
      expect(leaks, `"${secret}" appears in the log`).toEqual([]);
    }
  });
});
