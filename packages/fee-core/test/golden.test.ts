// Golden cases (test/fixtures/golden-cases.json): one per shipped value, each quoting its article. Expected
// results come from the file only; nothing here restates them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AdministrativeUnitInput,
  AssessmentError,
  type AssessmentRequest,
  administrativeUnit,
  assess,
  schedulesFor,
} from '../src/index.js';

interface GoldenCase {
  id: string;
  title: string;
  unit?: AdministrativeUnitInput;
  request: AssessmentRequest;
  expected: { total?: number; error?: { code: string; setBy: string }; cites: string; warning?: boolean };
  basis: string;
  quote: string;
  confidence: string;
}

const { cases } = JSON.parse(
  readFileSync(new URL('./fixtures/golden-cases.json', import.meta.url), 'utf8'),
) as {
  cases: GoldenCase[];
};

describe('golden cases', () => {
  it('every case quotes its article and names its confidence', () => {
    expect(cases.length).toBeGreaterThan(50);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(c.quote.length, c.id).toBeGreaterThan(10);
      expect(['primary', 'secondary', 'secondary-ocr', 'unverified'], c.id).toContain(c.confidence);
    }
  });

  for (const c of cases) {
    it(`${c.id}: ${c.title}`, () => {
      const set = schedulesFor(administrativeUnit(c.unit ?? { province: 'lai-chau' }));
      if (c.expected.error !== undefined) {
        let error: unknown;
        try {
          assess(set, c.request);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(AssessmentError);
        const e = error as AssessmentError;
        expect(e.code).toBe(c.expected.error.code);
        expect(e.details?.setBy).toBe(c.expected.error.setBy);
        expect(e.message).toContain(c.expected.error.setBy);
        expect(e.details?.procedure).toBe(c.request.items[0]!.procedure);
        expect(e.details?.date).toBe(c.request.date);
        return;
      }
      const a = assess(set, c.request);
      expect(a.total).toBe(c.expected.total);
      expect(a.example).toBe(false);
      const line = a.lines[0]!;
      const cited = [line.basis.document, ...line.adjustments.map((x) => x.basis.document)].join(' | ');
      expect(cited).toContain(c.expected.cites);
      if (line.amount === 0) {
        expect(line.exempt).toBe(true);
        expect(line.adjustments.length).toBeGreaterThan(0);
      }
      if (c.expected.warning !== undefined)
        expect(a.warnings.length > 0, a.warnings.join('\n')).toBe(c.expected.warning);
      if (c.confidence !== 'primary') expect(a.warnings.length).toBeGreaterThan(0);
    });
  }
});

describe('golden coverage', () => {
  const national = schedulesFor(administrativeUnit({ province: 'lai-chau' })).layers.find(
    (s) => s.level === 'national',
  )!;

  it('every shipped value has a golden case on a date it is in force', () => {
    const missing: string[] = [];
    for (const fee of national.fees) {
      fee.values.forEach((v, i) => {
        const covered = cases.some(
          (c) =>
            c.request.items.some((item) => item.procedure === fee.id) &&
            c.request.date! >= v.from &&
            (v.to === null || c.request.date! <= v.to),
        );
        if (!covered) missing.push(`${fee.id} values[${i}] (${v.from} → ${v.to})`);
      });
    }
    expect(missing).toEqual([]);
  });

  it('every shipped rule is applied by some golden case', () => {
    const used = new Set<string>();
    for (const c of cases) {
      if (c.expected.error !== undefined) continue;
      const a = assess(schedulesFor(administrativeUnit(c.unit ?? { province: 'lai-chau' })), c.request);
      for (const l of a.lines) for (const x of l.adjustments) used.add(x.rule);
    }
    expect(national.rules.map((r) => r.id).filter((id) => !used.has(id))).toEqual([]);
  });
});
