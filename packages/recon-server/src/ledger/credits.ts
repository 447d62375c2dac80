/** @module Bank credits: idempotent recording of money that reached a collection account. */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { prepared } from '../db/prepared.js';
import { AppError } from '../shared/errors.js';
import { SAME_MONEY_SHARED_LOCK_SQL, sameMoneyKey } from './same-money.js';

/**
 * Largest amount accepted in one credit: 10^13 đ; anything above is refused as a sender's error.
 * (A VietQR request carries at most 9.999.999.999.999 đ, 13 digits; a credit is not bound by the
 * QR field, so exactly 10^13 passes, and a test pins that boundary.)
 */
export const MAX_CREDIT_VND = 10_000_000_000_000;

/** One incoming transfer, normalised from whichever provider or statement reported it. */
export interface BankCredit {
  provider: string;
  providerTxnId: string;
  accountNumber: string;
  amount: number;
  memo: string;
  bookedAt: Date;
  /**
   * The bank's own reference for the transfer (FT…, AcctSvcrRef), when the source gives it: the same
   * money seen by a callback and by a statement line is recognised by it.
   */
  bankReference?: string | undefined;
}

export type RecordOutcome =
  | { status: 'recorded'; creditId: string }
  | { status: 'duplicate'; creditId: string };

/** The credit already known under the same provider id, or the same bank reference on the account. */
async function findKnownCredit(trx: Knex.Transaction, agencyId: string, credit: BankCredit) {
  const byProvider = await trx('bank_credits')
    .where({ agency_id: agencyId, provider: credit.provider, provider_txn_id: credit.providerTxnId })
    .first('id', 'amount', 'account_number');
  if (byProvider || !credit.bankReference) return byProvider;
  return trx('bank_credits')
    .where({
      agency_id: agencyId,
      account_number: credit.accountNumber,
      bank_reference: credit.bankReference,
    })
    .first('id', 'amount', 'account_number');
}

export interface RecordOptions {
  /**
   * Also settles the raw callback the credit came in (`rawCallbackId`), in the same transaction:
   * `accepted` when the credit is new, `ifDuplicate` when it was already known. For the last credit
   * of a callback, so the outcome commits with the credit instead of in a transaction of its own.
   */
  settleRawCallback?: { ifDuplicate: 'accepted' | 'duplicate' };
}

/**
 * One round trip to start an ingest: the same-money lock, shared (a statement import looking for
 * this transfer then waits for this transaction instead of reading past it), the credit unless already
 * known (no conflict target: either unique key, provider id or bank reference, means "already
 * known"), its audit entry, and the raw callback's outcome when asked to.
 */
const RECORD_CREDIT_SQL = `
  WITH same_money AS (${SAME_MONEY_SHARED_LOCK_SQL}),
  credit AS (
    INSERT INTO bank_credits (id, agency_id, provider, provider_txn_id, account_number, amount, memo,
      booked_at, bank_reference, raw_callback_id, created_at)
    SELECT :id, :agencyId, :provider, :providerTxnId, :accountNumber, CAST(:amount AS bigint), :memo,
      CAST(:bookedAt AS timestamptz), :bankReference, CAST(:rawCallbackId AS uuid), :now
    FROM same_money
    ON CONFLICT DO NOTHING
    RETURNING id
  ),
  audited AS (
    INSERT INTO audit_events (agency_id, actor, action, subject_type, subject_id, data, created_at)
    SELECT :agencyId, :actor, 'credit.recorded', 'credit', id::text, CAST(:auditData AS jsonb), :now
    FROM credit
  ),
  settled AS (
    UPDATE raw_callbacks
    SET outcome = CASE WHEN EXISTS (SELECT 1 FROM credit) THEN 'accepted' ELSE :ifDuplicate END
    WHERE id = :rawCallbackId AND :settle
  )
  SELECT id FROM credit`;

/**
 * Records a credit inside the caller's transaction. The same money delivered again (the same provider
 * id, or the same bank reference from another source, even concurrently) yields the existing credit;
 * with a different amount or account it is a conflict, never an overwrite.
 *
 * @example
 * const outcome = await recordCredit(trx, 'demo', credit, rawId, clock.now(), {
 *   settleRawCallback: { ifDuplicate: 'duplicate' },
 * });
 */
export async function recordCredit(
  trx: Knex.Transaction,
  agencyId: string,
  credit: BankCredit,
  rawCallbackId: string | null,
  now: Date,
  options: RecordOptions = {},
): Promise<RecordOutcome> {
  const result = await prepared(
    'record_credit',
    trx.raw(RECORD_CREDIT_SQL, {
      id: randomUUID(),
      agencyId,
      provider: credit.provider,
      providerTxnId: credit.providerTxnId,
      accountNumber: credit.accountNumber,
      amount: credit.amount,
      memo: credit.memo,
      bookedAt: credit.bookedAt,
      bankReference: credit.bankReference ?? null,
      rawCallbackId,
      now,
      actor: `system:${credit.provider}`,
      auditData: JSON.stringify({
        providerTxnId: credit.providerTxnId,
        amount: credit.amount,
        accountNumber: credit.accountNumber,
      }),
      ifDuplicate: options.settleRawCallback?.ifDuplicate ?? 'duplicate',
      settle: options.settleRawCallback !== undefined && rawCallbackId !== null,
      sameMoneyKey: sameMoneyKey(agencyId, credit.accountNumber, credit.amount),
    }),
  );
  const creditId = (result.rows as { id: string }[])[0]?.id;
  if (!creditId) {
    const existing = await findKnownCredit(trx, agencyId, credit);
    if (!existing) throw new Error('credit insert was ignored but no existing credit was found');
    if (existing.amount !== credit.amount || existing.account_number !== credit.accountNumber) {
      throw new AppError('credit_conflict', {
        detail: `transaction ${credit.providerTxnId} was recorded with amount ${existing.amount} to account ${existing.account_number}`,
      });
    }
    return { status: 'duplicate', creditId: existing.id };
  }
  return { status: 'recorded', creditId };
}
