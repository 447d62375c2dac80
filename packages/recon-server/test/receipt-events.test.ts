/** Server-sent events for one receipt, read from a real listening server: the API door and the counter's door. */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashApiKey } from '../src/agencies/keys.js';
import { problemHandler } from '../src/http/middleware/problem-handler.js';
import { activeReceiptStreams, receiptEventsRouter } from '../src/http/routes/receipt-events.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, TEST_API_KEY, type TestApp } from './support/app.js';
import { postGenericCallback } from './support/callbacks.js';
import { type Listening, listen } from './support/listen.js';
import { type EventStream, openEventStream } from './support/sse.js';

const auth = { Authorization: `Bearer ${TEST_API_KEY}` };
const OTHER_KEY = 'tp_other_agency_key_for_sse_0001';

interface StatusEvent {
  id: string;
  status: string;
  amount: number;
  paidAmount: number;
  outstanding: number;
  receiptNumber: string | null;
  paidAt?: string | null;
}

describe('receipt event streams', () => {
  let t: TestApp;
  let server: Listening;
  const streams: EventStream[] = [];
  const follow = async (path: string, headers: Record<string, string> = {}) => {
    const s = await openEventStream(`${server.url}${path}`, headers);
    streams.push(s);
    return s;
  };

  const openReceipt = async (dossierCode: string) => {
    const res = await fetch(`${server.url}/v1/receipts`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        dossierCode,
        payer: { name: 'Lê Thị Cúc' },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; reference: string; amount: number };
  };

  beforeAll(async () => {
    t = await createTestApp();
    server = await listen(t.app);
    const db = t.database.db;
    await db('agencies').insert({
      id: 'xa-khac-sse',
      name: 'UBND xã Khác',
      receipt_series: 'BLKH-26',
      created_at: new Date(),
    });
    await db('api_keys').insert({
      id: randomUUID(),
      agency_id: 'xa-khac-sse',
      key_hash: hashApiKey(OTHER_KEY),
      role: 'admin',
      created_at: new Date(),
    });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await server?.close();
    await t?.close();
  });

  it('sends the state at once, then `paid` when a signed callback pays the receipt', async () => {
    const receipt = await openReceipt('H23.25-261123-0101');
    const api = await follow(`/v1/receipts/${receipt.id}/events`, auth);
    const counter = await follow(`/counter/${receipt.id}/events`);
    for (const s of [api, counter]) {
      expect(s.status).toBe(200);
      expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(s.headers.get('cache-control')).toMatch(/no-cache/);
      expect((await s.next((m) => m.retry !== undefined)).retry).toBeGreaterThan(0);
    }
    const first = await api.nextEvent<StatusEvent>('status');
    expect(first).toEqual({
      id: receipt.id,
      status: 'open',
      amount: 7000,
      paidAmount: 0,
      outstanding: 7000,
      receiptNumber: null,
      paidAt: null,
    });
    // The tablet's stream carries only what its page shows.
    expect(await counter.nextEvent<StatusEvent>('status')).toEqual({
      id: receipt.id,
      status: 'open',
      amount: 7000,
      paidAmount: 0,
      outstanding: 7000,
      receiptNumber: null,
    });

    const answer = await postGenericCallback(server.url, {
      transactionId: 'FT26327SSE0001',
      accountNumber: '1023456789',
      amount: 7000,
      memo: `${receipt.reference} H23.25-261123-0101 LE THI CUC`,
      bookedAt: '2026-11-23T09:00:00+07:00',
    });
    expect(answer.credits[0]!.match.matched).toBe(true);

    const paid = await api.nextEvent<StatusEvent>('paid');
    expect(paid).toMatchObject({ status: 'paid', paidAmount: 7000, outstanding: 0 });
    expect(paid.receiptNumber).toMatch(/^BLTP-26 \d{7}$/);
    expect(paid.paidAt).toBeTruthy();
    const counterPaid = await counter.nextEvent<StatusEvent>('paid');
    expect(counterPaid).toMatchObject({ status: 'paid', receiptNumber: paid.receiptNumber });
    expect(counterPaid).not.toHaveProperty('paidAt');
  });

  it('notices a change this process was not told about (another instance) by polling', async () => {
    const receipt = await openReceipt('H23.25-261123-0102');
    const counter = await follow(`/counter/${receipt.id}/events`);
    expect((await counter.nextEvent<StatusEvent>('status')).status).toBe('open');
    // Written straight to the database: no in-process notification fires, as when another
    // server instance voids it.
    await t.database.db('receipt_voids').insert({
      receipt_id: receipt.id,
      agency_id: 'demo',
      actor_key_id: 'another-instance',
      reason: 'huỷ ở máy chủ khác',
      created_at: new Date(),
    });
    expect(await counter.nextEvent<StatusEvent>('void')).toMatchObject({ status: 'void', outstanding: 0 });
  });

  it('keeps the tenant rules of GET /v1/receipts/{id}', async () => {
    const receipt = await openReceipt('H23.25-261123-0103');
    const noKey = await fetch(`${server.url}/v1/receipts/${receipt.id}/events`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const otherAgency = await fetch(`${server.url}/v1/receipts/${receipt.id}/events`, {
      headers: { Authorization: `Bearer ${OTHER_KEY}` },
    });
    expect(otherAgency.status).toBe(404);
    expect(((await otherAgency.json()) as { code: string }).code).toBe('not_found');
    const missing = await fetch(`${server.url}/v1/receipts/${randomUUID()}/events`, { headers: auth });
    expect(missing.status).toBe(404);
    const notUuid = await fetch(`${server.url}/v1/receipts/not-a-uuid/events`, { headers: auth });
    expect(notUuid.status).toBe(404);
    const counterMissing = await fetch(`${server.url}/counter/${randomUUID()}/events`);
    expect(counterMissing.status).toBe(404);
    expect(await counterMissing.text()).toContain('Không tìm thấy phiếu thu');
  });

  it('sends heartbeat comments and stops everything when the client leaves', async () => {
    const receipt = await openReceipt('H23.25-261123-0104');
    // The same router with short timings, so a heartbeat comes within the test.
    const app = express();
    app.use(
      '/v1/receipts',
      receiptEventsRouter({ db: t.database.db, timing: { heartbeatMs: 50, pollMs: 60_000 } }),
    );
    app.use(problemHandler({ logger: createLogger({ silent: true }) }));
    const quick = await listen(app);
    try {
      const s = await openEventStream(`${quick.url}/v1/receipts/${receipt.id}/events`, auth);
      expect((await s.nextEvent<StatusEvent>('status')).status).toBe('open');
      expect((await s.next((m) => m.comment !== undefined)).comment).toBe('keep-alive');
      expect(activeReceiptStreams()).toBeGreaterThan(0);
      s.close();
    } finally {
      for (const s of streams) s.close();
      await vi.waitFor(() => expect(activeReceiptStreams()).toBe(0), { timeout: 10_000, interval: 20 });
      await quick.close();
    }
  });
});
