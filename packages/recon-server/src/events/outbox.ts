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

/** Records an event inside `trx`; it exists if and only if the transaction commits. */
export async function enqueueEvent(
  trx: Knex.Transaction,
  event: { agencyId: string; type: EventType; subjectId: string; data: Record<string, unknown>; at: Date },
): Promise<string> {
  const id = randomUUID();
  await trx('outbox_events').insert({
    id,
    agency_id: event.agencyId,
    type: event.type,
    subject_id: event.subjectId,
    payload: JSON.stringify(event.data),
    created_at: event.at,
  });
  notifyAfterCommit(trx, event.subjectId);
  return id;
}
