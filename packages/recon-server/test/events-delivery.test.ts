/**
 * Events to the one-stop-shop software: written in the transaction that made the change, delivered
 * from the outbox to the agency's URL (a loopback server here), signed like the generic callback,
 * retried with backoff under one stable event id, and given up on (dead) after the last retry.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compilePolicy } from '../src/events/destination.js';
import { createDispatcher, RETRY_DELAYS_SECONDS } from '../src/events/dispatcher.js';
import { createLogger } from '../src/logger.js';
import { signGenericCallback, verifyGenericSignature } from '../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';

const EVENT_SECRET = 'evsec_test_0123456789abcdef';
/** The receiver is on loopback, which events may only reach with the operator's leave. */
const ALLOW_LOOPBACK = { eventsAllowNetworks: ['127.0.0.1'] };
const destinations = compilePolicy({ allowNetworks: ['127.0.0.1'], requireHttps: false });

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers each request with the next status from `script` (200 once it runs out). */
function startReceiver() {
  const received: Received[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  return new Promise<{ server: Server; url: string; received: Received[]; script: number[] }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/thuphi-events`, received, script });
    });
  });
}

describe('events out of the transactional outbox', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dispatcher: ReturnType<typeof createDispatcher>;
  let txn = 0;

  beforeAll(async () => {
    t = await createTestApp({ config: ALLOW_LOOPBACK });
    receiver = await startReceiver();
    dispatcher = createDispatcher({
      db: t.database.db,
      clock: t.clock,
      logger: createLogger({ silent: true }),
      destinations,
    });
    const res = await request(t.app)
      .put('/v1/agency/events')
      .set(t.auth)
      .send({ url: receiver.url, secret: EVENT_SECRET });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(EVENT_SECRET);
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
    await t?.close();
  });
  beforeEach(async () => {
    // Start each case with nothing pending from the one before.
    await dispatcher.runOnce();
    receiver.received.length = 0;
    receiver.script.length = 0;
  });

  async function openReceipt() {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: `HS-EV-${++txn}`,
        payer: { name: 'Lê Thị Hoa' },
        fee: {
          date: '2026-11-23',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 2, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; amount: number; reference: string };
  }

  async function pay(amount: number, memo: string, transactionId = `FT-EV-${++txn}`) {
    const body = JSON.stringify({
      transactionId,
      accountNumber: '1023456789',
      amount,
      memo,
      bookedAt: '2026-11-23T09:30:00+07:00',
    });
    return request(t.app)
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
  }

  it('delivers receipt.paid, signed like the generic callback, with a stable event id', async () => {
    const receipt = await openReceipt();
    expect((await pay(receipt.amount, `${receipt.reference} nop phi`)).status).toBe(200);

    const summary = await dispatcher.runOnce();
    expect(summary).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const event = JSON.parse(delivery!.body);
    expect(event).toMatchObject({
      type: 'receipt.paid',
      agencyId: 'demo',
      subjectId: receipt.id,
      data: expect.objectContaining({ receiptId: receipt.id }),
    });
    expect(delivery!.headers['x-thuphi-event-id']).toBe(event.id);
    expect(delivery!.headers['x-thuphi-event-type']).toBe('receipt.paid');
    // The receiver verifies with the same code a bank callback is verified with.
    expect(() =>
      verifyGenericSignature({
        rawBody: delivery!.body,
        header: delivery!.headers['x-thuphi-signature'] as string,
        secret: EVENT_SECRET,
        now: t.clock.now(),
      }),
    ).not.toThrow();
    expect(() =>
      verifyGenericSignature({
        rawBody: delivery!.body,
        header: delivery!.headers['x-thuphi-signature'] as string,
        secret: 'evsec_some_other_secret_000',
        now: t.clock.now(),
      }),
    ).toThrow();

    // Delivered once: nothing more to send.
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('reports partial payments and money that matched nothing', async () => {
    const receipt = await openReceipt();
    await pay(receipt.amount - 1000, receipt.reference);
    await pay(50_000, 'chuyen tien khong ro noi dung');
    await dispatcher.runOnce();
    const types = receiver.received.map((r) => JSON.parse(r.body).type).sort();
    expect(types).toEqual(['credit.unmatched', 'receipt.partially_paid']);
  });

  it('retries a failed delivery after its backoff under the same event id', async () => {
    const receipt = await openReceipt();
    await pay(receipt.amount, receipt.reference);
    receiver.script.push(500, 503);

    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    // Not due again before its backoff has passed.
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    t.clock.set(new Date(t.clock.now().getTime() + (RETRY_DELAYS_SECONDS[0] - 1) * 1000));
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    t.clock.set(new Date(t.clock.now().getTime() + 1000));
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    t.clock.set(new Date(t.clock.now().getTime() + RETRY_DELAYS_SECONDS[1] * 1000));
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, failed: 0, dead: 0 });

    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((r) => r.headers['x-thuphi-event-id']));
    expect(ids.size).toBe(1);
    const attempts = await t.database.db('outbox_attempts').where({ event_id: [...ids][0] as string });
    expect(attempts.map((a) => a.attempt).sort()).toEqual([1, 2, 3]);
  });

  it('gives up after the last retry and shows the event as dead', async () => {
    const receipt = await openReceipt();
    await pay(receipt.amount, receipt.reference);
    receiver.script.push(...Array(RETRY_DELAYS_SECONDS.length + 1).fill(500));
    let dead = 0;
    for (let attempt = 0; attempt <= RETRY_DELAYS_SECONDS.length; attempt++) {
      const summary = await dispatcher.runOnce();
      dead += summary.dead;
      t.clock.set(new Date(t.clock.now().getTime() + (RETRY_DELAYS_SECONDS[attempt] ?? 0) * 1000));
    }
    expect(dead).toBe(1);
    expect(receiver.received).toHaveLength(RETRY_DELAYS_SECONDS.length + 1);
    t.clock.set(new Date(t.clock.now().getTime() + 86_400_000));
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });

    const status = await request(t.app).get('/v1/agency/events').set(t.auth);
    expect(status.status).toBe(200);
    expect(status.body.url).toBe(receiver.url);
    expect(status.body.events.dead).toBe(1);
    expect(JSON.stringify(status.body)).not.toContain(EVENT_SECRET);
  });

  it('writes no event for a change that did not commit (a conflicting re-delivery)', async () => {
    const receipt = await openReceipt();
    const id = `FT-EV-CONFLICT-${++txn}`;
    expect((await pay(receipt.amount, receipt.reference, id)).status).toBe(200);
    const before = await t.database.db('outbox_events').count<{ n: string }[]>({ n: '*' });
    expect((await pay(receipt.amount + 1, receipt.reference, id)).status).toBe(409);
    const after = await t.database.db('outbox_events').count<{ n: string }[]>({ n: '*' });
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('two dispatchers on one database send each attempt once', async () => {
    const receipt = await openReceipt();
    await pay(receipt.amount, receipt.reference);
    const other = createDispatcher({
      db: t.database.db,
      clock: t.clock,
      logger: createLogger({ silent: true }),
      destinations,
    });
    const [a, b] = await Promise.all([dispatcher.runOnce(), other.runOnce()]);
    expect(a.delivered + b.delivered).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('only an admin key may read or change where events go', async () => {
    const bad = await request(t.app)
      .put('/v1/agency/events')
      .set(t.auth)
      .send({ url: 'ftp://example.invalid/x', secret: EVENT_SECRET });
    expect(bad.status).toBe(400);
    const anonymous = await request(t.app).get('/v1/agency/events');
    expect(anonymous.status).toBe(401);
  });
});
