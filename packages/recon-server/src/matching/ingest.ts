/**
 * @module Ingesting a bank credit: recording it (idempotently) and running the matching ladder on it,
 * inside the caller's transaction. Callbacks and statement imports both ingest through here.
 */
import type { Knex } from 'knex';
import { type BankCredit, type RecordOptions, recordCredit } from '../ledger/credits.js';
import { matchCredit } from './ladder.js';
import type { MatchResult } from './result.js';

export type IngestOutcome =
  | { status: 'recorded'; creditId: string; match: MatchResult }
  | { status: 'duplicate'; creditId: string };

export type IngestOptions = RecordOptions;

/**
 * Records a credit and, when it is new, runs the ladder, in `trx` (the caller opens it: one per
 * credit for a callback, the whole file for a statement). A credit already known is a duplicate and
 * is not matched again; one known with another amount or account throws `credit_conflict`.
 *
 * @example
 * const outcome = await db.transaction((trx) =>
 *   ingestCredit(trx, 'demo', credit, rawId, clock.now(), { settleRawCallback: { ifDuplicate: 'duplicate' } }),
 * );
 */
export async function ingestCredit(
  trx: Knex.Transaction,
  agencyId: string,
  credit: BankCredit,
  rawCallbackId: string | null,
  now: Date,
  options: IngestOptions = {},
): Promise<IngestOutcome> {
  const recorded = await recordCredit(trx, agencyId, credit, rawCallbackId, now, options);
  if (recorded.status === 'duplicate') return recorded;
  const match = await matchCredit(trx, agencyId, { id: recorded.creditId, ...credit }, now);
  return { status: 'recorded', creditId: recorded.creditId, match };
}
