/**
 * Scale-out: two server instances on one database under concurrent load. A hundred receipts are paid
 * by callbacks spread across both instances, a quarter of them delivered twice (once to each) at the
 * same moment: the receipt numbers come out 1..100 with no gap or repeat, and no credit is allocated
 * twice. The nightly job, fired on both instances at the same minute, stores one run.
 *
 * On PostgreSQL the instances are two real server processes (`pnpm start`) whose node-cron schedules
 * are set to the same upcoming minute. PGlite is one connection in one process: there the two
 * instances are two apps on that connection and the job is started twice at once, which proves the
 * "already ran" path rather than the lock race.
 */
import type { Knex } from 'knex';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.js';
import { createApp } from '../src/http/app.js';
import { CRON_ACTOR, runDailyReconciliation } from '../src/jobs/daily-reconciliation.js';
import { systemClock } from '../src/shared/clock.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_API_KEY, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase, testEngine } from './support/db.js';
import { type ServerProcess, startServerProcess, stopServerProcess } from './support/server-process.js';

const RECEIPTS = 100;
const ACCOUNT = '1023456789';
const auth = { Authorization: `Bearer ${TEST_API_KEY}` };

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  body: any;
}
type Post = (path: string, body: string, headers: Record<string, string>) => Promise<Answer>;

interface Setup {
  instances: [Post, Post];
  db: Knex;
  /** The instances' clock: signatures must be fresh, and fees dated, by it. */
  now(): Date;
  today: string;
}

