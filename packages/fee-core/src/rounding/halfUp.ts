import type { Decimal } from 'decimal.js';

/**
 * Rounds to the nearest integer; an exact half goes towards +∞ (2.5 → 3, −2.5 → −2).
 *
 * @example
 * halfUp(new Decimal('2.5')).toNumber() // 3
 * @public
 */
export function halfUp(value: Decimal): Decimal {
  const floor = value.floor();
  return value.minus(floor).gte(0.5) ? floor.plus(1) : floor;
}
