import type { Decimal } from 'decimal.js';

/**
 * Rounds to the nearest integer; an exact half goes to the even neighbour (banker's rounding: 2.5 → 2, 3.5 → 4). Unbiased over many roundings.
 *
 * @example
 * halfEven(new Decimal('2.5')).toNumber() // 2
 * @public
 */
export function halfEven(value: Decimal): Decimal {
  const floor = value.floor();
  const diff = value.minus(floor);
  if (diff.lt(0.5)) return floor;
  if (diff.gt(0.5)) return floor.plus(1);
  return floor.mod(2).eq(0) ? floor : floor.plus(1);
}
