/** @module The ladder's deposit step: a credit whose memo carries a deposit batch code proves that batch. */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { audit } from '../ledger/audit.js';
import type { BankCredit } from '../ledger/credits.js';
import { findDepositBatchCodes } from '../ledger/deposit-rules.js';
import type { MatchResult } from './result.js';

/**
 * The ladder's deposit step: a credit whose memo carries one of the agency's batch codes proves
 * that batch. Exact → deposited; short or excess → recorded against the batch and left for a person
 * (reason deposit_short / deposit_excess). A batch is proved by one credit; a second one waits too.
 * Returns undefined when no code in the memo names a batch of this agency.
 */
export async function matchDepositCredit(
  trx: Knex.Transaction,
  agencyId: string,
  credit: BankCredit & { id: string },
  now: Date,
): Promise<MatchResult | undefined> {
  const codes = findDepositBatchCodes(credit.memo);
  if (codes.length === 0) return undefined;
  // Lock the batch: two credits carrying the same code must not both prove it.
  const batch = await trx('deposit_batches')
    .where({ agency_id: agencyId })
    .whereIn('code', codes)
    .orderBy('created_at')
    .forUpdate()
    .first('id', 'code', 'amount');
  if (!batch) return undefined;
  const depositBatchId: string = batch.id;
  const taken = await trx('deposit_matches').where({ batch_id: depositBatchId }).first('id');
  if (taken) return { matched: false, reason: 'deposit_already_credited', depositBatchId };
  const batchAmount = batch.amount;
  const outcome = credit.amount === batchAmount ? 'exact' : credit.amount < batchAmount ? 'short' : 'excess';
  await trx('deposit_matches').insert({
    id: randomUUID(),
    agency_id: agencyId,
    credit_id: credit.id,
    batch_id: depositBatchId,
    matched_amount: Math.min(credit.amount, batchAmount),
    outcome,
    created_at: now,
  });
  await audit(trx, {
    agencyId,
    actor: 'system:matching',
    action: `deposit.${outcome}`,
    subjectType: 'deposit_batch',
    subjectId: depositBatchId,
    data: { creditId: credit.id, code: batch.code, batchAmount, creditAmount: credit.amount },
    at: now,
  });
  if (outcome === 'exact') {
    return {
      matched: true,
      kind: 'deposit',
      depositBatchId,
      depositBatchCode: batch.code,
      amount: credit.amount,
    };
  }
  return { matched: false, reason: outcome === 'short' ? 'deposit_short' : 'deposit_excess', depositBatchId };
}
