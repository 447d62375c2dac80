/**
 * @module What a treasury user does by hand: match a credit to a receipt, undo an allocation, mark
 * money as due for refund, void a receipt. Each is a new row with its actor and reason, in the
 * audit trail; nothing is edited.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { enqueueEvent } from '../events/outbox.js';
import { audit } from '../ledger/audit.js';
import { creditPosition, paidAmountOf } from '../ledger/positions.js';
import { allocate, lockPayableReceipt } from '../matching/allocate.js';
import type { MatchResult } from '../matching/result.js';
import { AppError } from '../shared/errors.js';

export interface Actor {
  agencyId: string;
  keyId: string;
}

/** Locks the agency's credit row so two people resolving it at once are serialised. */
async function lockCredit(trx: Knex.Transaction, agencyId: string, creditId: string) {
  const credit = await trx('bank_credits')
    .where({ id: creditId, agency_id: agencyId })
    .forUpdate()
    .first('id', 'account_number');
  if (!credit) throw new AppError('not_found', { detail: `credit ${creditId}` });
  return credit;
}

/** Allocates a waiting credit to a receipt a person chose; the receipt must still owe money. */
export async function manualMatch(
  db: Knex,
  actor: Actor,
  input: { creditId: string; receiptId: string; reason: string },
  at: Date,
): Promise<Extract<MatchResult, { matched: true }>> {
  return db.transaction(async (trx) => {
    await lockCredit(trx, actor.agencyId, input.creditId);
    const position = (await creditPosition(trx, input.creditId))!;
    if (position.activeAllocation) {
      throw new AppError('conflict', { detail: 'the credit is already allocated; unmatch it first' });
    }
    if (position.open <= 0)
      throw new AppError('conflict', { detail: 'nothing of this credit is left to allocate' });
    const receipt = await lockPayableReceipt(trx, actor.agencyId, { id: input.receiptId });
    if (!receipt) throw new AppError('not_found', { detail: `receipt ${input.receiptId}` });
    if (receipt.voided || !receipt.payable) {
      throw new AppError('conflict', { detail: 'the receipt is void or exempt and takes no money' });
    }
    const paid = await paidAmountOf(trx, receipt.id);
    if (paid >= receipt.amount) {
      throw new AppError('conflict', { detail: 'the receipt is already paid' });
    }
    return allocate(
      trx,
      {
        agencyId: actor.agencyId,
        creditId: input.creditId,
        creditAmount: position.open,
        receipt,
        paid,
        method: 'manual',
        actor: actor.keyId,
        reason: input.reason,
        at,
      },
      position.generation,
    );
  });
}

/** Undoes an allocation: the credit goes back to the exception queue, the receipt owes again. */
export async function reverseAllocation(
  db: Knex,
  actor: Actor,
  input: { allocationId: string; reason: string },
  at: Date,
): Promise<{ reversalId: string; creditId: string; receiptId: string }> {
  return db.transaction(async (trx) => {
    const allocation = await trx('allocations')
      .where({ id: input.allocationId, agency_id: actor.agencyId })
      .first('id', 'credit_id', 'receipt_id', 'amount');
    if (!allocation) throw new AppError('not_found', { detail: `allocation ${input.allocationId}` });
    await lockCredit(trx, actor.agencyId, allocation.credit_id);
    const reversalId = randomUUID();
    const inserted = await trx('allocation_reversals')
      .insert({
        id: reversalId,
        agency_id: actor.agencyId,
        allocation_id: allocation.id,
        actor_key_id: actor.keyId,
        reason: input.reason,
        created_at: at,
      })
      .onConflict('allocation_id')
      .ignore()
      .returning('id');
    if (inserted.length === 0)
      throw new AppError('conflict', { detail: 'the allocation was already reversed' });
    await audit(trx, {
      agencyId: actor.agencyId,
      actor: actor.keyId,
      action: 'allocation.reversed',
      subjectType: 'allocation',
      subjectId: allocation.id,
      reason: input.reason,
      data: { creditId: allocation.credit_id, receiptId: allocation.receipt_id },
      at,
    });
    await enqueueEvent(trx, {
      agencyId: actor.agencyId,
      type: 'allocation.reversed',
      subjectId: allocation.receipt_id,
      data: {
        allocationId: allocation.id,
        creditId: allocation.credit_id,
        receiptId: allocation.receipt_id,
        amount: allocation.amount,
        reason: input.reason,
      },
      at,
    });
    return { reversalId, creditId: allocation.credit_id, receiptId: allocation.receipt_id };
  });
}

/** Records that what is left of a credit (unmatched, or an overpayment) is to be refunded to the sender. */
export async function markRefundDue(
  db: Knex,
  actor: Actor,
  input: { creditId: string; reason: string },
  at: Date,
): Promise<{ resolutionId: string; amount: number }> {
  return db.transaction(async (trx) => {
    await lockCredit(trx, actor.agencyId, input.creditId);
    const position = (await creditPosition(trx, input.creditId))!;
    if (position.open <= 0)
      throw new AppError('conflict', { detail: 'nothing of this credit is left to refund' });
    const resolutionId = randomUUID();
    await trx('credit_resolutions').insert({
      id: resolutionId,
      agency_id: actor.agencyId,
      credit_id: input.creditId,
      kind: 'refund_due',
      amount: position.open,
      actor_key_id: actor.keyId,
      reason: input.reason,
      created_at: at,
    });
    await audit(trx, {
      agencyId: actor.agencyId,
      actor: actor.keyId,
      action: 'credit.refund_due',
      subjectType: 'credit',
      subjectId: input.creditId,
      reason: input.reason,
      data: { amount: position.open },
      at,
    });
    await enqueueEvent(trx, {
      agencyId: actor.agencyId,
      type: 'credit.refund_due',
      subjectId: input.creditId,
      data: { creditId: input.creditId, amount: position.open, reason: input.reason },
      at,
    });
    return { resolutionId, amount: position.open };
  });
}

/** Voids a receipt that has taken no money; a paid one must be unmatched first. */
export async function voidReceipt(
  db: Knex,
  actor: Actor,
  input: { receiptId: string; reason: string },
  at: Date,
): Promise<void> {
  await db.transaction(async (trx) => {
    const receipt = await lockPayableReceipt(trx, actor.agencyId, { id: input.receiptId });
    if (!receipt) throw new AppError('not_found', { detail: `receipt ${input.receiptId}` });
    if (receipt.voided) throw new AppError('conflict', { detail: 'the receipt is already void' });
    if ((await paidAmountOf(trx, receipt.id)) > 0) {
      throw new AppError('conflict', { detail: 'the receipt has taken money; unmatch its payments first' });
    }
    await trx('receipt_voids').insert({
      receipt_id: receipt.id,
      agency_id: actor.agencyId,
      actor_key_id: actor.keyId,
      reason: input.reason,
      created_at: at,
    });
    await audit(trx, {
      agencyId: actor.agencyId,
      actor: actor.keyId,
      action: 'receipt.voided',
      subjectType: 'receipt',
      subjectId: receipt.id,
      reason: input.reason,
      at,
    });
    await enqueueEvent(trx, {
      agencyId: actor.agencyId,
      type: 'receipt.voided',
      subjectId: receipt.id,
      data: { receiptId: receipt.id, reason: input.reason },
      at,
    });
  });
}