function httpPost(base: string): Post {
  return async (path, body, headers) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

function supertestPost(app: Parameters<typeof request>[0]): Post {
  return async (path, body, headers) => {
    const res = await request(app).post(path).set(headers).send(body);
    return { status: res.status, body: res.body };
  };
}

async function payHundredReceipts(setup: Setup) {
  const open = async (i: number) => {
    const res = await setup.instances[i % 2]!(
      '/v1/receipts',
      JSON.stringify({
        dossierCode: `HS-SCALE-${i}`,
        payer: { name: 'Nguyễn Văn An' },
        fee: {
          date: setup.today,
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 2, copies: 1 } }],
        },
      }),
      { ...auth, 'Content-Type': 'application/json' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { ...(res.body as { id: string; amount: number; reference: string }), txn: `FT-SCALE-${i}` };
  };
  // Opened a few at a time: this is set-up, and the API's auth-failure limiter counts requests in
  // flight against its per-IP budget before it knows they succeed.
  const receipts: Awaited<ReturnType<typeof open>>[] = [];
  for (let i = 0; i < RECEIPTS; i += 5) {
    receipts.push(...(await Promise.all([0, 1, 2, 3, 4].map((j) => open(i + j)))));
  }

  const deliveries = receipts.flatMap((receipt, i) => {
    const body = JSON.stringify({
      transactionId: receipt.txn,
      accountNumber: ACCOUNT,
      amount: receipt.amount,
      memo: `MBVCB.55.${receipt.reference}.CT tu 0071000 NGUYEN VAN AN`,
      bookedAt: setup.now().toISOString(),
    });
    const headers = {
      'Content-Type': 'application/json',
      'X-Thuphi-Signature': signGenericCallback({
        body,
        secret: TEST_CALLBACK_SECRET,
        timestamp: Math.floor(setup.now().getTime() / 1000),
      }),
    };
    // Every fourth transfer the bank relay delivers twice, once to each instance.
    const targets = i % 4 === 0 ? [0, 1] : [i % 2];
    return targets.map((t) => ({
      txn: receipt.txn,
      send: () => setup.instances[t]!('/v1/callbacks/generic', body, headers),
    }));
  });
  const answers = await Promise.all(deliveries.map(async (d) => ({ txn: d.txn, answer: await d.send() })));

  for (const { answer } of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  for (const receipt of receipts) {
    const mine = answers.filter((a) => a.txn === receipt.txn);
    expect(
      mine.filter((a) => a.answer.body.duplicate === false),
      receipt.txn,
    ).toHaveLength(1);
  }

  const credits = await setup
    .db('bank_credits')
    .where({ agency_id: 'demo', provider: 'generic' })
    .count({ n: '*' });
  expect(Number(credits[0]!.n)).toBe(RECEIPTS);
  // "No credit allocated twice": no credit has two allocations that are both still standing.
  const doubly = await setup
    .db('allocations')
    .leftJoin('allocation_reversals', 'allocation_reversals.allocation_id', 'allocations.id')
    .whereNull('allocation_reversals.id')
    .groupBy('allocations.credit_id')
    .havingRaw('count(*) > 1')
    .select('allocations.credit_id');
  expect(doubly).toEqual([]);
  const numbers = await setup.db('receipt_numbers').where({ agency_id: 'demo' }).orderBy('number');
  expect(numbers.map((n) => Number(n.number))).toEqual(Array.from({ length: RECEIPTS }, (_, i) => i + 1));
  expect(new Set(numbers.map((n) => n.receipt_id))).toEqual(new Set(receipts.map((r) => r.id)));
  expect(new Set(numbers.map((n) => n.series)).size).toBe(1);
}

describe('two apps in one process on one database', () => {
  let t: TestApp;
  let setup: Setup;
  beforeAll(async () => {
    t = await createTestApp();
    const second = createApp({ db: t.database.db, clock: t.clock, config: {} });
    setup = {
      instances: [supertestPost(t.app), supertestPost(second)],
      db: t.database.db,
      now: () => t.clock.now(),
      today: '2026-11-23',
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('numbers 100 receipts paid across both 1..100 and allocates no credit twice', async () => {
    await payHundredReceipts(setup);
  }, 120_000);

  it('stores one cron run when the daily job is started twice at once', async () => {
    const deps = { db: t.database.db, clock: t.clock };
    const results = await Promise.all([
      runDailyReconciliation(deps, '2026-11-23'),
      runDailyReconciliation(deps, '2026-11-23'),
    ]);
    const statuses = results.flat().map((r) => r.status);
    expect(statuses.filter((s) => s === 'ran')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'ran' || s === 'locked' || s === 'already_ran')).toHaveLength(2);
    const runs = await t.database.db('reconciliation_runs').where({ agency_id: 'demo', actor: CRON_ACTOR });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.balanced).toBe(true);
  });
});

/** Local `HH:MM` (Asia/Ho_Chi_Minh, UTC+7, no daylight saving) of the first whole minute at least `lead` ms away. */
function upcomingLocalMinute(lead: number): { at: string; fires: Date } {
  const minute = 60_000;
  const fires = new Date(Math.ceil((Date.now() + lead) / minute) * minute);
  const local = new Date(fires.getTime() + 7 * 3600_000);
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return { at: hhmm, fires };
}

describe.runIf(testEngine === 'postgres')('two server processes on one PostgreSQL database', () => {
  const started: ServerProcess[] = [];
  let database: TestDatabase;
  let setup: Setup;
  let schedule: { at: string; fires: Date };
  beforeAll(async () => {
    database = await createTestDatabase();
    // Far enough ahead for both processes to be up before it fires.
    schedule = upcomingLocalMinute(40_000);
    const env = { THUPHI_RECONCILE_AT: schedule.at, LOG_LEVEL: 'info' };
    // One after the other: the first start seeds the demo agency, the second finds it.
    const a = await startServerProcess({ databaseUrl: database.url! }, started, env);
    const b = await startServerProcess({ databaseUrl: database.url! }, started, env);
    if (Date.now() >= schedule.fires.getTime()) {
      throw new Error(
        `both processes must be up before ${schedule.at} (local) fires; starting took too long`,
      );
    }
    const now = () => new Date();
    const local = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    setup = { instances: [httpPost(a.base), httpPost(b.base)], db: database.db, now, today: local };
  });
  afterAll(async () => {
    await Promise.all(started.map(stopServerProcess));
    await database?.drop();
  });

  it('numbers 100 receipts paid across both processes 1..100 and allocates no credit twice', async () => {
    expect(new Set(started.map((s) => s.child.pid)).size).toBe(2);
    await payHundredReceipts(setup);
  }, 120_000);

  it('runs the daily job once when both processes fire it at the same minute', async () => {
    // Wait for the minute, then long enough past it for both schedules to have fired and finished.
    const settled = schedule.fires.getTime() + 10_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, settled - Date.now())));
    let runs: { actor: string; date: string }[] = [];
    for (let tries = 0; tries < 60; tries++) {
      runs = await database.db('reconciliation_runs').where({ agency_id: 'demo', actor: CRON_ACTOR });
      if (runs.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(runs).toHaveLength(1);
    // Both processes scheduled the job; exactly one of them stored the run.
    const storedBy = started.filter((s) => s.output.join('').includes('daily reconciliation stored'));
    expect(storedBy).toHaveLength(1);

    // Two more pools starting the same pass at once (a third and fourth instance): both skip.
    const day = runs[0]!.date;
    const pools = [await openDatabase({ url: database.url! }), await openDatabase({ url: database.url! })];
    try {
      const results = await Promise.all(
        pools.map((db) => runDailyReconciliation({ db, clock: systemClock }, day)),
      );
      for (const r of results.flat()) expect(['locked', 'already_ran']).toContain(r.status);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
    expect(
      await database.db('reconciliation_runs').where({ agency_id: 'demo', actor: CRON_ACTOR }),
    ).toHaveLength(1);
  }, 150_000);
});
