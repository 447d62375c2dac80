/**
 * @module One transfer told twice — by a provider's callback and by a statement line — when the two
 * do not share the bank's reference. Both paths take one transaction-scoped advisory lock per
 * (agency, account, amount) before they write or look for the other's record, so a statement import
 * never misses a callback credit that is being recorded at the same moment. Callbacks take it
 * shared (fees repeat: many payments of one amount must not queue behind each other), the import
 * exclusive (it waits for every callback of that money in flight, and they for it).
 */
import type { Knex } from 'knex';

/**
 * The lock's key, as SQL text to hash: every credit of this amount to this account of this agency
 * shares it. `hashtextextended` makes it the 64-bit key `pg_advisory_xact_lock` takes.
 */
export function sameMoneyKey(agencyId: string, accountNumber: string, amount: number): string {
  return `thuphi:same-money:${agencyId}:${accountNumber}:${amount}`;
}

/** SQL taking the lock for the named binding `:sameMoneyKey`, held until COMMIT. */
const lockSql = (mode: 'shared' | 'exclusive') =>
  `SELECT pg_advisory_xact_lock${mode === 'shared' ? '_shared' : ''}(hashtextextended(:sameMoneyKey, 0))`;

/** The lock taken shared, as a callback does (inside the statement that records its credit). */
export const SAME_MONEY_SHARED_LOCK_SQL = lockSql('shared');

/**
 * Takes the same-money lock exclusively inside `trx`, as a statement import does before it looks for
 * a callback's credit; released when it commits or rolls back.
 *
 * @example
 * await lockSameMoney(trx, 'demo', '1023456789', 7000);
 */
export async function lockSameMoney(
  trx: Knex.Transaction,
  agencyId: string,
  accountNumber: string,
  amount: number,
): Promise<void> {
  await trx.raw(lockSql('exclusive'), {
    sameMoneyKey: sameMoneyKey(agencyId, accountNumber, amount),
  });
}
