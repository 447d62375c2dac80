/**
 * @module The matching ladder: a credit pays the receipt whose payment reference its memo carries
 * (checked by its check character), at the receipt's account. Exact → paid; less → partially paid;
 * more → paid, the rest an overpayment for a person to refund. A memo carrying a deposit batch code
 * proves that batch instead. Everything else waits in the exception queue with its reason; nothing is
 * applied silently.
 */
import { findReferences } from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { notifyAfterCommit } from '../events/bus.js';
import { OUTBOX_INSERT_SQL, outboxRow } from '../events/outbox.js';
import type { BankCredit } from '../ledger/credits.js';
import { findDepositBatchCodes } from '../ledger/deposit-rules.js';
import { paidAmountOf } from '../ledger/positions.js';
import { allocate, lockPayableReceipt } from './allocate.js';
import { matchDepositCredit } from './deposits.js';
import type { MatchResult } from './result.js';

/**
 * Runs the ladder for a freshly recorded credit, inside the ingest transaction, and records the
 * outcome so the exception queue can say why a credit is waiting.
 */
export async function matchCredit(
  trx: Knex.Transaction,
  agencyId: string,
  credit: BankCredit & { id: string },
  now: Date,
): Promise<MatchResult> {
  const result = await ladder(trx, agencyId, credit, now);
  // The ladder's receipt allocation wrote its outcome row along with the allocation.
  if (result.matched && result.kind === 'receipt') return result;
  const outcome = {
    agency_id: agencyId,
    credit_id: credit.id,
    outcome: result.matched ? 'deposit_exact' : result.reason,
    receipt_id: (!result.matched && result.receiptId) || null,
    created_at: now,
  };
  if (result.matched) {
    await trx('credit_match_outcomes').insert(outcome);
    return result;
  }
  // The outcome row and the unmatched event in one round trip.
  await trx.raw(
    `WITH outcome AS (
       INSERT INTO credit_match_outcomes (agency_id, credit_id, outcome, receipt_id, created_at)
       VALUES (:agency_id, :credit_id, :outcome, :receipt_id, :created_at)
     )
     ${OUTBOX_INSERT_SQL}`,
    {
      ...outcome,
      ...outboxRow({
        agencyId,
        type: 'credit.unmatched',
        subjectId: credit.id,
        data: {
          creditId: credit.id,
          reason: result.reason,
          receiptId: result.receiptId ?? null,
          ...(result.depositBatchId ? { depositBatchId: result.depositBatchId } : {}),
          amount: credit.amount,
          accountNumber: credit.accountNumber,
          memo: credit.memo,
          bookedAt: credit.bookedAt.toISOString(),
        },
        at: now,
      }),
    },
  );
  notifyAfterCommit(trx, credit.id);
  return result;
}

async function ladder(
  trx: Knex.Transaction,
  agencyId: string,
  credit: BankCredit & { id: string },
  now: Date,
): Promise<MatchResult> {
  // A clerk's cash deposit carries its batch code instead of a payment reference: it proves the
  // batch (many cash payments, one credit) and pays no receipt.
  const deposit = await matchDepositCredit(trx, agencyId, credit, now);
  if (deposit) return deposit;
  const references = findReferences(credit.memo);
  if (references.length === 0) {
    return {
      matched: false,
      reason:
        findDepositBatchCodes(credit.memo).length > 0 ? 'unknown_deposit_batch' : 'no_reference_in_memo',
    };
  }
  const receipt = await lockPayableReceipt(trx, agencyId, { references });
  if (!receipt) return { matched: false, reason: 'unknown_reference' };
  if (receipt.voided) return { matched: false, reason: 'receipt_void', receiptId: receipt.id };
  if (!receipt.payable) return { matched: false, reason: 'receipt_not_payable', receiptId: receipt.id };
  if (receipt.accountNumber !== credit.accountNumber) {
    return { matched: false, reason: 'wrong_account', receiptId: receipt.id };
  }
  const paid = await paidAmountOf(trx, receipt.id);
  if (paid >= receipt.amount) {
    return { matched: false, reason: 'already_paid', receiptId: receipt.id };
  }
  return allocate(
    trx,
    {
      agencyId,
      creditId: credit.id,
      creditAmount: credit.amount,
      receipt,
      paid,
      method: 'auto:reference',
      actor: 'system:matching',
      recordMatchOutcome: true,
      at: now,
    },
    // The credit was recorded in this very transaction: nothing of it was allocated or reversed yet.
    0,
  );
}
