import { describe, expect, it } from 'vitest';
import { assess, evaluateFormula, type FeeFormula, mergeSchedules, validateSchedule } from '../src/index.js';

const input = (quantities: Record<string, number>, channel: 'counter' | 'online' | 'postal' = 'counter') => ({
  quantities,
  labels: { pages: 'trang', copies: 'bản', value: 'đồng', persons: 'người' },
  channel,
});

describe('evaluateFormula: each formula kind', () => {
  it('flat', () => {
    expect(evaluateFormula({ type: 'flat', amount: 20000 }, input({})).amount).toBe(20000);
  });

  it('per unit', () => {
    expect(
      evaluateFormula({ type: 'per-unit', unit: 'persons', rate: 5000 }, input({ persons: 4 })).amount,
    ).toBe(20000);
  });

  it.each([
    [1, 2000],
    [2, 4000],
    [3, 5000],
    [198, 200000],
    [199, 200000],
    [10_000, 200000],
  ])('tiered per unit with a cap per copy: %d pages → %d', (pages, amount) => {
    const f: FeeFormula = {
      type: 'tiered',
      unit: 'pages',
      tiers: [
        { from: 1, to: 2, rate: 2000 },
        { from: 3, to: null, rate: 1000 },
      ],
      per: 'copies',
      cap: 200000,
    };
    expect(evaluateFormula(f, input({ pages, copies: 1 })).amount).toBe(amount);
    expect(evaluateFormula(f, input({ pages, copies: 3 })).amount).toBe(3 * amount);
  });

  describe('percentage with min, max and a named rounding', () => {
    // Shaped like the PCCC design-appraisal fee after the digital-citizen halving (min 250.000, max 75.000.000).
    const f = (rounding: 'down' | 'halfUp' | 'up'): FeeFormula => ({
      type: 'percentage',
      of: 'value',
      percent: '0.0123',
      min: 250_000,
      max: 75_000_000,
      rounding,
    });
    it.each([
      [1_000_000, 'down', 250_000], // 123 → min
      [10_000_000_000, 'down', 1_230_000],
      [10_000_000_001, 'down', 1_230_000], // 1_230_000.000123 → down
      [10_000_000_001, 'up', 1_230_001],
      [10_000_004_065, 'halfUp', 1_230_000], // 1_230_000.499995
      [10_000_004_066, 'halfUp', 1_230_001], // 1_230_000.500118
      [10_000_000_000_000, 'down', 75_000_000], // max
    ] as const)('%d at %s → %d', (value, mode, amount) => {
      expect(evaluateFormula(f(mode), input({ value })).amount).toBe(amount);
    });
    it('warns when it rounds without a cited rule, and not when it does not round', () => {
      expect(evaluateFormula(f('down'), input({ value: 10_000_000_001 })).warnings).toHaveLength(1);
      expect(evaluateFormula(f('down'), input({ value: 10_000_000_000 })).warnings).toHaveLength(0);
      const cited: FeeFormula = { ...f('down'), roundingBasis: { document: 'Thông tư X' } } as FeeFormula;
      expect(evaluateFormula(cited, input({ value: 10_000_000_001 })).warnings).toHaveLength(0);
    });
  });

  it('channel-specific rates, postal falling back to counter', () => {
    const f: FeeFormula = {
      type: 'by-channel',
      counter: { type: 'flat', amount: 15000 },
      online: { type: 'flat', amount: 7000 },
    };
    expect(evaluateFormula(f, input({}, 'counter')).amount).toBe(15000);
    expect(evaluateFormula(f, input({}, 'online')).amount).toBe(7000);
    expect(evaluateFormula(f, input({}, 'postal')).amount).toBe(15000);
  });

  it('free by law', () => {
    const r = evaluateFormula({ type: 'free' }, input({}));
    expect(r).toMatchObject({ amount: 0, free: true });
  });
});

describe('rules: amount-off, percent-off, set-to-zero, most favourable wins', () => {
  const layer = validateSchedule({
    id: 'thu',
    name: 'Thử',
    level: 'national',
    jurisdiction: 'Thử',
    categories: { a: { label: 'A' }, b: { label: 'B' }, c: { label: 'C' }, d: { label: 'D' } },
    fees: [
      {
        id: 'phi-thu',
        name: 'Phí thử',
        kind: 'phi',
        collectingLevel: ['commune'],
        basis: { document: 'QĐ thử' },
        values: [{ from: '2024-01-01', to: null, formula: { type: 'flat', amount: 33333 } }],
      },
    ],
    rules: [
      {
        id: 'giam-tien',
        name: 'Giảm 10.000',
        procedures: ['phi-thu'],
        when: { anyCategory: ['a'] },
        from: '2024-01-01',
        to: null,
        effect: { type: 'amount-off', amount: 10000 },
        basis: { document: 'QĐ 1' },
      },
      {
        id: 'giam-phan-tram',
        name: 'Giảm 50%',
        procedures: ['phi-thu'],
        when: { anyCategory: ['b'], channels: ['online'] },
        from: '2024-01-01',
        to: '2024-12-31',
        effect: { type: 'percent-off', percent: 50, rounding: 'up' },
        basis: { document: 'QĐ 2' },
      },
      {
        id: 'mien',
        name: 'Miễn',
        procedures: ['phi-thu'],
        when: { allCategories: ['a', 'c'] },
        from: '2024-01-01',
        to: null,
        effect: { type: 'set-to-zero' },
        basis: { document: 'QĐ 3' },
      },
      {
        id: 'giam-qua-muc',
        name: 'Giảm nhiều hơn mức thu',
        procedures: ['phi-thu'],
        when: { anyCategory: ['d'] },
        from: '2024-01-01',
        to: null,
        effect: { type: 'amount-off', amount: 1_000_000 },
        basis: { document: 'QĐ 4' },
      },
    ],
  });
  const set = mergeSchedules(layer);
  const run = (categories: string[], channel: 'counter' | 'online' = 'counter', date = '2024-06-01') =>
    assess(set, { date, channel, applicant: { categories }, items: [{ procedure: 'phi-thu' }] }).lines[0]!;

  it.each([
    [[], 'counter', '2024-06-01', 33333, undefined],
    [['a'], 'counter', '2024-06-01', 23333, 'giam-tien'],
    [['b'], 'counter', '2024-06-01', 33333, undefined], // online only
    [['b'], 'online', '2024-06-01', 16667, 'giam-phan-tram'], // 16666.5 rounded up by the rule's named mode
    [['b'], 'online', '2025-01-01', 33333, undefined], // window over
    [['a', 'b'], 'online', '2024-06-01', 16667, 'giam-phan-tram'], // better of the two, not both
    [['a', 'c'], 'counter', '2024-06-01', 0, 'mien'],
    [['c'], 'counter', '2024-06-01', 33333, undefined], // allCategories needs both
    [['d'], 'counter', '2024-06-01', 0, 'giam-qua-muc'], // never negative
  ] as const)('%j %s %s → %d by %s', (cats, channel, date, amount, rule) => {
    const line = run([...cats], channel, date);
    expect(line.amount).toBe(amount);
    expect(line.adjustments[0]?.rule).toBe(rule);
    if (rule) expect(line.adjustments[0]!.amount).toBe(amount - 33333);
  });
});
