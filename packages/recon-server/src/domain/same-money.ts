/**
 * @module One transfer told twice — by a provider's callback and by a statement line — when the two
 * do not share the bank's reference. Both paths take one transaction-scoped advisory lock per
 * (agency, account, amount) before they write or look for the other's record, so a statement import
 * never misses a callback credit that is being recorded at the same moment.
 */
import type { Knex } from 'knex';

/**
 * The lock's key, as SQL text to hash: every credit of this amount to this account of this agency
 * shares it. `hashtextextended` makes it the 64-bit key `pg_advisory_xact_lock` takes.
 */
export function sameMoneyKey(agencyId: string, accountNumber: string, amount: number): string {
  return `thuphi:same-money:${agencyId}:${accountNumber}:${amount}`;
}

/** SQL that takes the lock for the named binding `:sameMoneyKey`, held until COMMIT. */
export const SAME_MONEY_LOCK_SQL = 'SELECT pg_advisory_xact_lock(hashtextextended(:sameMoneyKey, 0))';

/**
 * Takes the same-money lock inside `trx`; released when it commits or rolls back.
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
  await trx.raw(SAME_MONEY_LOCK_SQL, { sameMoneyKey: sameMoneyKey(agencyId, accountNumber, amount) });
}
