import type { Decimal } from 'decimal.js';

/**
 * Rounds towards −∞ (floor). The fee-rules recommendation for an uncited rounding: it never charges a citizen a fraction they do not owe.
 *
 * @example
 * down(new Decimal('2.9')).toNumber() // 2
 * @public
 */
export function down(value: Decimal): Decimal {
  return value.floor();
}
