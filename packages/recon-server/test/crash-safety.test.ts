/**
 * Crash safety: the real server process takes a burst of signed callbacks and is killed with SIGKILL
 * half-way through. Whatever it acknowledged (HTTP 200) must be in the database exactly once after a
 * restart: one credit, one allocation, one receipt number. The bank then re-delivers everything; the
 * acknowledged ones are recognised as duplicates, the rest are recorded, and the day reconciles.
 *
 * On PostgreSQL the process runs on a fresh database; on PGlite it keeps its files in a temporary
 * THUPHI_DATA directory, so this also proves that PGlite's files come back after a SIGKILL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { localDateOf } from '../src/shared/time.js';
import { TEST_API_KEY, TEST_CALLBACK_SECRET } from './support/app.js';
import { createTestDatabase, type TestDatabase, testEngine } from './support/db.js';
import {
  killServerProcess,
  type ServerProcess,
  type ServerStorage,
  startServerProcess,
  stopServerProcess,
} from './support/server-process.js';

const N = 40;
const ACCOUNT = '1023456789';
const auth = { Authorization: `Bearer ${TEST_API_KEY}` };

interface Receipt {
  id: string;
  amount: number;
  reference: string;
  transactionId: string;
}

interface CallbackAnswer {
  duplicate: boolean;
  credits: { creditId: string; match: { matched: boolean } }[];
}

async function call(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function openReceipt(base: string, i: number, today: string): Promise<Receipt> {
  const res = await call(base, '/v1/receipts', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      dossierCode: `HS-CRASH-${i}`,
      payer: { name: 'Trần Thị Bình' },
      fee: { date: today, items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 3, copies: 1 } }] },
    }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...res.body, transactionId: `FT-CRASH-${i}` };
}

/** The bank's delivery for one receipt, signed now: the server checks freshness against its own clock. */
function deliver(base: string, receipt: Receipt) {
  const body = JSON.stringify({
    transactionId: receipt.transactionId,
    accountNumber: ACCOUNT,
    amount: receipt.amount,
    memo: `MBVCB.77.${receipt.reference}.CT tu 0071000 TRAN THI BINH`,
    bookedAt: new Date().toISOString(),
  });
  return fetch(`${base}/v1/callbacks/generic`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Thuphi-Signature': signGenericCallback({
        body,
        secret: TEST_CALLBACK_SECRET,
        timestamp: Math.floor(Date.now() / 1000),
      }),
    },
    body,
  });
}

/** Per receipt: how many credits, allocations (not reversed) and receipt numbers the database holds. */
async function rowsPerReceipt(db: Knex, receipts: Receipt[]) {
  const credits = await db('bank_credits')
    .where({ provider: 'generic' })
    .whereIn(
      'provider_txn_id',
      receipts.map((r) => r.transactionId),
    )
    .select('provider_txn_id');
  const allocations = await db('allocations')
    .leftJoin('allocation_reversals', 'allocation_reversals.allocation_id', 'allocations.id')
    .whereNull('allocation_reversals.id')
    .whereIn(
      'allocations.receipt_id',
      receipts.map((r) => r.id),
    )
    .select('allocations.receipt_id', 'allocations.credit_id');
  const numbers = await db('receipt_numbers')
    .where({ agency_id: 'demo' })
    .select('receipt_id', 'series', 'number')
    .orderBy('number');
  const countOf = (list: string[], key: string) => list.filter((k) => k === key).length;
  return {
    of: (r: Receipt) => ({
      credits: countOf(
        credits.map((c) => c.provider_txn_id),
        r.transactionId,
      ),
      allocations: countOf(
        allocations.map((a) => a.receipt_id),
        r.id,
      ),
      numbers: countOf(
        numbers.map((n) => n.receipt_id),
        r.id,
      ),
    }),
    numbers: numbers.map((n) => Number(n.number)),
    /** Credits allocated twice at once (must stay empty). */
    doublyAllocated: [...new Set(allocations.map((a) => a.credit_id))].filter(
      (id) => allocations.filter((a) => a.credit_id === id).length > 1,
    ),
  };
}

