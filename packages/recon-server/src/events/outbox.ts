/**
 * @module The transactional outbox: an event row written in the same transaction as the change it
 * reports. Types are what the one-stop-shop software subscribes to.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { notifyAfterCommit } from './bus.js';

export type EventType =
  | 'receipt.paid'
  | 'receipt.partially_paid'
  | 'receipt.overpaid'
  | 'receipt.voided'
  | 'credit.unmatched'
  | 'credit.refund_due'
  | 'allocation.reversed';

export interface OutboxEvent {
  id: string;
  type: EventType;
  agencyId: string;
  subjectId: string;
  createdAt: string;
  data: Record<string, unknown>;
}

type NewEvent = {
  agencyId: string;
  type: EventType;
  subjectId: string;
  data: Record<string, unknown>;
  at: Date;
};

/**
 * The outbox INSERT with named bindings from {@link outboxRow}: for a statement that writes other
 * rows in the same round trip (put it last, after their CTEs). Call {@link notifyAfterCommit} after.
 *
 * @example
 * await trx.raw(`WITH other AS (INSERT INTO … ) ${OUTBOX_INSERT_SQL}`, { ...otherBindings, ...outboxRow(event) });
 */
export const OUTBOX_INSERT_SQL = `INSERT INTO outbox_events (id, agency_id, type, subject_id, payload, created_at)
  VALUES (:eventId, :eventAgencyId, :eventType, :eventSubjectId, CAST(:eventPayload AS jsonb), :eventAt)`;

/** Named bindings for {@link OUTBOX_INSERT_SQL}, with a fresh event id. */
export function outboxRow(event: NewEvent) {
  return {
    eventId: randomUUID(),
    eventAgencyId: event.agencyId,
    eventType: event.type,
    eventSubjectId: event.subjectId,
    eventPayload: JSON.stringify(event.data),
    eventAt: event.at,
  };
}

/** Records an event inside `trx`; it exists if and only if the transaction commits. */
export async function enqueueEvent(trx: Knex.Transaction, event: NewEvent): Promise<string> {
  const row = outboxRow(event);
  await trx.raw(OUTBOX_INSERT_SQL, row);
  notifyAfterCommit(trx, event.subjectId);
  return row.eventId;
}
