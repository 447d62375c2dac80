import type { Decimal } from 'decimal.js';

/**
 * Rounds to the nearest integer; an exact half goes to the odd neighbour (2.5 → 3, 3.5 → 3).
 *
 * @example
 * halfOdd(new Decimal('2.5')).toNumber() // 3
 * @public
 */
export function halfOdd(value: Decimal): Decimal {
  const floor = value.floor();
  const diff = value.minus(floor);
  if (diff.lt(0.5)) return floor;
  if (diff.gt(0.5)) return floor.plus(1);
  return floor.mod(2).eq(0) ? floor.plus(1) : floor;
}
