import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUNDING_MODES, type RoundingMode, roundVnd } from '../src/index.js';

const table: [string, Record<RoundingMode, number>][] = [
  [
    '2.5',
    {
      up: 3,
      down: 2,
      halfUp: 3,
      halfDown: 2,
      halfEven: 2,
      halfOdd: 3,
      halfAwayFromZero: 3,
      halfTowardsZero: 2,
    },
  ],
  [
    '3.5',
    {
      up: 4,
      down: 3,
      halfUp: 4,
      halfDown: 3,
      halfEven: 4,
      halfOdd: 3,
      halfAwayFromZero: 4,
      halfTowardsZero: 3,
    },
  ],
  [
    '-2.5',
    {
      up: -2,
      down: -3,
      halfUp: -2,
      halfDown: -3,
      halfEven: -2,
      halfOdd: -3,
      halfAwayFromZero: -3,
      halfTowardsZero: -2,
    },
  ],
  [
    '2.4',
    {
      up: 3,
      down: 2,
      halfUp: 2,
      halfDown: 2,
      halfEven: 2,
      halfOdd: 2,
      halfAwayFromZero: 2,
      halfTowardsZero: 2,
    },
  ],
  [
    '2.6',
    {
      up: 3,
      down: 2,
      halfUp: 3,
      halfDown: 3,
      halfEven: 3,
      halfOdd: 3,
      halfAwayFromZero: 3,
      halfTowardsZero: 3,
    },
  ],
  [
    '7',
    {
      up: 7,
      down: 7,
      halfUp: 7,
      halfDown: 7,
      halfEven: 7,
      halfOdd: 7,
      halfAwayFromZero: 7,
      halfTowardsZero: 7,
    },
  ],
  [
    '6172.835',
    {
      up: 6173,
      down: 6172,
      halfUp: 6173,
      halfDown: 6173,
      halfEven: 6173,
      halfOdd: 6173,
      halfAwayFromZero: 6173,
      halfTowardsZero: 6173,
    },
  ],
];

describe('rounding modes', () => {
  for (const [value, expected] of table) {
    for (const mode of Object.keys(ROUNDING_MODES) as RoundingMode[]) {
      it(`${mode}(${value}) = ${expected[mode]}`, () => {
        expect(roundVnd(value, mode)).toBe(expected[mode]);
      });
    }
  }

  it('every mode returns an integer within 1 of the input (property)', () => {
    const decimalArb = fc
      .tuple(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 999 }))
      .map(([i, f]) => new Decimal(i).plus(new Decimal(f).div(1000)));
    fc.assert(
      fc.property(
        decimalArb,
        fc.constantFrom(...(Object.keys(ROUNDING_MODES) as RoundingMode[])),
        (d, mode) => {
          const r = ROUNDING_MODES[mode](d);
          return r.isInteger() && r.minus(d).abs().lt(1);
        },
      ),
    );
  });

  it('half modes are within ½ (property)', () => {
    const decimalArb = fc.integer({ min: -1e9, max: 1e9 }).map((n) => new Decimal(n).div(8));
    const half: RoundingMode[] = [
      'halfUp',
      'halfDown',
      'halfEven',
      'halfOdd',
      'halfAwayFromZero',
      'halfTowardsZero',
    ];
    fc.assert(
      fc.property(decimalArb, fc.constantFrom(...half), (d, mode) =>
        ROUNDING_MODES[mode](d).minus(d).abs().lte(0.5),
      ),
    );
  });
});
