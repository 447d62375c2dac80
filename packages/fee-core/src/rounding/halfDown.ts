import type { Decimal } from 'decimal.js';

/**
 * Rounds to the nearest integer; an exact half goes towards −∞ (2.5 → 2, −2.5 → −3).
 *
 * @example
 * halfDown(new Decimal('2.5')).toNumber() // 2
 * @public
 */
export function halfDown(value: Decimal): Decimal {
  const ceil = value.ceil();
  return ceil.minus(value).gte(0.5) ? ceil.minus(1) : ceil;
}
