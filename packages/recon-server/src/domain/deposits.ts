/**
 * @module Cash custody and deposits: cash recorded at the counter stays with the clerk until a
 * deposit batch is made; the clerk deposits the batch's amount with its code in the memo, and the
 * bank credit carrying that code proves the deposit (many cash payments → one batch → one credit).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toVnd } from '../db/money.js';
import { AppError } from '../http/errors.js';
import { defaultCollectionAccount } from './agencies.js';
import { audit } from './audit.js';
import type { BankCredit } from './credits.js';
import {
  type DepositRule,
  depositBatchCode,
  depositDeadline,
  findDepositBatchCodes,
} from './deposit-rules.js';
import type { MatchResult } from './matching.js';
import { formatReceiptNumber } from './receipt-numbers.js';
import { hoChiMinhDate } from './receipts.js';

type Db = Knex | Knex.Transaction;

/** The agency's deposit deadline rule (see {@link DepositRule} for its legal basis). */
export async function depositRuleOf(db: Db, agencyId: string): Promise<DepositRule> {
  const row = await db('agencies')
    .where({ id: agencyId })
    .first('cash_deposit_cadence', 'cash_deposit_grace_days');
  if (!row) throw new AppError('unknown_agency');
  return { cadence: row.cash_deposit_cadence, graceDays: Number(row.cash_deposit_grace_days) };
}

export interface ClerkCustody {
  clerkKeyId: string;
  /** Cash recorded and not yet put in a deposit batch, in đồng. */
  amount: number;
  count: number;
  oldestCollectedAt: string;
  /** When the oldest cash had to be deposited by. */
  deadline: string;
  /** Some of the cash is held past the agency's deposit deadline. */
  overdue: boolean;
  overdueAmount: number;
  overdueCount: number;
}

/**
 * Cash in each clerk's custody at `at`: recorded by then and not in a deposit batch made by then,
 * with the agency's deadline applied. For the treasury page and the daily report.
 *
 * @example
 * const custody = await cashInCustody(db, 'demo', new Date());
 * const late = custody.filter((c) => c.overdue);
 */
export async function cashInCustody(db: Db, agencyId: string, at: Date): Promise<ClerkCustody[]> {
  const rule = await depositRuleOf(db, agencyId);
  const rows = await db('cash_payments as cp')
    .where('cp.agency_id', agencyId)
    .andWhere('cp.collected_at', '<=', at)
    .whereNotExists(
      db('deposit_batch_items as i')
        .join('deposit_batches as b', 'b.id', 'i.batch_id')
        .whereRaw('i.cash_payment_id = cp.id')
        .andWhere('b.created_at', '<=', at)
        .select(db.raw('1')),
    )
    .orderBy([{ column: 'cp.clerk_key_id' }, { column: 'cp.collected_at' }])
    .select('cp.clerk_key_id', 'cp.amount', 'cp.collected_at');
  const byClerk = new Map<string, ClerkCustody>();
  for (const row of rows) {
    const collectedAt = new Date(row.collected_at);
    const amount = toVnd(row.amount);
    const late = depositDeadline(collectedAt, rule).getTime() <= at.getTime();
    let entry = byClerk.get(row.clerk_key_id);
    if (!entry) {
      entry = {
        clerkKeyId: row.clerk_key_id,
        amount: 0,
        count: 0,
        oldestCollectedAt: collectedAt.toISOString(),
        deadline: depositDeadline(collectedAt, rule).toISOString(),
        overdue: false,
        overdueAmount: 0,
        overdueCount: 0,
      };
      byClerk.set(row.clerk_key_id, entry);
    }
    entry.amount += amount;
    entry.count += 1;
    if (late) {
      entry.overdue = true;
      entry.overdueAmount += amount;
      entry.overdueCount += 1;
    }
  }
  return [...byClerk.values()];
}

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
    const amount = cash.reduce((sum, c) => sum + toVnd(c.amount), 0);
    const date = hoChiMinhDate(at);
    const prefix = depositBatchCode(date, 1).slice(0, 8);
    const today = await trx('deposit_batches')
      .where({ agency_id: input.agencyId })
      .andWhere('code', 'like', `${prefix}%`)
      .count({ n: '*' })
      .first();
    const seq = Number(today?.n ?? 0) + 1;
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
  const amount = toVnd(batch.amount);
  const outcome = match?.outcome as 'exact' | 'short' | 'excess' | undefined;
  return {
    id: batch.id,
    code: batch.code,
    clerkKeyId: batch.clerk_key_id,
    amount,
    count: Number(batch.item_count),
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
          amount: toVnd(match.amount),
          bookedAt: new Date(match.booked_at).toISOString(),
          bankReference: match.bank_reference ?? null,
          matchedAmount: toVnd(match.matched_amount),
          outcome: match.outcome,
        }
      : null,
    difference: match ? toVnd(match.amount) - amount : null,
    items: items.map((row) => ({
      cashPaymentId: row.id,
      receiptId: row.receipt_id,
      receiptNumber:
        row.series != null ? formatReceiptNumber({ series: row.series, number: toVnd(row.number) }) : null,
      amount: toVnd(row.amount),
      payerName: row.payer_name,
      collectedAt: new Date(row.collected_at).toISOString(),
    })),
  };
}

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
  const batchAmount = toVnd(batch.amount);
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
