/**
 * @module Delivering outbox events to each agency's endpoint: signed like the generic callback,
 * retried with backoff, at least once (receivers deduplicate on the stable `X-Thuphi-Event-Id`).
 * Several instances can run it: an attempt is claimed by a unique row before it is sent.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import { signGenericCallback } from '../shared/signing.js';
import { type CompiledPolicy, defaultPolicy, postEvent } from './destination.js';

/** Waits before attempt 2, 3, …; after the last, the event is dead and shown to an operator. */
export const RETRY_DELAYS_SECONDS = [10, 30, 120, 600, 1800, 3600, 7200, 14400, 28800] as const;

/** A claim older than this without a result means its sender died mid-request: try again. */
const STALE_CLAIM_SECONDS = 60;

export interface DispatcherOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /**
   * Which addresses may receive events, re-checked at every send after DNS (see `destination.ts`);
   * public addresses only, and https only when `NODE_ENV=production`, unless given.
   */
  destinations?: CompiledPolicy;
  batchSize?: number;
  timeoutMs?: number;
}

export interface DispatchSummary {
  delivered: number;
  failed: number;
  dead: number;
}

interface DueEvent {
  id: string;
  agency_id: string;
  type: string;
  subject_id: string;
  payload: unknown;
  created_at: string;
  last_attempt: number | null;
  url: string;
  secret: string;
}

async function dueEvents(db: Knex, now: Date, limit: number): Promise<DueEvent[]> {
  const result = await db.raw(
    `select e.id, e.agency_id, e.type, e.subject_id, e.payload, e.created_at, la.attempt as last_attempt,
            ep.url, ep.secret
     from outbox_events e
     join lateral (
       select url, secret from event_endpoints p where p.agency_id = e.agency_id order by p.id desc limit 1
     ) ep on true
     left join lateral (
       select a.attempt, a.claimed_at, r.status, r.next_attempt_at
       from outbox_attempts a left join outbox_results r on r.attempt_id = a.id
       where a.event_id = e.id order by a.attempt desc limit 1
     ) la on true
     where la.attempt is null
        or (la.status = 'failed' and la.next_attempt_at <= ?)
        or (la.status is null and la.claimed_at <= ?)
     order by e.created_at, e.id
     limit ?`,
    [now, new Date(now.getTime() - STALE_CLAIM_SECONDS * 1000), limit],
  );
  return result.rows;
}

/** The body a receiver gets; `id` is stable across retries. */
export function eventBody(
  e: Pick<DueEvent, 'id' | 'type' | 'agency_id' | 'subject_id' | 'created_at' | 'payload'>,
) {
  return {
    id: e.id,
    type: e.type,
    agencyId: e.agency_id,
    subjectId: e.subject_id,
    createdAt: new Date(e.created_at).toISOString(),
    data: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload,
  };
}

/**
 * Creates a dispatcher. `runOnce()` sends what is due and returns what happened; `start()` runs it
 * on an interval (never two runs at once in one process).
 *
 * @example
 * const dispatcher = createDispatcher({ db, clock: systemClock, logger });
 * dispatcher.start(2000);
 */
export function createDispatcher(options: DispatcherOptions) {
  const { db, clock, logger } = options;
  const destinations = options.destinations ?? defaultPolicy();
  const batchSize = options.batchSize ?? 50;
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DispatchSummary> | undefined;

  async function deliver(event: DueEvent, summary: DispatchSummary): Promise<void> {
    const attempt = (event.last_attempt ?? 0) + 1;
    const claimed: { id: string }[] = await db('outbox_attempts')
      .insert({ event_id: event.id, attempt, claimed_at: clock.now() })
      .onConflict(['event_id', 'attempt'])
      .ignore()
      .returning('id');
    const attemptId = claimed[0]?.id;
    if (!attemptId) return; // another instance is sending this attempt

    const body = JSON.stringify(eventBody(event));
    let status: number | undefined;
    let error: string | undefined;
    try {
      status = await postEvent({
        url: event.url,
        policy: destinations,
        timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'thuphi-events/1',
          'X-Thuphi-Event-Id': event.id,
          'X-Thuphi-Event-Type': event.type,
          'X-Thuphi-Signature': signGenericCallback({
            body,
            secret: event.secret,
            timestamp: clock.now().getTime() / 1000,
          }),
        },
        body,
      });
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const finishedAt = clock.now();
    const delay = RETRY_DELAYS_SECONDS[attempt - 1];
    const outcome = !error ? 'delivered' : delay === undefined ? 'dead' : 'failed';
    await db('outbox_results').insert({
      attempt_id: attemptId,
      status: outcome,
      http_status: status ?? null,
      error: error ?? null,
      finished_at: finishedAt,
      next_attempt_at: outcome === 'failed' ? new Date(finishedAt.getTime() + delay! * 1000) : null,
    });
    summary[outcome === 'delivered' ? 'delivered' : outcome === 'dead' ? 'dead' : 'failed']++;
    if (outcome !== 'delivered') {
      logger.warn({ eventId: event.id, type: event.type, attempt, error }, 'event delivery failed');
    }
  }

  async function runOnce(): Promise<DispatchSummary> {
    const summary: DispatchSummary = { delivered: 0, failed: 0, dead: 0 };
    for (const event of await dueEvents(db, clock.now(), batchSize)) {
      await deliver(event, summary);
    }
    return summary;
  }

  return {
    runOnce,
    start(intervalMs: number) {
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch((e) => {
            logger.error({ err: e }, 'event dispatch failed');
            return { delivered: 0, failed: 0, dead: 0 };
          })
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
