/**
 * Issue 14 item 5: an agency admin must not aim events at the server's own network. The events URL
 * is refused when it is set if it names a loopback, private, CGNAT, link-local, multicast or
 * unspecified address (IPv4, IPv6, IPv4-mapped IPv6, localhost names), and again at send time after
 * DNS, where the connection goes to the very address that was checked; the operator may allow
 * networks by configuration; production wants https.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compilePolicy, type DestinationPolicy } from '../src/events/destination.js';
import { createDispatcher } from '../src/events/dispatcher.js';
import { createLogger } from '../src/logger.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';

const SECRET = 'evsec_destination_test_0123456789';

/** Addresses of this machine and its networks, written every way a URL can carry them. */
const REFUSED = [
  'http://127.0.0.1:5432/',
  'http://127.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://localhost:5432/',
  'http://LOCALHOST./x',
  'http://db.localhost/',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.5/events',
  'http://172.16.3.4/',
  'http://192.168.1.10/',
  'http://100.64.0.1/',
  'http://224.0.0.251/',
  'http://0.0.0.0:3000/',
  'http://255.255.255.255/',
  'http://[::1]:8080/',
  'http://[::]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[fe80::1]/',
  'http://[fd12:3456::1]/',
  'http://[ff02::1]/',
];

describe('PUT /v1/agency/events refuses the server’s own networks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it.each(REFUSED)('%s', async (url) => {
    const res = await request(t.app).put('/v1/agency/events').set(t.auth).send({ url, secret: SECRET });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([{ path: 'url', message: expect.stringMatching(/not allowed/) }]);
    expect(Number((await t.database.db('event_endpoints').count<{ n: string }[]>({ n: '*' }))[0]!.n)).toBe(0);
  });

  it('accepts public names and addresses', async () => {
    for (const url of [
      'https://motcua.example.gov.vn/thuphi',
      'http://8.8.8.8/hook',
      'https://[2606:4700::1]/',
    ]) {
      const res = await request(t.app).put('/v1/agency/events').set(t.auth).send({ url, secret: SECRET });
      expect(res.status, url).toBe(200);
    }
  });
});

