import type { Decimal } from 'decimal.js';

/**
 * Rounds to the nearest integer; an exact half goes towards zero (2.5 → 2, −2.5 → −2).
 *
 * @example
 * halfTowardsZero(new Decimal('2.5')).toNumber() // 2
 * @public
 */
export function halfTowardsZero(value: Decimal): Decimal {
  const abs = value.abs();
  const r = abs.ceil().minus(abs).gte(0.5) ? abs.ceil().minus(1) : abs.ceil();
  return value.isNegative() ? r.negated() : r;
}
