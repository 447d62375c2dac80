/**
 * @module The nightly reconciliation: at a configured local time (Asia/Ho_Chi_Minh) every instance's
 * node-cron fires, and for each agency the instance that wins the agency-day's PostgreSQL advisory
 * lock computes and stores the run; the others skip. A later instance (or a restarted one) finds the
 * `cron` run already stored and skips too, so each agency-day gets exactly one scheduled run.
 */

import type { Knex } from 'knex';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { agencyIds, runReconciliation } from '../reconciliation/runs.js';
import type { Clock } from '../shared/clock.js';
import { HO_CHI_MINH_TZ, localDateOf, previousDate } from '../shared/time.js';

/** The actor recorded on scheduled runs. */
export const CRON_ACTOR = 'cron';

/** Which local day a scheduled run closes: the one in which it fires, or the one before. */
export type ReconcileDay = 'today' | 'yesterday';

/**
 * `'23:30'` → the node-cron expression firing daily at that local time; throws on anything else.
 *
 * @example
 * cronExpressionFor('23:30'); // '0 30 23 * * *'
 */
export function cronExpressionFor(at: string): string {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new Error(`the reconciliation time must be HH:MM (00:00–23:59), got "${at}"`);
  return `0 ${Number(m[2])} ${Number(m[1])} * * *`;
}

export interface DailyRunResult {
  agencyId: string;
  date: string;
  status: 'ran' | 'locked' | 'already_ran' | 'failed';
  balanced?: boolean;
}

/**
 * One scheduled pass: every agency's run for `date`, each under its own lock. An agency that fails
 * does not stop the others.
 *
 * @example
 * await runDailyReconciliation({ db, clock, logger }, '2026-11-23');
 */
export async function runDailyReconciliation(
  deps: { db: Knex; clock: Clock; logger?: Logger | undefined },
  date: string,
): Promise<DailyRunResult[]> {
  const results: DailyRunResult[] = [];
  for (const agencyId of await agencyIds(deps.db)) {
    try {
      const outcome = await runReconciliation(deps.db, {
        agencyId,
        date,
        actor: CRON_ACTOR,
        now: deps.clock.now(),
        once: true,
      });
      const balanced = outcome.status === 'locked' ? undefined : outcome.run.balanced;
      results.push({
        agencyId,
        date,
        status: outcome.status,
        ...(balanced === undefined ? {} : { balanced }),
      });
      if (outcome.status === 'ran') {
        deps.logger?.info({ agencyId, date, balanced }, 'daily reconciliation stored');
      }
    } catch (error) {
      deps.logger?.error({ err: error, agencyId, date }, 'daily reconciliation failed');
      results.push({ agencyId, date, status: 'failed' });
    }
  }
  return results;
}

export interface DailyReconciliationJob {
  /** The next time it fires, or null when stopped. */
  nextRun(): Date | null;
  /** Stops the schedule and waits for a pass in progress to finish (call before closing the database). */
  stop(): Promise<void>;
}

/**
 * Schedules the nightly pass on this instance.
 *
 * @example
 * const job = startDailyReconciliation({ db, clock: systemClock, logger, at: '23:30' });
 * // … on shutdown:
 * await job.stop();
 */
export function startDailyReconciliation(options: {
  db: Knex;
  clock: Clock;
  logger?: Logger | undefined;
  at: string;
  day?: ReconcileDay;
}): DailyReconciliationJob {
  let running: Promise<unknown> | undefined;
  const task: ScheduledTask = cron.schedule(
    cronExpressionFor(options.at),
    () => {
      const today = localDateOf(options.clock.now());
      const date = options.day === 'yesterday' ? previousDate(today) : today;
      running = runDailyReconciliation(options, date).finally(() => {
        running = undefined;
      });
      return running;
    },
    { timezone: HO_CHI_MINH_TZ, name: 'daily-reconciliation', noOverlap: true },
  );
  let stopped = false;
  return {
    nextRun: () => (stopped ? null : task.getNextRun()),
    async stop() {
      stopped = true;
      await task.destroy();
      await running;
    },
  };
}
