/** @module Gap-free receipt numbers: one series per agency, numbered inside the paying transaction. */
import type { Knex } from 'knex';
import { toVnd } from '../db/money.js';

export interface ReceiptNumber {
  series: string;
  number: number;
}

/**
 * Assigns the next number of the agency's series to a receipt. Must run inside the transaction
 * that records the payment: the series row stays locked until it commits, so concurrent payments
 * queue here and a rolled-back payment gives its number back (no gap, no duplicate).
 */
export async function assignReceiptNumber(
  trx: Knex.Transaction,
  agencyId: string,
  receiptId: string,
  at: Date,
): Promise<ReceiptNumber> {
  const agency = await trx('agencies').where({ id: agencyId }).first('receipt_series');
  const series: string = agency.receipt_series;
  await trx('receipt_series')
    .insert({ agency_id: agencyId, series, next_number: 1 })
    .onConflict(['agency_id', 'series'])
    .ignore();
  const row = await trx('receipt_series')
    .where({ agency_id: agencyId, series })
    .forUpdate()
    .first('next_number');
  const number = toVnd(row.next_number);
  await trx('receipt_series')
    .where({ agency_id: agencyId, series })
    .update({ next_number: number + 1 });
  await trx('receipt_numbers').insert({
    receipt_id: receiptId,
    agency_id: agencyId,
    series,
    number,
    assigned_at: at,
  });
  return { series, number };
}

/** Printed form, e.g. `BLTP-26 0000042`. */
export function formatReceiptNumber(n: ReceiptNumber): string {
  return `${n.series} ${String(n.number).padStart(7, '0')}`;
}
