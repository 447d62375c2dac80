/** @module Bank credits: idempotent recording of money that reached a collection account. */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toVnd } from '../db/money.js';
import { AppError } from '../http/errors.js';
import { audit } from './audit.js';
import { type MatchResult, matchCredit } from './matching.js';

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

export type IngestOutcome =
  | { status: 'recorded'; creditId: string; match: MatchResult }
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

/**
 * Records a credit and runs the matching ladder, in one transaction. The same money delivered again
 * (the same provider id, or the same bank reference from another source, even concurrently) yields
 * the existing credit; with a different amount or account it is a conflict, never an overwrite.
 */
export async function ingestCredit(
  db: Knex,
  agencyId: string,
  credit: BankCredit,
  rawCallbackId: string | null,
  now: Date,
): Promise<IngestOutcome> {
  return db.transaction(async (trx) => {
    // No conflict target: either unique key (provider id, or bank reference) means "already known".
    const inserted: { id: string }[] = await trx('bank_credits')
      .insert({
        id: randomUUID(),
        agency_id: agencyId,
        provider: credit.provider,
        provider_txn_id: credit.providerTxnId,
        account_number: credit.accountNumber,
        amount: credit.amount,
        memo: credit.memo,
        booked_at: credit.bookedAt,
        bank_reference: credit.bankReference ?? null,
        raw_callback_id: rawCallbackId,
        created_at: now,
      })
      .onConflict()
      .ignore()
      .returning('id');
    const creditId = inserted[0]?.id;
    if (!creditId) {
      const existing = await findKnownCredit(trx, agencyId, credit);
      if (!existing) throw new Error('credit insert was ignored but no existing credit was found');
      if (toVnd(existing.amount) !== credit.amount || existing.account_number !== credit.accountNumber) {
        throw new AppError('credit_conflict', {
          detail: `transaction ${credit.providerTxnId} was recorded with amount ${toVnd(existing.amount)} to account ${existing.account_number}`,
        });
      }
      return { status: 'duplicate', creditId: existing.id };
    }
    await audit(trx, {
      agencyId,
      actor: `system:${credit.provider}`,
      action: 'credit.recorded',
      subjectType: 'credit',
      subjectId: creditId,
      data: {
        providerTxnId: credit.providerTxnId,
        amount: credit.amount,
        accountNumber: credit.accountNumber,
      },
      at: now,
    });
    const match = await matchCredit(trx, agencyId, { id: creditId, ...credit }, now);
    return { status: 'recorded', creditId, match };
  });
}
