/**
 * @module The matching ladder: a credit pays the receipt whose payment reference its memo carries
 * (checked by its check character), at the receipt's account. Exact → paid; less → partially paid;
 * more → paid, the rest an overpayment for a person to refund. Everything else waits in the
 * exception queue with its reason; nothing is applied silently.
 */
import { randomUUID } from 'node:crypto';
import { findReferences } from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { toVnd } from '../db/money.js';
import { enqueueEvent } from '../events/outbox.js';
import { audit } from './audit.js';
import type { BankCredit } from './credits.js';
import { findDepositBatchCodes } from './deposit-rules.js';
import { matchDepositCredit } from './deposits.js';
import { paidAmountOf } from './ledger.js';
import { assignReceiptNumber, formatReceiptNumber } from './receipt-numbers.js';

export type UnmatchedReason =
  | 'no_reference_in_memo'
  | 'unknown_reference'
  | 'wrong_account'
  | 'receipt_not_payable'
  | 'receipt_void'
  | 'already_paid'
  // The memo carried a deposit batch code: the credit is a clerk's cash deposit, not a payment.
  | 'unknown_deposit_batch'
  | 'deposit_short'
  | 'deposit_excess'
  | 'deposit_already_credited';

export type ReceiptPaymentStatus = 'paid' | 'partially_paid';

/** A credit that paid (part of) a receipt. */
export interface ReceiptMatch {
  matched: true;
  kind: 'receipt';
  receiptId: string;
  allocated: number;
  /** Credit left over after paying the receipt in full: an overpayment to refund. */
  unallocated: number;
  receiptStatus: ReceiptPaymentStatus;
  receiptNumber: { series: string; number: number } | null;
}

/** A credit that proved a clerk's cash deposit batch, to the đồng. */
export interface DepositMatch {
  matched: true;
  kind: 'deposit';
  depositBatchId: string;
  depositBatchCode: string;
  amount: number;
}

export type MatchResult =
  | ReceiptMatch
  | DepositMatch
  | { matched: false; reason: UnmatchedReason; receiptId?: string; depositBatchId?: string };

export interface AllocationInput {
  agencyId: string;
  creditId: string;
  creditAmount: number;
  receiptId: string;
  method: 'auto:reference' | 'manual';
  actor: string;
  reason?: string;
  at: Date;
}

/**
 * Allocates as much of the credit as the receipt still owes, and numbers the receipt when it
 * becomes fully paid. The caller holds the receipt row lock and has checked the credit is free.
 */
export async function allocate(
  trx: Knex.Transaction,
  input: AllocationInput,
  generation: number,
): Promise<ReceiptMatch> {
  const receipt = await trx('receipts')
    .where({ id: input.receiptId })
    .first('amount', 'dossier_code', 'reference');
  const due = toVnd(receipt.amount) - (await paidAmountOf(trx, input.receiptId));
  const amount = Math.min(input.creditAmount, due);
  const allocationId = randomUUID();
  await trx('allocations').insert({
    id: allocationId,
    agency_id: input.agencyId,
    credit_id: input.creditId,
    receipt_id: input.receiptId,
    amount,
    method: input.method,
    generation,
    actor_key_id: input.actor,
    reason: input.reason ?? null,
    created_at: input.at,
  });
  const fullyPaid = amount === due;
  let receiptNumber: { series: string; number: number } | null = null;
  if (fullyPaid) {
    // A receipt paid again after an unmatch keeps the number it was first given: numbers are never reused.
    const existing = await trx('receipt_numbers')
      .where({ receipt_id: input.receiptId })
      .first('series', 'number');
    receiptNumber = existing
      ? { series: existing.series, number: toVnd(existing.number) }
      : await assignReceiptNumber(trx, input.agencyId, input.receiptId, input.at);
  }
  const result = {
    matched: true as const,
    kind: 'receipt' as const,
    receiptId: input.receiptId,
    allocated: amount,
    unallocated: input.creditAmount - amount,
    receiptStatus: fullyPaid ? ('paid' as const) : ('partially_paid' as const),
    receiptNumber,
  };
  const eventData = {
    receiptId: input.receiptId,
    dossierCode: receipt.dossier_code,
    reference: receipt.reference,
    amount: toVnd(receipt.amount),
    paidAmount: toVnd(receipt.amount) - due + amount,
    outstanding: due - amount,
    receiptNumber: receiptNumber ? formatReceiptNumber(receiptNumber) : null,
    creditId: input.creditId,
    allocationId,
    allocated: amount,
    method: input.method,
  };
  await enqueueEvent(trx, {
    agencyId: input.agencyId,
    type: fullyPaid ? 'receipt.paid' : 'receipt.partially_paid',
    subjectId: input.receiptId,
    data: eventData,
    at: input.at,
  });
  if (result.unallocated > 0) {
    await enqueueEvent(trx, {
      agencyId: input.agencyId,
      type: 'receipt.overpaid',
      subjectId: input.receiptId,
      data: { ...eventData, overpayment: result.unallocated },
      at: input.at,
    });
  }
  await audit(trx, {
    agencyId: input.agencyId,
    actor: input.actor,
    action: input.method === 'manual' ? 'allocation.manual' : 'allocation.auto',
    subjectType: 'allocation',
    subjectId: allocationId,
    reason: input.reason,
    data: { creditId: input.creditId, ...result },
    at: input.at,
  });
  return result;
}

/** Locks and returns a receipt of the agency with what matching needs to know about it. */
export async function lockPayableReceipt(
  trx: Knex.Transaction,
  agencyId: string,
  where: { id?: string; references?: string[] },
) {
  const query = trx('receipts as r')
    .leftJoin('collection_accounts as c', 'c.id', 'r.collection_account_id')
    .leftJoin('receipt_voids as v', 'v.receipt_id', 'r.id')
    .where('r.agency_id', agencyId)
    // Lock the receipt row: two credits for one receipt must not both see it unpaid.
    .forUpdate('r');
  if (where.id) query.andWhere('r.id', where.id);
  if (where.references) query.whereIn('r.reference', where.references);
  const row = await query.first(
    'r.id',
    'r.amount',
    'r.opened_as',
    'c.account_number',
    'v.receipt_id as voided',
  );
  if (!row) return undefined;
  return {
    id: row.id as string,
    amount: toVnd(row.amount),
    payable: row.opened_as === 'open',
    voided: row.voided != null,
    accountNumber: row.account_number as string | null,
  };
}

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
  if (!result.matched) {
    await enqueueEvent(trx, {
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
    });
  }
  await trx('credit_match_outcomes').insert({
    agency_id: agencyId,
    credit_id: credit.id,
    outcome: !result.matched
      ? result.reason
      : result.kind === 'deposit'
        ? 'deposit_exact'
        : result.unallocated > 0
          ? 'overpaid'
          : result.receiptStatus,
    receipt_id: (result.matched && result.kind === 'deposit' ? null : result.receiptId) ?? null,
    created_at: now,
  });
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
  if ((await paidAmountOf(trx, receipt.id)) >= receipt.amount) {
    return { matched: false, reason: 'already_paid', receiptId: receipt.id };
  }
  return allocate(
    trx,
    {
      agencyId,
      creditId: credit.id,
      creditAmount: credit.amount,
      receiptId: receipt.id,
      method: 'auto:reference',
      actor: 'system:matching',
      at: now,
    },
    // The credit was recorded in this very transaction: nothing of it was allocated or reversed yet.
    0,
  );
}
