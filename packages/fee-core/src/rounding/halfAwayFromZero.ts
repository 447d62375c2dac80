import type { Decimal } from 'decimal.js';

/**
 * Rounds to the nearest integer; an exact half goes away from zero (2.5 → 3, −2.5 → −3). What most people call "làm tròn".
 *
 * @example
 * halfAwayFromZero(new Decimal('2.5')).toNumber() // 3
 * @public
 */
export function halfAwayFromZero(value: Decimal): Decimal {
  const abs = value.abs();
  const r = abs.minus(abs.floor()).gte(0.5) ? abs.floor().plus(1) : abs.floor();
  return value.isNegative() ? r.negated() : r;
}
