// Properties of exemptions and reductions on generated schedules: a preference never raises a fee; the most
// favourable one wins and they never stack (TT 117/2026/TT-BTC Điều 2 khoản 2); an assessment made with one
// version is unchanged by a later version.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  administrativeUnit,
  assess,
  type Channel,
  mergeSchedules,
  resolveSchedules,
  scheduleSetHash,
  validateSchedule,
} from '../src/index.js';

const CATS = ['a', 'b', 'c', 'd'] as const;
const channelArb = fc.constantFrom<Channel>('counter', 'online', 'postal');

const effectArb = fc.oneof(
  fc.constant({ type: 'set-to-zero' as const }),
  fc.record({ type: fc.constant('amount-off' as const), amount: fc.integer({ min: 0, max: 500_000 }) }),
  fc.record({
    type: fc.constant('percent-off' as const),
    percent: fc.integer({ min: 1, max: 100 }),
    rounding: fc.constantFrom('down', 'up', 'halfUp', 'halfEven'),
  }),
);

const ruleArb = fc.record({
  effect: effectArb,
  anyCategory: fc.option(fc.subarray([...CATS], { minLength: 1 }), { nil: undefined }),
  channels: fc.option(fc.subarray<Channel>(['counter', 'online', 'postal'], { minLength: 1 }), {
    nil: undefined,
  }),
});

type RuleSpec = {
  effect:
    | { type: 'set-to-zero' }
    | { type: 'amount-off'; amount: number }
    | { type: 'percent-off'; percent: number; rounding: string };
  anyCategory: string[] | undefined;
  channels: Channel[] | undefined;
};

function layer(base: number, rules: readonly RuleSpec[], id = 'x') {
  return validateSchedule({
    id,
    name: 'Thử',
    level: 'national',
    jurisdiction: 'VN',
    categories: Object.fromEntries(CATS.map((c) => [c, { label: c }])),
    fees: [
      {
        id: 'f',
        name: 'Phí thử',
        kind: 'phi',
        tags: ['t'],
        collectingLevel: ['commune'],
        basis: { document: 'D' },
        values: [{ from: '2020-01-01', to: null, formula: { type: 'flat', amount: base } }],
      },
    ],
    rules: rules.map((r, i) => ({
      id: `r${i}`,
      name: `Quy định ${i}`,
      tags: ['t'],
      when: {
        ...(r.anyCategory ? { anyCategory: r.anyCategory } : {}),
        ...(r.channels ? { channels: r.channels } : {}),
      },
      from: '2020-01-01',
      to: null,
      effect: r.effect,
      basis: { document: `VB ${i}` },
    })),
  });
}

// Independent expectation: each rule on its own, computed here with integer arithmetic only.
function alone(effect: RuleSpec['effect'], base: number): number | undefined {
  switch (effect.type) {
    case 'set-to-zero':
      return 0;
    case 'amount-off':
      return Math.max(0, base - effect.amount);
    case 'percent-off': {
      const num = base * (100 - effect.percent); // exact: base ≤ 1e9, so < 2^53
      const q = Math.floor(num / 100);
      const r = num % 100;
      if (r === 0) return q;
      if (effect.rounding === 'down') return q;
      if (effect.rounding === 'up') return q + 1;
      if (r > 50) return q + 1;
      if (r < 50) return q;
      return effect.rounding === 'halfUp' ? q + 1 : q % 2 === 0 ? q : q + 1;
    }
  }
  return undefined;
}

const applies = (r: RuleSpec, cats: readonly string[], channel: Channel) =>
  (r.anyCategory === undefined || r.anyCategory.some((c: string) => cats.includes(c))) &&
  (r.channels === undefined || r.channels.includes(channel));

const caseArb = fc.record({
  base: fc.integer({ min: 0, max: 1_000_000_000 }),
  rules: fc.array(ruleArb, { maxLength: 6 }),
  cats: fc.subarray([...CATS]),
  channel: channelArb,
});

describe('preferences (properties)', () => {
  it('the most favourable applicable preference wins, alone: amount = min(base, each rule alone)', () => {
    fc.assert(
      fc.property(caseArb, ({ base, rules, cats, channel }) => {
        const set = mergeSchedules(layer(base, rules));
        const a = assess(set, {
          date: '2026-12-04',
          channel,
          applicant: { categories: cats },
          items: [{ procedure: 'f' }],
        });
        const line = a.lines[0]!;
        const candidates = rules.filter((r) => applies(r, cats, channel)).map((r) => alone(r.effect, base)!);
        const expected = base === 0 ? 0 : Math.min(base, ...candidates);
        expect(line.amount).toBe(expected);
        expect(line.adjustments.length).toBeLessThanOrEqual(1); // never stacked
        expect(line.baseAmount + line.adjustments.reduce((s, x) => s + x.amount, 0)).toBe(line.amount);
      }),
      { numRuns: 400 },
    );
  });

  it('an exemption or reduction never raises a fee: more categories never cost more', () => {
    fc.assert(
      fc.property(caseArb, fc.subarray([...CATS]), ({ base, rules, cats, channel }, more) => {
        const set = mergeSchedules(layer(base, rules));
        const price = (categories: string[]) =>
          assess(set, { date: '2026-12-04', channel, applicant: { categories }, items: [{ procedure: 'f' }] })
            .total;
        const none = price([]);
        const some = price(cats);
        const all = price([...new Set([...cats, ...more])]);
        expect(none).toBeLessThanOrEqual(base);
        expect(some).toBeLessThanOrEqual(none);
        expect(all).toBeLessThanOrEqual(some);
      }),
      { numRuns: 300 },
    );
  });

  it('an assessment made with one version is unchanged by a new version (and re-assessing with the old hash gives it again)', () => {
    const unit = administrativeUnit({ province: 'lai-chau' });
    fc.assert(
      fc.property(caseArb, caseArb, ({ base, rules, cats, channel }, next) => {
        const v1 = resolveSchedules([layer(base, rules)], unit);
        const req = {
          date: '2026-12-04',
          channel,
          applicant: { categories: cats },
          items: [{ procedure: 'f' }],
        };
        const stored = assess(v1, req);
        const snapshot = structuredClone(stored);
        const hash = scheduleSetHash(v1);
        const v2 = resolveSchedules([layer(next.base, next.rules)], unit);
        assess(v2, req);
        expect(stored).toEqual(snapshot);
        expect(scheduleSetHash(v1)).toBe(hash);
        expect(assess(v1, req)).toEqual(snapshot);
      }),
      { numRuns: 200 },
    );
  });
});
