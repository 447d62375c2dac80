/**
 * @module Reconciliation runs: each computation of an agency-day is stored as a new row, never
 * replaced, so what the treasury saw at a given time stays readable. One agency-day is computed by one
 * instance at a time (a transaction-scoped advisory lock).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { computeReconciliation, type ReconciliationReport } from './report.js';

type Db = Knex | Knex.Transaction;

const iso = (value: unknown): string => new Date(value as string).toISOString();

export interface ReconciliationRun {
  id: string;
  agencyId: string;
  date: string;
  generatedAt: string;
  actor: string;
  balanced: boolean;
  report: ReconciliationReport;
}

/** A 64-bit advisory lock key for one agency-day, stable across processes and instances. */
export function reconciliationLockKey(agencyId: string, date: string): string {
  const digest = createHash('sha256').update(`thuphi:reconciliation:${agencyId}:${date}`).digest();
  return digest.readBigInt64BE(0).toString();
}

export type RunOutcome =
  | { status: 'ran'; run: ReconciliationRun }
  /** Another instance holds the agency-day's lock right now. */
  | { status: 'locked' }
  /** `once` was asked and a run by the same actor already exists for the agency-day. */
  | { status: 'already_ran'; run: ReconciliationRun };

/**
 * Computes and stores a run. Under the agency-day's transaction-scoped advisory lock, so two instances
 * never compute the same day at once. With `once` (the scheduled job) the lock is only tried: the
 * instance that loses skips, and one that comes later finds the run already made and skips too.
 * Without it (a person asking) the call waits for the lock and always adds a new run.
 *
 * @example
 * const outcome = await runReconciliation(db, { agencyId: 'demo', date: '2026-11-23', actor: 'cron', now: new Date(), once: true });
 */
export async function runReconciliation(
  db: Knex,
  input: { agencyId: string; date: string; actor: string; now: Date; once?: boolean },
): Promise<RunOutcome> {
  return db.transaction(async (trx) => {
    const key = reconciliationLockKey(input.agencyId, input.date);
    if (input.once) {
      const lock = (await trx.raw('select pg_try_advisory_xact_lock(?::bigint) as ok', [key])).rows[0] as
        | { ok: boolean }
        | undefined;
      if (!lock?.ok) return { status: 'locked' as const };
      const existing = await trx('reconciliation_runs')
        .where({ agency_id: input.agencyId, date: input.date, actor: input.actor })
        .orderBy('generated_at', 'desc')
        .first();
      if (existing) return { status: 'already_ran' as const, run: toRun(existing) };
    } else {
      await trx.raw('select pg_advisory_xact_lock(?::bigint)', [key]);
    }
    const report = await computeReconciliation(trx, input.agencyId, input.date, input.now);
    const row = {
      id: randomUUID(),
      agency_id: input.agencyId,
      date: input.date,
      generated_at: input.now,
      actor: input.actor,
      balanced: report.balanced,
      report: JSON.stringify(report),
    };
    await trx('reconciliation_runs').insert(row);
    return { status: 'ran' as const, run: toRun({ ...row, report }) };
  });
}

function toRun(row: Record<string, unknown>): ReconciliationRun {
  const report = (
    typeof row.report === 'string' ? JSON.parse(row.report) : row.report
  ) as ReconciliationReport;
  return {
    id: row.id as string,
    agencyId: row.agency_id as string,
    date: row.date as string,
    generatedAt: iso(row.generated_at),
    actor: row.actor as string,
    balanced: Boolean(row.balanced),
    report,
  };
}

/** The newest run of an agency-day, or `undefined` if the day was never reconciled. */
export async function latestReconciliation(
  db: Db,
  agencyId: string,
  date: string,
): Promise<ReconciliationRun | undefined> {
  const row = await db('reconciliation_runs')
    .where({ agency_id: agencyId, date })
    .orderBy([
      { column: 'generated_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  return row ? toRun(row) : undefined;
}

/** Agencies to reconcile: every agency (each is reconciled separately, under its own lock). */
export async function agencyIds(db: Db): Promise<string[]> {
  return (await db('agencies').orderBy('id').select('id')).map((r) => r.id as string);
}

/** A run as listed: which day, when, by whom, and whether it balanced. */
export interface ReconciliationRunSummary {
  id: string;
  date: string;
  generatedAt: string;
  actor: string;
  balanced: boolean;
}

/**
 * The newest run of each of the agency's most recent days, newest day first.
 *
 * @example
 * const days = await listReconciliationRuns(db, 'demo', 30);
 */
export async function listReconciliationRuns(
  db: Db,
  agencyId: string,
  limit: number,
): Promise<ReconciliationRunSummary[]> {
  const rows = await db('reconciliation_runs')
    .distinctOn('date')
    .where({ agency_id: agencyId })
    .orderBy([
      { column: 'date', order: 'desc' },
      { column: 'generated_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit)
    .select('id', 'date', 'generated_at', 'actor', 'balanced');
  return rows.map((r) => ({
    id: r.id,
    date: r.date,
    generatedAt: iso(r.generated_at),
    actor: r.actor,
    balanced: Boolean(r.balanced),
  }));
}
