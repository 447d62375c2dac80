/**
 * @module Cash deposits: cash recorded at the counter stays with the clerk until a deposit batch is
 * made; the clerk deposits the batch's amount with its code in the memo, and the bank credit carrying
 * that code proves the deposit (many cash payments → one batch → one credit; the ladder's deposit step
 * is matching/deposits).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { defaultCollectionAccount } from '../agencies/agencies.js';
import { audit } from '../ledger/audit.js';
import { depositBatchCode } from '../ledger/deposit-rules.js';
import { formatReceiptNumber } from '../ledger/receipt-numbers.js';
import { AppError } from '../shared/errors.js';
import { localDateOf } from '../shared/time.js';

type Db = Knex | Knex.Transaction;

export type DepositStatus = 'awaiting_credit' | 'deposited' | 'short' | 'excess';

export interface DepositBatch {
  id: string;
  code: string;
  clerkKeyId: string;
  amount: number;
  count: number;
  /** What to write in the deposit memo (the code first; the rest is for people). */
  memo: string;
  depositTo: { bankBin: string; accountNumber: string; accountName: string } | null;
  createdBy: string;
  createdAt: string;
  /** awaiting_credit until a bank credit carries the code; deposited when it matches exactly. */
  status: DepositStatus;
  credit: {
    id: string;
    amount: number;
    bookedAt: string;
    bankReference: string | null;
    matchedAmount: number;
    outcome: 'exact' | 'short' | 'excess';
  } | null;
  /** Credit minus batch amount once credited (negative: short), else null. */
  difference: number | null;
  items: {
    cashPaymentId: string;
    receiptId: string;
    receiptNumber: string | null;
    amount: number;
    payerName: string;
    collectedAt: string;
  }[];
}

/**
 * Puts all of a clerk's undeposited cash into a new deposit batch with a fresh code. Batches of one
 * agency are made one at a time (an advisory lock), so a cash payment cannot land in two batches and
 * the day's sequence has no duplicate; the unique key on the batch items is the database's own guard.
 *
 * @example
 * const batch = await createDepositBatch(db, { agencyId: 'demo', actorKeyId: key, clerkKeyId: key }, new Date());
 * // the clerk deposits batch.amount with batch.code in the memo
 */
export async function createDepositBatch(
  db: Knex,
  input: { agencyId: string; actorKeyId: string; clerkKeyId: string },
  at: Date,
): Promise<DepositBatch> {
  const id = await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [
      `thuphi:deposit-batch:${input.agencyId}`,
    ]);
    const clerk = await trx('api_keys')
      .where({ id: input.clerkKeyId, agency_id: input.agencyId })
      .first('id');
    if (!clerk) throw new AppError('not_found', { detail: `clerk key ${input.clerkKeyId}` });
    const cash = await trx('cash_payments as cp')
      .where({ 'cp.agency_id': input.agencyId, 'cp.clerk_key_id': input.clerkKeyId })
      .andWhere('cp.collected_at', '<=', at)
      .whereNotExists(
        trx('deposit_batch_items as i').whereRaw('i.cash_payment_id = cp.id').select(trx.raw('1')),
      )
      .orderBy('cp.collected_at')
      .select('cp.id', 'cp.amount');
    if (cash.length === 0) {
      throw new AppError('nothing_to_deposit', { detail: `clerk key ${input.clerkKeyId} holds no cash` });
    }
    const amount = cash.reduce((sum, c) => sum + c.amount, 0);
    const date = localDateOf(at);
    const prefix = depositBatchCode(date, 1).slice(0, 8);
    const today = await trx('deposit_batches')
      .where({ agency_id: input.agencyId })
      .andWhere('code', 'like', `${prefix}%`)
      .count({ n: '*' })
      .first();
    const seq = ((today?.n as number | undefined) ?? 0) + 1;
    if (seq > 999) throw new AppError('conflict', { detail: 'at most 999 deposit batches a day' });
    const code = depositBatchCode(date, seq);
    const account = await defaultCollectionAccount(trx, input.agencyId);
    const batchId = randomUUID();
    await trx('deposit_batches').insert({
      id: batchId,
      agency_id: input.agencyId,
      code,
      clerk_key_id: input.clerkKeyId,
      amount,
      item_count: cash.length,
      collection_account_id: account?.id ?? null,
      created_by: input.actorKeyId,
      created_at: at,
    });
    await trx('deposit_batch_items').insert(
      cash.map((c) => ({ cash_payment_id: c.id, batch_id: batchId, agency_id: input.agencyId })),
    );
    await audit(trx, {
      agencyId: input.agencyId,
      actor: input.actorKeyId,
      action: 'deposit.batch_created',
      subjectType: 'deposit_batch',
      subjectId: batchId,
      data: { code, amount, count: cash.length, clerkKeyId: input.clerkKeyId },
      at,
    });
    return batchId;
  });
  return (await findDepositBatch(db, input.agencyId, id))!;
}

/** One of the agency's deposit batches with its items and the credit that proved it; another agency's reads as absent. */
export async function findDepositBatch(
  db: Db,
  agencyId: string,
  id: string,
): Promise<DepositBatch | undefined> {
  const batch = await db('deposit_batches as b')
    .leftJoin('collection_accounts as a', 'a.id', 'b.collection_account_id')
    .where({ 'b.id': id, 'b.agency_id': agencyId })
    .first('b.*', 'a.bank_bin', 'a.account_number', 'a.account_name');
  if (!batch) return undefined;
  const match = await db('deposit_matches as m')
    .join('bank_credits as c', 'c.id', 'm.credit_id')
    .where('m.batch_id', id)
    .first('m.matched_amount', 'm.outcome', 'c.id', 'c.amount', 'c.booked_at', 'c.bank_reference');
  const items = await db('deposit_batch_items as i')
    .join('cash_payments as cp', 'cp.id', 'i.cash_payment_id')
    .leftJoin('receipt_numbers as n', 'n.receipt_id', 'cp.receipt_id')
    .where('i.batch_id', id)
    .orderBy('cp.collected_at')
    .select(
      'cp.id',
      'cp.receipt_id',
      'cp.amount',
      'cp.payer_name',
      'cp.collected_at',
      'n.series',
      'n.number',
    );
  const amount = batch.amount;
  const outcome = match?.outcome as 'exact' | 'short' | 'excess' | undefined;
  return {
    id: batch.id,
    code: batch.code,
    clerkKeyId: batch.clerk_key_id,
    amount,
    count: batch.item_count,
    memo: `${batch.code} NOP TIEN THU HO`,
    depositTo: batch.account_number
      ? { bankBin: batch.bank_bin, accountNumber: batch.account_number, accountName: batch.account_name }
      : null,
    createdBy: batch.created_by,
    createdAt: new Date(batch.created_at).toISOString(),
    status: !outcome ? 'awaiting_credit' : outcome === 'exact' ? 'deposited' : outcome,
    credit: match
      ? {
          id: match.id,
          amount: match.amount,
          bookedAt: new Date(match.booked_at).toISOString(),
          bankReference: match.bank_reference ?? null,
          matchedAmount: match.matched_amount,
          outcome: match.outcome,
        }
      : null,
    difference: match ? match.amount - amount : null,
    items: items.map((row) => ({
      cashPaymentId: row.id,
      receiptId: row.receipt_id,
      receiptNumber:
        row.series != null ? formatReceiptNumber({ series: row.series, number: row.number }) : null,
      amount: row.amount,
      payerName: row.payer_name,
      collectedAt: new Date(row.collected_at).toISOString(),
    })),
  };
}