describe('what the operator configures', () => {
  it('allows a named network (THUPHI_EVENTS_ALLOW_NETWORKS), and only that one', async () => {
    const t = await createTestApp({ config: { eventsAllowNetworks: ['10.20.0.0/16'] } });
    try {
      const put = (url: string) =>
        request(t.app).put('/v1/agency/events').set(t.auth).send({ url, secret: SECRET });
      expect((await put('http://10.20.1.2/motcua')).status).toBe(200);
      expect((await put('http://[::ffff:10.20.1.2]/motcua')).status).toBe(200);
      expect((await put('http://10.21.1.2/motcua')).status).toBe(400);
      expect((await put('http://127.0.0.1/')).status).toBe(400);
    } finally {
      await t.close();
    }
  });

  it('in production (https required) refuses plain http', async () => {
    const t = await createTestApp({ config: { eventsRequireHttps: true } });
    try {
      const res = await request(t.app)
        .put('/v1/agency/events')
        .set(t.auth)
        .send({ url: 'http://motcua.example.gov.vn/thuphi', secret: SECRET });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/https/);
      const ok = await request(t.app)
        .put('/v1/agency/events')
        .set(t.auth)
        .send({ url: 'https://motcua.example.gov.vn/thuphi', secret: SECRET });
      expect(ok.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('at send time, after DNS', () => {
  let t: TestApp;
  let receiver: Server;
  let port: number;
  const received: string[] = [];
  let txn = 0;
  /** What "DNS" answers for each name: a test plays the resolver, the sockets are real. */
  const zone = new Map<string, LookupAddress[]>();
  const resolve = ((
    hostname: string,
    _options: unknown,
    callback: (e: Error | null, a: LookupAddress[]) => void,
  ) => {
    const answer = zone.get(hostname);
    if (!answer)
      return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, answer);
  }) as unknown as NonNullable<DestinationPolicy['resolve']>;
  const dispatcher = (policy: Partial<DestinationPolicy> = {}) =>
    createDispatcher({
      db: t.database.db,
      clock: t.clock,
      logger: createLogger({ silent: true }),
      destinations: compilePolicy({ allowNetworks: [], requireHttps: false, resolve, ...policy }),
    });

  beforeAll(async () => {
    t = await createTestApp();
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(req.headers.host ?? '');
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => receiver?.close(r));
    await t?.close();
  });
  beforeEach(async () => {
    // Start each case with nothing pending from the one before.
    await dispatcher({ allowNetworks: ['0.0.0.0/0', '::/0'] }).runOnce();
    received.length = 0;
  });

  /** Points the agency's events at `url` as stored before this rule existed, and makes one event. */
  async function eventFor(url: string) {
    await t.database
      .db('event_endpoints')
      .insert({ agency_id: 'demo', url, secret: SECRET, created_at: t.clock.now() });
    const receipt = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: `HS-DST-${++txn}`,
        payer: { name: 'Trần Văn Bình' },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1, copies: 1 } }],
        },
      });
    const body = JSON.stringify({
      transactionId: `FT-DST-${txn}`,
      accountNumber: '1023456789',
      amount: receipt.body.amount,
      memo: receipt.body.reference,
      bookedAt: '2026-11-23T09:30:00+07:00',
    });
    const paid = await request(t.app)
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
    expect(paid.status).toBe(200);
  }

  async function lastError() {
    const row = await t.database
      .db('outbox_results')
      .orderBy('finished_at', 'desc')
      .orderBy('attempt_id', 'desc')
      .first('error', 'status');
    return row as { error: string | null; status: string };
  }

  it('a URL stored earlier with a loopback address is not posted to (the default dispatcher)', async () => {
    await eventFor(`http://127.0.0.1:${port}/hook`);
    const plain = createDispatcher({
      db: t.database.db,
      clock: t.clock,
      logger: createLogger({ silent: true }),
    });
    expect(await plain.runOnce()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect(received).toEqual([]);
    expect((await lastError()).error).toMatch(/loopback address 127\.0\.0\.1 is not allowed/);
  });

  it('a name that resolves to loopback, or to a public address and loopback, or to IPv4-mapped loopback, is refused', async () => {
    zone.set('rebind.agency.example', [{ address: '127.0.0.1', family: 4 }]);
    zone.set('mixed.agency.example', [
      { address: '8.8.8.8', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ]);
    zone.set('mapped.agency.example', [{ address: '::ffff:127.0.0.1', family: 6 }]);
    for (const name of ['rebind', 'mixed', 'mapped']) {
      await eventFor(`http://${name}.agency.example:${port}/hook`);
      expect(await dispatcher().runOnce(), name).toEqual({ delivered: 0, failed: 1, dead: 0 });
      expect((await lastError()).error).toMatch(/loopback address 127\.0\.0\.1 is not allowed/);
    }
    expect(received).toEqual([]);
  });

  it('connects to the address that was checked: a name allowed by the operator reaches it, though no real DNS knows it', async () => {
    zone.set('motcua.office.example', [{ address: '127.0.0.1', family: 4 }]);
    await eventFor(`http://motcua.office.example:${port}/hook`);
    expect(await dispatcher({ allowNetworks: ['127.0.0.0/8'] }).runOnce()).toEqual({
      delivered: 1,
      failed: 0,
      dead: 0,
    });
    expect(received).toEqual([`motcua.office.example:${port}`]);
  });

  it('in production a plain-http URL stored earlier is not posted to', async () => {
    zone.set('motcua.office.example', [{ address: '127.0.0.1', family: 4 }]);
    await eventFor(`http://motcua.office.example:${port}/hook`);
    expect(await dispatcher({ allowNetworks: ['127.0.0.0/8'], requireHttps: true }).runOnce()).toEqual({
      delivered: 0,
      failed: 1,
      dead: 0,
    });
    expect(received).toEqual([]);
    expect((await lastError()).error).toMatch(/https/);
  });
});
