// The worked cases of fixtures/fee-cases.json (a copy of the reference file; see fixtures/SOURCES.md), one `it` per case id and
// unit: the demo unit and a real one (none of these cases needs a provincial rate). Expected totals come from the
// file only; nothing here restates them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AssessmentRequest,
  administrativeUnit,
  assess,
  demoSchedules,
  schedulesFor,
} from '../src/index.js';

interface FeeCase {
  id: string;
  title: string;
  request: AssessmentRequest;
  expected: { total: number };
  sourceConfidence?: string;
}

const file = new URL('./fixtures/fee-cases.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: FeeCase[] };

describe('fee-cases.json', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  const sets = {
    demo: demoSchedules,
    'lai-chau': schedulesFor(administrativeUnit({ province: 'lai-chau' })),
  };
  for (const c of cases)
    for (const [unit, set] of Object.entries(sets)) {
      it(`${c.id} (${unit}): ${c.title}`, () => {
        const a = assess(set, c.request);
        expect(a.total).toBe(c.expected.total);
        expect(a.lines).toHaveLength(c.request.items.length);
        expect(a.total).toBe(a.lines.reduce((s, l) => s + l.amount, 0));
        for (const line of a.lines) {
          expect(line.basis.document).not.toBe('');
          expect(line.explanation.length).toBeGreaterThan(0);
          // A 0 đ line always says why, with a legal basis.
          if (line.amount === 0) {
            expect(line.exempt).toBe(true);
            expect(line.adjustments.length).toBeGreaterThan(0);
            expect(line.adjustments[0]?.basis.document).not.toBe('');
          }
        }
        // Cases resting on secondary sources must surface that as a warning.
        if (c.sourceConfidence !== undefined) expect(a.warnings.length).toBeGreaterThan(0);
      });
    }
});
