// Money invariants of assess(), checked on generated dossiers (STYLE.md §1.7).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AssessmentError,
  type AssessmentRequest,
  administrativeUnit,
  assess,
  type Channel,
  demoSchedules,
  schedulesFor,
} from '../src/index.js';

// The demo set (national + example province) and a real unit's (national only: Lai Châu has no sourced
// provincial rate), alternately.
const sets = [demoSchedules, schedulesFor(administrativeUnit({ province: 'lai-chau' }))];
const defaultSchedules = demoSchedules;

const procedures = [...defaultSchedules.fees.keys()];
const categories = [...new Set(sets.flatMap((s) => [...s.categories.keys()]))];

const dateArb = fc
  .date({ min: new Date('2016-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const channelArb = fc.constantFrom<Channel>('counter', 'online', 'postal');

// Quantities a clerk could type for a procedure: every declared one, within its minimum.
const itemArb = fc.constantFrom(...procedures).chain((procedure) => {
  const declared = defaultSchedules.fees.get(procedure)![0]!.fee.quantities;
  const entries = Object.entries(declared).map(
    ([name, q]) =>
      [
        name,
        name === 'value' ? fc.integer({ min: 0, max: 1e13 }) : fc.integer({ min: q.min, max: 500 }),
      ] as const,
  );
  return fc.record(Object.fromEntries(entries)).map((quantities) => ({ procedure, quantities }));
});

const requestArb: fc.Arbitrary<AssessmentRequest> = fc.record({
  date: dateArb,
  channel: channelArb,
  applicant: fc.record({ categories: fc.subarray(categories) }),
  items: fc.array(itemArb, { minLength: 1, maxLength: 6 }),
});

// No rate in force (a date before a text, a provincial rate not loaded) is a legitimate error; anything else is
// a bug.
function tryAssess(req: AssessmentRequest, set = sets[req.items.length % 2]!) {
  try {
    return assess(set, req);
  } catch (e) {
    if (e instanceof AssessmentError && e.code === 'RATE_NOT_SET') return undefined;
    throw e;
  }
}

describe('money invariants (properties)', () => {
  it('total = Σ line amounts; amounts are non-negative safe integers; adjustments explain the difference', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const a = tryAssess(req);
        if (a === undefined) return true;
        expect(a.total).toBe(a.lines.reduce((s, l) => s + l.amount, 0));
        expect(Number.isSafeInteger(a.total) && a.total >= 0).toBe(true);
        for (const l of a.lines) {
          expect(Number.isSafeInteger(l.amount) && l.amount >= 0).toBe(true);
          expect(l.amount).toBeLessThanOrEqual(l.baseAmount);
          expect(l.baseAmount + l.adjustments.reduce((s, x) => s + x.amount, 0)).toBe(l.amount);
          expect(l.adjustments.length).toBeLessThanOrEqual(1); // never stacked
          if (l.amount === 0) expect(l.exempt || l.baseAmount === 0).toBe(true);
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('copy certification is monotonic in pages and never above 200.000 đ per copy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 50 }),
        dateArb.filter((d) => d >= '2017-01-01'),
        (p1, p2, copies, date) => {
          const fee = (pages: number) =>
            assess(defaultSchedules, {
              date,
              items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies } }],
            }).total;
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          expect(fee(lo)).toBeLessThanOrEqual(fee(hi));
          expect(fee(hi)).toBeLessThanOrEqual(200000 * copies);
          expect(fee(lo) % copies).toBe(0); // each copy pays the same
          return true;
        },
      ),
    );
  });

  it('copy certification matches min(200000, 2000·min(p,2) + 1000·max(p−2,0)) per copy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 20 }), (p, copies) => {
        const expected = copies * Math.min(200000, 2000 * Math.min(p, 2) + 1000 * Math.max(p - 2, 0));
        const a = assess(defaultSchedules, {
          date: '2024-05-10',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: p, copies } }],
        });
        return a.total === expected;
      }),
    );
  });

  it('registration charge on land is within [0, 500 triệu] and monotonic in value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), fc.integer({ min: 0, max: 1e14 }), (v1, v2) => {
        const fee = (value: number) =>
          assess(defaultSchedules, {
            date: '2021-06-01',
            items: [{ procedure: 'le-phi-truoc-ba-nha-dat', quantities: { value } }],
          }).total;
        const [lo, hi] = v1 <= v2 ? [v1, v2] : [v2, v1];
        return fee(lo) <= fee(hi) && fee(hi) <= 500_000_000 && fee(lo) >= 0;
      }),
    );
  });

  it('adding an item never lowers the total', () => {
    fc.assert(
      fc.property(requestArb, itemArb, (req, extra) => {
        const a = tryAssess(req, demoSchedules);
        const b = tryAssess({ ...req, items: [...req.items, extra] }, demoSchedules);
        return a === undefined || b === undefined || b.total >= a.total;
      }),
      { numRuns: 200 },
    );
  });
});