describe(`a server process killed with SIGKILL mid-burst (${testEngine})`, () => {
  const started: ServerProcess[] = [];
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let storage: ServerStorage;

  /**
   * Looks at the rows the way a restarted process would find them. On PGlite the files belong to
   * one process at a time, so the server must be down while the test opens them.
   */
  async function inspect<T>(read: (db: Knex) => Promise<T>): Promise<T> {
    if (database) return read(database.db);
    const db = await openDatabase({ dataDir: join(dataDir!, 'pgdata') });
    try {
      return await read(db);
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    if (testEngine === 'postgres') {
      database = await createTestDatabase();
      storage = { databaseUrl: database.url! };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'thuphi-crash-'));
      storage = { dataDir };
    }
  });
  afterAll(async () => {
    await Promise.all(started.map(stopServerProcess));
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged callback exactly once and completes the day on re-delivery', async () => {
    const today = localDateOf(new Date());
    const first = await startServerProcess(storage, started, { THUPHI_RECONCILE_AT: 'off' });
    // Opened a few at a time: this is set-up, and the API's auth-failure limiter counts requests in
    // flight against its per-IP budget before it knows they succeed.
    const receipts: Receipt[] = [];
    for (let i = 0; i < N; i += 5) {
      const batch = Array.from({ length: Math.min(5, N - i) }, (_, j) =>
        openReceipt(first.base, i + j, today),
      );
      receipts.push(...(await Promise.all(batch)));
    }

    // The burst: every callback at once; the process dies as soon as half have been acknowledged.
    const acknowledged = new Set<string>();
    let killed: Promise<void> | undefined;
    const outcomes = await Promise.allSettled(
      receipts.map(async (receipt) => {
        const res = await deliver(first.base, receipt);
        const body = (await res.json()) as CallbackAnswer;
        if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${JSON.stringify(body)}`);
        // An answer read after the kill was still sent by the process before it died: it counts.
        acknowledged.add(receipt.id);
        if (acknowledged.size >= N / 2 && !killed) killed = killServerProcess(first);
      }),
    );
    await killed;
    expect(first.child.signalCode).toBe('SIGKILL');
    const unanswered = outcomes.filter((o) => o.status === 'rejected');
    // Mid-stream for real: some callbacks were answered, some never were.
    expect(acknowledged.size).toBeGreaterThanOrEqual(N / 2);
    expect(unanswered.length).toBeGreaterThan(0);
    expect(acknowledged.size + unanswered.length).toBe(N);

    // After the crash, before anything else runs: every acknowledged callback is stored once.
    const afterCrash = await inspect((db) => rowsPerReceipt(db, receipts));
    for (const receipt of receipts.filter((r) => acknowledged.has(r.id))) {
      expect(afterCrash.of(receipt), receipt.transactionId).toEqual({
        credits: 1,
        allocations: 1,
        numbers: 1,
      });
    }
    // Whatever else was committed before the kill is whole too, never half a payment.
    for (const receipt of receipts) {
      const rows = afterCrash.of(receipt);
      expect([0, 1]).toContain(rows.credits);
      expect(rows.allocations).toBe(rows.numbers);
    }
    expect(afterCrash.doublyAllocated).toEqual([]);

    const second = await startServerProcess(storage, started, { THUPHI_RECONCILE_AT: 'off' });
    for (const receipt of receipts.filter((r) => acknowledged.has(r.id))) {
      const read = await call(second.base, `/v1/receipts/${receipt.id}`, { headers: auth });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'paid', paidAmount: receipt.amount });
      expect(read.body.payments).toHaveLength(1);
      expect(read.body.receiptNumber).toMatch(/^BLTP-26 \d{7}$/);
    }

    // The bank re-delivers everything (it never heard back about half of it).
    const redelivered = await Promise.all(
      receipts.map(async (receipt) => {
        const res = await deliver(second.base, receipt);
        return { receipt, status: res.status, body: (await res.json()) as CallbackAnswer };
      }),
    );
    for (const { receipt, status, body } of redelivered) {
      expect(status, JSON.stringify(body)).toBe(200);
      if (acknowledged.has(receipt.id)) expect(body.duplicate, receipt.transactionId).toBe(true);
    }

    for (const receipt of receipts) {
      const read = await call(second.base, `/v1/receipts/${receipt.id}`, { headers: auth });
      expect(read.body).toMatchObject({ status: 'paid', paidAmount: receipt.amount });
      expect(read.body.payments).toHaveLength(1);
    }

    const reconciliation = await call(second.base, '/v1/reconciliations', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ date: today }),
    });
    expect(reconciliation.status, JSON.stringify(reconciliation.body)).toBeLessThan(300);
    const failing = (reconciliation.body.checks as { name: string; ok: boolean }[]).filter((c) => !c.ok);
    expect(failing).toEqual([]);
    expect(reconciliation.body.balanced).toBe(true);

    await stopServerProcess(second);
    const final = await inspect((db) => rowsPerReceipt(db, receipts));
    for (const receipt of receipts) {
      expect(final.of(receipt), receipt.transactionId).toEqual({ credits: 1, allocations: 1, numbers: 1 });
    }
    expect(final.doublyAllocated).toEqual([]);
    // One number per receipt, 1..N: none repeated, none skipped by the crash.
    expect(final.numbers).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  }, 180_000);
});
