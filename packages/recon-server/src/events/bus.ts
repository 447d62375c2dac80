/** @module In-process notification that a receipt changed, for server-sent events; fired after commit. */
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';

const bus = new EventEmitter();
// Every open counter display listens; hundreds at once is normal, not a leak.
bus.setMaxListeners(0);

/** Calls `listener` whenever a change to `subjectId` commits in this process; returns the unsubscribe. */
export function onSubjectChange(subjectId: string, listener: () => void): () => void {
  bus.on(subjectId, listener);
  return () => bus.off(subjectId, listener);
}

/** Notifies listeners once `trx` commits (never for a rolled-back change). */
export function notifyAfterCommit(trx: Knex.Transaction, subjectId: string): void {
  trx.executionPromise.then(
    () => bus.emit(subjectId),
    () => undefined,
  );
}
