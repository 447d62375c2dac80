/**
 * Issue 14 item 8: the real server entry (a child process, `pnpm start`'s main.ts) cuts off a
 * client that sends its headers a byte at a time (slowloris), refuses a client's connections past
 * the per-IP cap while another IP still gets through, and keeps its long-lived event streams (API
 * and counter display) open past the request time-out. Clients come from distinct loopback
 * addresses (127.0.0.x), which Linux routes to the same server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGenericCallback } from '../src/shared/signing.js';
import { TEST_API_KEY, TEST_CALLBACK_SECRET } from './support/app.js';
import { createTestDatabase, type TestDatabase, testEngine } from './support/db.js';
import {
  type ServerProcess,
  type ServerStorage,
  startServerProcess,
  stopServerProcess,
} from './support/server-process.js';

const LIMITS = {
  THUPHI_HEADERS_TIMEOUT_MS: '1000',
  THUPHI_REQUEST_TIMEOUT_MS: '2000',
  THUPHI_KEEP_ALIVE_TIMEOUT_MS: '1000',
  THUPHI_MAX_CONNECTIONS_PER_IP: '5',
  THUPHI_RECONCILE_AT: 'off',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One plain request from `from`, on a connection of its own; resolves with status and body. */
function fetchFrom(base: string, from: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { localAddress: from, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An event stream from `from`, kept open; `until` waits for a text in what it has sent. */
function streamFrom(base: string, from: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{
    res: IncomingMessage;
    text: () => string;
    until(s: string, ms: number): Promise<void>;
    close(): void;
  }>((resolve, reject) => {
    const req = get(
      `${base}${path}`,
      { localAddress: from, agent: false, headers: { Accept: 'text/event-stream', ...headers } },
      (res) => {
        let text = '';
        const waiters: (() => void)[] = [];
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          for (const w of waiters.splice(0)) w();
        });
        resolve({
          res,
          text: () => text,
          async until(s, ms) {
            const deadline = Date.now() + ms;
            while (!text.includes(s)) {
              if (Date.now() > deadline || res.closed)
                throw new Error(`no "${s}" in ${JSON.stringify(text)}`);
              await new Promise<void>((r) => {
                waiters.push(r);
                setTimeout(r, 100);
              });
            }
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
  });
}

describe(`server time-outs and the per-IP connection cap (${testEngine}, a real server process)`, () => {
  const started: ServerProcess[] = [];
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let server: ServerProcess;
  const auth = { Authorization: `Bearer ${TEST_API_KEY}` };

  beforeAll(async () => {
    let storage: ServerStorage;
    if (testEngine === 'postgres') {
      database = await createTestDatabase();
      storage = { databaseUrl: database.url! };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'thuphi-limits-'));
      storage = { dataDir };
    }
    server = await startServerProcess(storage, started, LIMITS);
  });
  afterAll(async () => {
    await Promise.all(started.map(stopServerProcess));
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function openReceipt(from: string) {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const body = JSON.stringify({
        dossierCode: `HS-LIM-${Math.random().toString(36).slice(2, 8)}`,
        payer: { name: 'Phạm Thị Lan' },
        fee: { items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1, copies: 1 } }] },
      });
      const req = httpRequest(
        `${server.base}/v1/receipts`,
        {
          method: 'POST',
          localAddress: from,
          agent: false,
          headers: { ...auth, 'Content-Type': 'application/json' },
        },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => {
            text += c;
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status, res.body).toBe(201);
    return JSON.parse(res.body) as { id: string; amount: number; reference: string };
  }

  it('cuts off a slowloris client that never finishes its headers', async () => {
    const socket: Socket = connect({
      host: '127.0.0.1',
      port: Number(new URL(server.base).port),
      localAddress: '127.0.0.3',
    });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let answer = '';
    socket.on('data', (c: Buffer) => {
      answer += c.toString();
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.write('GET /healthz HTTP/1.1\r\nHost: thuphi\r\n');
    // One header line every 200 ms, for at most 10 s (Node's default would hold it for 60 s and more).
    let lines = 0;
    let cut = false;
    void closed.then(() => {
      cut = true;
    });
    while (!cut && lines < 50) {
      await sleep(200);
      if (!socket.destroyed) socket.write(`X-Slow-${lines++}: a\r\n`);
    }
    expect(cut).toBe(true);
    expect(lines).toBeLessThan(50);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses the 6th connection from one IP with a 429, while another IP gets through', async () => {
    const receipt = await openReceipt('127.0.0.6');
    const held = [];
    for (let i = 0; i < 5; i++) {
      const s = await streamFrom(server.base, '127.0.0.5', `/counter/${receipt.id}/events`);
      expect(s.res.statusCode).toBe(200);
      held.push(s);
    }
    const refused = await fetchFrom(server.base, '127.0.0.5', '/healthz');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({
      code: 'too_many_connections',
      message: { vi: expect.stringContaining('quá nhiều kết nối'), en: expect.stringContaining('Too many') },
    });
    // Another client is not affected.
    expect((await fetchFrom(server.base, '127.0.0.7', '/healthz')).status).toBe(200);
    // Once one of the five closes, the first client may connect again.
    held[0]!.close();
    await sleep(200);
    expect((await fetchFrom(server.base, '127.0.0.5', '/healthz')).status).toBe(200);
    for (const s of held) s.close();
  });

  it('keeps event streams (API and counter display) open past the request time-out, and they see the payment', async () => {
    const receipt = await openReceipt('127.0.0.8');
    const api = await streamFrom(server.base, '127.0.0.8', `/v1/receipts/${receipt.id}/events`, auth);
    const counter = await streamFrom(server.base, '127.0.0.8', `/counter/${receipt.id}/events`);
    expect(api.res.statusCode).toBe(200);
    expect(counter.res.statusCode).toBe(200);
    // Longer than the request (2 s) and headers (1 s) time-outs, and the keep-alive (1 s) one.
    await sleep(3500);
    expect(api.res.closed).toBe(false);
    expect(counter.res.closed).toBe(false);

    const body = JSON.stringify({
      transactionId: `FT-LIM-${receipt.id.slice(0, 8)}`,
      accountNumber: '1023456789',
      amount: receipt.amount,
      memo: receipt.reference,
      bookedAt: new Date().toISOString(),
    });
    const signature = signGenericCallback({
      body,
      secret: TEST_CALLBACK_SECRET,
      timestamp: Date.now() / 1000,
    });
    const paid = await fetch(`${server.base}/v1/callbacks/generic`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Thuphi-Signature': signature },
      body,
    });
    expect(paid.status).toBe(200);
    await api.until('event: paid', 5000);
    await counter.until('event: paid', 5000);
    api.close();
    counter.close();
  });
});
