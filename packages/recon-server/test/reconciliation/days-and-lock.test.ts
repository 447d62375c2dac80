/**
 * Day boundaries in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), and the nightly job: exactly one
 * scheduled run per agency-day however many instances fire at once (a PostgreSQL advisory lock; on
 * PostgreSQL the racers use separate connection pools, as separate server instances would).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import {
  CRON_ACTOR,
  cronExpressionFor,
  runDailyReconciliation,
  startDailyReconciliation,
} from '../../src/jobs/daily-reconciliation.js';
import { createLogger } from '../../src/logger.js';
import { computeReconciliation } from '../../src/reconciliation/report.js';
import { reconciliationLockKey } from '../../src/reconciliation/runs.js';
import { dayWindow, localDateOf, localHourOf } from '../../src/shared/time.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { statementLine } from './support.js';

describe('local days', () => {
  it('start at 17:00 UTC the evening before', () => {
    expect(dayWindow('2026-11-23')).toEqual({
      date: '2026-11-23',
      start: new Date('2026-11-22T17:00:00Z'),
      end: new Date('2026-11-23T17:00:00Z'),
    });
    expect(localDateOf(new Date('2026-11-23T16:59:59.999Z'))).toBe('2026-11-23');
    expect(localDateOf(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
    expect(localHourOf(new Date('2026-11-23T17:00:00Z'))).toBe(0);
    expect(localHourOf(new Date('2026-11-23T16:59:00Z'))).toBe(23);
    // The year turns at 17:00 UTC on 31 December; leap days exist, 30 February does not.
    expect(dayWindow('2027-01-01')?.start).toEqual(new Date('2026-12-31T17:00:00Z'));
    expect(dayWindow('2028-02-29')).toBeDefined();
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-1', 'hôm nay'])
      expect(dayWindow(bad)).toBeUndefined();
  });

  it('put credits at 16:59 and 17:00 UTC on different days', async () => {
    const t = await createTestApp({ now: '2026-11-24T02:00:00Z' });
    try {
      await statementLine(t, 1000, 'KHONG RO NOI DUNG 1', '2026-11-23T16:59:59Z');
      await statementLine(t, 2000, 'KHONG RO NOI DUNG 2', '2026-11-23T17:00:00Z');
      const monday = await computeReconciliation(t.database.db, 'demo', '2026-11-23', t.clock.now());
      const tuesday = await computeReconciliation(t.database.db, 'demo', '2026-11-24', t.clock.now());
      expect(monday.credits.received).toEqual({ count: 1, amount: 1000 });
      expect(tuesday.credits.received).toEqual({ count: 1, amount: 2000 });
      // Unmatched money is reported where it belongs, and unbalances only its own day.
      expect(monday.credits.unmatched.amount).toBe(1000);
      expect(tuesday.credits.unmatched.amount).toBe(2000);
      expect(monday.credits.statementOnly.count).toBe(1);
    } finally {
      await t.close();
    }
  });
});

describe('the nightly job', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-23T16:30:00Z' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('turns HH:MM into a daily cron expression and refuses anything else', () => {
    expect(cronExpressionFor('23:30')).toBe('0 30 23 * * *');
    expect(cronExpressionFor('00:05')).toBe('0 5 0 * * *');
    for (const bad of ['24:00', '7:30', '23:60', '23h30', ''])
      expect(() => cronExpressionFor(bad)).toThrow(/HH:MM/);
  });

  it('stores one run per agency-day when instances race, and none again when one comes late', async () => {
    const date = '2026-11-23';
    const extraPools: Knex[] = [];
    // Separate pools on PostgreSQL (like separate instances); PGlite is one process with one connection.
    const pools =
      t.database.engine === 'postgres'
        ? await Promise.all(
            [0, 1, 2].map(async () => {
              const db = await openDatabase({ url: t.database.url, poolMax: 2 });
              extraPools.push(db);
              return db;
            }),
          )
        : [t.database.db, t.database.db, t.database.db];
    try {
      const results = await Promise.all(
        pools.map((db) => runDailyReconciliation({ db, clock: t.clock }, date)),
      );
      const statuses = results.map((r) => r.find((x) => x.agencyId === 'demo')!.status);
      expect(statuses.filter((s) => s === 'ran')).toHaveLength(1);
      expect(statuses.every((s) => ['ran', 'locked', 'already_ran'].includes(s))).toBe(true);
      const late = await runDailyReconciliation({ db: pools[0]!, clock: t.clock }, date);
      expect(late.find((x) => x.agencyId === 'demo')?.status).toBe('already_ran');
      const runs = await t.database
        .db('reconciliation_runs')
        .where({ agency_id: 'demo', date, actor: CRON_ACTOR });
      expect(runs).toHaveLength(1);
    } finally {
      await Promise.all(extraPools.map((db) => db.destroy()));
    }
  });

  it('skips while another instance holds the agency-day lock', async () => {
    if (t.database.engine !== 'postgres') return; // PGlite has one connection: nobody else can hold it.
    const date = '2026-11-22';
    const other = await openDatabase({ url: t.database.url, poolMax: 1 });
    try {
      await other.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?::bigint)', [reconciliationLockKey('demo', date)]);
        const results = await runDailyReconciliation({ db: t.database.db, clock: t.clock }, date);
        expect(results.find((x) => x.agencyId === 'demo')?.status).toBe('locked');
      });
      const results = await runDailyReconciliation({ db: t.database.db, clock: t.clock }, date);
      expect(results.find((x) => x.agencyId === 'demo')?.status).toBe('ran');
    } finally {
      await other.destroy();
    }
  });

  it('is scheduled at the configured local time and stops cleanly', async () => {
    const job = startDailyReconciliation({
      db: t.database.db,
      clock: t.clock,
      logger: createLogger({ silent: true }),
      at: '23:30',
    });
    const next = job.nextRun();
    expect(next).not.toBeNull();
    // Whatever the real date, the next firing is at 23:30 in Asia/Ho_Chi_Minh = 16:30 UTC.
    expect(next!.getUTCHours()).toBe(16);
    expect(next!.getUTCMinutes()).toBe(30);
    await job.stop();
    expect(job.nextRun()).toBeNull();
  });
});
