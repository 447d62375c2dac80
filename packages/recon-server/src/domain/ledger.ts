/**
 * @module What the append-only rows add up to: how much of a receipt is paid, and how much of a
 * credit is allocated, refunded or still waiting for a person. Status is always derived, never stored.
 */
import type { Knex } from 'knex';
import { toVnd } from '../db/money.js';

type Db = Knex | Knex.Transaction;

/** Allocations that no reversal undid. */
export function activeAllocations(db: Db) {
  return db('allocations as al').whereNotExists(
    db('allocation_reversals as rv').whereRaw('rv.allocation_id = al.id').select(db.raw('1')),
  );
}

export async function paidAmountOf(db: Db, receiptId: string): Promise<number> {
  const row = await activeAllocations(db)
    .where('al.receipt_id', receiptId)
    .sum({ total: 'al.amount' })
    .first();
  return row?.total == null ? 0 : toVnd(row.total);
}

export interface CreditPosition {
  amount: number;
  allocated: number;
  refundDue: number;
  /** Neither allocated nor decided: what a person still has to look at. */
  open: number;
  activeAllocation: { id: string; receiptId: string; amount: number } | undefined;
  /** Reversals so far: the next allocation's generation. */
  generation: number;
}

export async function creditPosition(db: Db, creditId: string): Promise<CreditPosition | undefined> {
  const credit = await db('bank_credits').where({ id: creditId }).first('amount');
  if (!credit) return undefined;
  const amount = toVnd(credit.amount);
  const active = await activeAllocations(db)
    .where('al.credit_id', creditId)
    .first('al.id', 'al.receipt_id', 'al.amount');
  const all = await db('allocations').where({ credit_id: creditId }).count({ n: '*' }).first();
  const refunds = await db('credit_resolutions')
    .where({ credit_id: creditId, kind: 'refund_due' })
    .sum({ total: 'amount' })
    .first();
  const allocated = active ? toVnd(active.amount) : 0;
  const refundDue = refunds?.total == null ? 0 : toVnd(refunds.total);
  const total = Number(all?.n ?? 0);
  return {
    amount,
    allocated,
    refundDue,
    open: amount - allocated - refundDue,
    activeAllocation: active ? { id: active.id, receiptId: active.receipt_id, amount: allocated } : undefined,
    generation: active ? total - 1 : total,
  };
}
