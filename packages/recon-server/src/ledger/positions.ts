/**
 * @module What the append-only rows add up to: how much of a receipt is paid, and how much of a
 * credit is allocated, refunded or still waiting for a person. Status is always derived, never stored.
 */
import type { Knex } from 'knex';
import { prepared } from '../db/prepared.js';

type Db = Knex | Knex.Transaction;

/** Allocations that no reversal undid. */
export function activeAllocations(db: Db) {
  return db('allocations as al').whereNotExists(
    db('allocation_reversals as rv').whereRaw('rv.allocation_id = al.id').select(db.raw('1')),
  );
}

/**
 * What a receipt has taken: bank allocations in force plus cash recorded at the counter. Every
 * "is it paid / what is still due" decision goes through here (or the same sum in SQL).
 *
 * @example
 * const due = receipt.amount - (await paidAmountOf(trx, receipt.id));
 */
export async function paidAmountOf(db: Db, receiptId: string): Promise<number> {
  // One round trip for both parts: this runs inside every paying transaction, under the receipt lock.
  const result = await prepared(
    'paid_amount',
    db.raw(
      `select coalesce(sum(amount), 0) as total from (
       select al.amount from allocations al
       where al.receipt_id = :receiptId
         and not exists (select 1 from allocation_reversals rv where rv.allocation_id = al.id)
       union all
       select cp.amount from cash_payments cp where cp.receipt_id = :receiptId
     ) paid_parts`,
      { receiptId },
    ),
  );
  return (result.rows as { total: number }[])[0]!.total;
}

/**
 * SQL for the paid amount of each receipt (`receipt_id`, `paid`), bank and cash together, for
 * queries that join it: `left join (${PAID_BY_RECEIPT_SQL}) p on p.receipt_id = r.id`.
 */
export const PAID_BY_RECEIPT_SQL = `
  select receipt_id, sum(amount) as paid from (
    select al.receipt_id, al.amount from allocations al
    where not exists (select 1 from allocation_reversals rv where rv.allocation_id = al.id)
    union all
    select cp.receipt_id, cp.amount from cash_payments cp
  ) paid_parts group by receipt_id`;

export interface CreditPosition {
  amount: number;
  allocated: number;
  refundDue: number;
  /** Cash deposit proved by this credit (its batch matched exactly). */
  deposited: number;
  /** Neither allocated nor decided: what a person still has to look at. */
  open: number;
  activeAllocation: { id: string; receiptId: string; amount: number } | undefined;
  /** Reversals so far: the next allocation's generation. */
  generation: number;
}

export async function creditPosition(db: Db, creditId: string): Promise<CreditPosition | undefined> {
  const credit = await db('bank_credits').where({ id: creditId }).first('amount');
  if (!credit) return undefined;
  const amount: number = credit.amount;
  const active = await activeAllocations(db)
    .where('al.credit_id', creditId)
    .first('al.id', 'al.receipt_id', 'al.amount');
  const all = await db('allocations').where({ credit_id: creditId }).count({ n: '*' }).first();
  const refunds = await db('credit_resolutions')
    .where({ credit_id: creditId, kind: 'refund_due' })
    .sum({ total: 'amount' })
    .first();
  // A deposit that proved its batch exactly is fully spoken for; a short or excess one still waits
  // for a person, so it stays open.
  const deposit = await db('deposit_matches').where({ credit_id: creditId, outcome: 'exact' }).first('id');
  const allocated: number = active ? active.amount : 0;
  const refundDue: number = refunds?.total ?? 0;
  const deposited = deposit ? amount : 0;
  const total = (all?.n as number | undefined) ?? 0;
  return {
    amount,
    allocated,
    refundDue,
    deposited,
    open: amount - allocated - refundDue - deposited,
    activeAllocation: active ? { id: active.id, receiptId: active.receipt_id, amount: allocated } : undefined,
    generation: active ? total - 1 : total,
  };
}
