/** @module The custody read: cash each clerk holds, with the name of the person last recorded under the key. */
import type { Knex } from 'knex';
import { type ClerkCustody, cashInCustody } from '../ledger/custody.js';

export interface ClerkCustodyReport extends ClerkCustody {
  /** The name written on the clerk's latest cash record (a shared counter key carries one each time). */
  clerkName: string | null;
}

/**
 * Cash in custody at `at` per clerk, largest first, each with the clerk's latest recorded name.
 *
 * @example
 * const items = await custodyReport(db, 'demo', new Date());
 */
export async function custodyReport(db: Knex, agencyId: string, at: Date): Promise<ClerkCustodyReport[]> {
  const custody = await cashInCustody(db, agencyId, at);
  const names = new Map<string, string>();
  if (custody.length > 0) {
    const rows = await db('cash_payments')
      .where({ agency_id: agencyId })
      .whereIn(
        'clerk_key_id',
        custody.map((c) => c.clerkKeyId),
      )
      .whereNotNull('clerk_name')
      .orderBy('collected_at', 'desc')
      .select('clerk_key_id', 'clerk_name');
    for (const row of rows) if (!names.has(row.clerk_key_id)) names.set(row.clerk_key_id, row.clerk_name);
  }
  return custody
    .map((c) => ({ ...c, clerkName: names.get(c.clerkKeyId) ?? null }))
    .sort((a, b) => b.amount - a.amount);
}
