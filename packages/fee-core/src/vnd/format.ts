/**
 * Groups the digits of an integer with dots, the Vietnamese way: `1234000` → `1.234.000`.
 * Works on the decimal string so no float is involved.
 */
export function groupDigits(amount: number): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Not a safe integer amount of VND: ${amount}`);
  const digits = String(Math.abs(amount));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return amount < 0 ? `-${grouped}` : grouped;
}

/**
 * Formats integer VND the way receipts and counters show it: dot-grouped digits, a space, `₫`.
 *
 * @param amount - integer đồng (a safe integer; negative amounts get a leading `-`)
 * @throws RangeError if `amount` is not a safe integer
 * @example
 * formatVnd(1234000) // '1.234.000 ₫'
 * @public
 */
export function formatVnd(amount: number): string {
  return `${groupDigits(amount)} ₫`;
}
