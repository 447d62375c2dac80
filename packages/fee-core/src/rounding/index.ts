import { Decimal } from 'decimal.js';
import { down } from './down.js';
import { halfAwayFromZero } from './halfAwayFromZero.js';
import { halfDown } from './halfDown.js';
import { halfEven } from './halfEven.js';
import { halfOdd } from './halfOdd.js';
import { halfTowardsZero } from './halfTowardsZero.js';
import { halfUp } from './halfUp.js';
import { up } from './up.js';

export { down, halfAwayFromZero, halfDown, halfEven, halfOdd, halfTowardsZero, halfUp, up };

/** A rounding function: any real → the integer chosen by its rule. */
export type Rounding = (value: Decimal) => Decimal;

/** The rounding modes a schedule may name, by name. Schedules say which one applies; nothing is implied. */
export const ROUNDING_MODES = {
  up,
  down,
  halfUp,
  halfDown,
  halfEven,
  halfOdd,
  halfAwayFromZero,
  halfTowardsZero,
} as const satisfies Record<string, Rounding>;

/** Name of a rounding mode, as written in schedule files. */
export type RoundingMode = keyof typeof ROUNDING_MODES;

/** Vietnamese description of each mode, used in assessment explanations. */
export const ROUNDING_LABELS: Record<RoundingMode, string> = {
  up: 'làm tròn lên',
  down: 'làm tròn xuống',
  halfUp: 'làm tròn đến đồng gần nhất (0,5 làm tròn lên)',
  halfDown: 'làm tròn đến đồng gần nhất (0,5 làm tròn xuống)',
  halfEven: 'làm tròn đến đồng gần nhất (0,5 về số chẵn)',
  halfOdd: 'làm tròn đến đồng gần nhất (0,5 về số lẻ)',
  halfAwayFromZero: 'làm tròn đến đồng gần nhất (0,5 ra xa số 0)',
  halfTowardsZero: 'làm tròn đến đồng gần nhất (0,5 về phía số 0)',
};

/**
 * Rounds a decimal amount of đồng to an integer with the named mode.
 *
 * @example
 * roundVnd(new Decimal('10000.5'), 'halfEven') // 10000
 * @public
 */
export function roundVnd(value: Decimal.Value, mode: RoundingMode): number {
  return ROUNDING_MODES[mode](new Decimal(value)).toNumber();
}
