/** @module The statement identity: opening + credits − debits = closing, and each running balance. */
import type { BalanceCheck, StatementRow } from './types.js';

/**
 * Checks the rows against the balances the file prints: the closing balance, and each row's
 * running balance when rows carry one. `null` when the file prints no balance at all.
 *
 * @example
 * checkBalances(rows, 19_077_000, 19_227_000); // { ok: true, … }
 */
export function checkBalances(
  rows: readonly StatementRow[],
  opening: number | undefined,
  closing: number | undefined,
): BalanceCheck | null {
  const withBalance = rows.filter((r) => r.balanceAfter !== undefined);
  const effect = (r: StatementRow) => (r.direction === 'credit' ? r.amount : -r.amount);
  // Without a printed opening balance, the first row's running balance gives it (and only the first's).
  const first = rows[0];
  const start =
    opening ?? (first?.balanceAfter !== undefined ? first.balanceAfter - effect(first) : undefined);
  if (start === undefined) return null;
  let credits = 0;
  let debits = 0;
  let running = start;
  let brokenAt: { line: number; expected: number; actual: number } | undefined;
  for (const row of rows) {
    if (row.direction === 'credit') credits += row.amount;
    else debits += row.amount;
    running += effect(row);
    if (!brokenAt && row.balanceAfter !== undefined && row.balanceAfter !== running) {
      brokenAt = { line: row.line, expected: row.balanceAfter, actual: running };
    }
  }
  const end = closing ?? withBalance[withBalance.length - 1]?.balanceAfter;
  if (end === undefined) return null;
  const base = { opening: start, credits, debits };
  if (brokenAt) return { ok: false, ...base, ...brokenAt };
  return { ok: end === running, ...base, expected: end, actual: running };
}
