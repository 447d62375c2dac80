/**
 * @module Cash in custody: what each clerk has recorded at the counter and not yet put in a deposit
 * batch, with the agency's deposit deadline applied. Read by the custody page and the daily report.
 */
import type { Knex } from 'knex';
import { AppError } from '../shared/errors.js';
import { type DepositRule, depositDeadline } from './deposit-rules.js';

type Db = Knex | Knex.Transaction;

/** The agency's deposit deadline rule (see {@link DepositRule} for its legal basis). */
export async function depositRuleOf(db: Db, agencyId: string): Promise<DepositRule> {
  const row = await db('agencies')
    .where({ id: agencyId })
    .first('cash_deposit_cadence', 'cash_deposit_grace_days');
  if (!row) throw new AppError('unknown_agency');
  return { cadence: row.cash_deposit_cadence, graceDays: row.cash_deposit_grace_days };
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
    const amount = row.amount;
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
