/** @module Gap-free receipt numbers: one series per agency, numbered inside the paying transaction. */
import type { Knex } from 'knex';

export interface ReceiptNumber {
  series: string;
  number: number;
}

/**
 * The two CTE steps that number a receipt, for statements that do more in the same round trip:
 * `taken` moves the agency's counter on (creating the series at 1 on first use) and `numbered`
 * records the number, returning `series, number`. The upsert increments the series row in place,
 * which locks it (ON CONFLICT DO UPDATE) until COMMIT. Nothing is taken when `condition` (SQL) is
 * false. Named bindings: `:agencyId`, `:receiptId`, `:at`.
 *
 * @example
 * await trx.raw(`WITH ${numberingSteps('true')} SELECT series, number FROM numbered`, { agencyId, receiptId, at });
 */
export function numberingSteps(condition: string): string {
  return `taken AS (
       INSERT INTO receipt_series (agency_id, series, next_number)
       SELECT id, receipt_series, 2 FROM agencies WHERE id = :agencyId AND (${condition})
       ON CONFLICT (agency_id, series) DO UPDATE SET next_number = receipt_series.next_number + 1
       RETURNING series, next_number - 1 AS number
     ),
     numbered AS (
       INSERT INTO receipt_numbers (receipt_id, agency_id, series, number, assigned_at)
       SELECT :receiptId, :agencyId, series, number, :at FROM taken
       RETURNING series, number
     )`;
}

/**
 * Assigns the next number of the agency's series to a receipt. Must run inside the transaction
 * that records the payment: the series row stays locked until it commits, so concurrent payments
 * queue here and a rolled-back payment gives its number back (no gap, no duplicate). Every other
 * payment of the agency waits on that lock until this transaction's COMMIT, so call it as late as
 * possible: one statement takes the lock, moves the counter on and records the number.
 *
 * @example
 * const n = await assignReceiptNumber(trx, 'demo', receiptId, clock.now()); // { series: 'BLTP-26', number: 42 }
 */
export async function assignReceiptNumber(
  trx: Knex.Transaction,
  agencyId: string,
  receiptId: string,
  at: Date,
): Promise<ReceiptNumber> {
  const result = await trx.raw(`WITH ${numberingSteps('true')} SELECT series, number FROM numbered`, {
    agencyId,
    receiptId,
    at,
  });
  const row = (result.rows as ReceiptNumber[])[0];
  if (!row) throw new Error(`agency ${agencyId} does not exist: no receipt series to number from`);
  return { series: row.series, number: row.number };
}

/** Printed form, e.g. `BLTP-26 0000042`. */
export function formatReceiptNumber(n: ReceiptNumber): string {
  return `${n.series} ${String(n.number).padStart(7, '0')}`;
}
