import type { Decimal } from 'decimal.js';

/**
 * Rounds towards +∞ (ceiling). For a fee this favours the collector by at most 1 đồng.
 *
 * @example
 * up(new Decimal('2.1')).toNumber() // 3
 * @public
 */
export function up(value: Decimal): Decimal {
  return value.ceil();
}
