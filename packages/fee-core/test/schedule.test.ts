import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assess,
  defaultSchedules,
  exampleProvinceSchedule,
  loadScheduleFile,
  mergeSchedules,
  nationalSchedule,
  parseSchedule,
  ScheduleError,
  validateSchedule,
} from '../src/index.js';

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parseSchedule(text, 'test.yaml');
  } catch (e) {
    if (e instanceof ScheduleError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ScheduleError');
}

const header = `id: xa-a\nname: UBND xã A\nlevel: agency\njurisdiction: Xã A\n`;

describe('shipped schedules', () => {
  it('load, validate and are frozen', () => {
    expect(nationalSchedule.level).toBe('national');
    expect(exampleProvinceSchedule.example).toBe(true);
    expect(Object.isFrozen(nationalSchedule.fees[0]!.values[0]!.formula)).toBe(true);
  });

  it('every fee cites a document, and every value has an explicit end key', () => {
    for (const s of defaultSchedules.layers) {
      for (const fee of s.fees) {
        expect(fee.basis.document.length).toBeGreaterThan(0);
        for (const v of fee.values) expect(v).toHaveProperty('to');
      }
      for (const r of s.rules) expect(r.basis.document.length).toBeGreaterThan(0);
    }
  });

  it('cover every procedure id of fee-cases.json', async () => {
    const { readFileSync } = await import('node:fs');
    const file = new URL('./fixtures/fee-cases.json', import.meta.url);
    const { procedures } = JSON.parse(readFileSync(file, 'utf8')) as {
      procedures: Record<string, { quantities: string[] }>;
    };
    for (const [id, spec] of Object.entries(procedures)) {
      const defs = defaultSchedules.fees.get(id);
      expect(defs, id).toBeDefined();
      expect(Object.keys(defs![0]!.fee.quantities).sort(), id).toEqual([...spec.quantities].sort());
    }
  });

  it('the example province is labelled as an example everywhere', () => {
    expect(exampleProvinceSchedule.name).toMatch(/ví dụ/i);
    for (const fee of exampleProvinceSchedule.fees) expect(fee.basis.document).toMatch(/VÍ DỤ/);
  });

  it('national + example province merge without conflicts', () => {
    expect(defaultSchedules.conflicts).toEqual([]);
  });
});

describe('parseSchedule: invalid files are rejected with the path of each problem', () => {
  it('reports YAML syntax errors with a line', () => {
    const issues = issuesOf(`${header}fees: [\n`);
    expect(issues[0]!.path).toMatch(/^line \d+/);
  });

  it('reports every schema problem with its path', () => {
    const issues = issuesOf(`${header}
fees:
  - id: phi-a
    name: Phí A
    kind: phi-khac
    collectingLevel: [commune]
    basis: { document: QĐ 1 }
    values:
      - { from: 2024-01-01, to: null, formula: { type: flat, amount: -5 } }
      - { from: 2024-13-01, formula: { type: per-unit, unit: pages, rate: 1000 } }
`);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('fees[0].kind');
    expect(paths).toContain('fees[0].values[0].formula.amount');
    expect(paths).toContain('fees[0].values[1].from');
    expect(paths).toContain('fees[0].values[1].to'); // the end must be explicit, even if null
  });

  it('reports cross-field problems: overlap, tiers, undeclared quantities, duplicates', () => {
    const issues = issuesOf(`${header}
fees:
  - id: phi-a
    name: Phí A
    kind: phi
    collectingLevel: [commune]
    quantities: { pages: { label: trang } }
    basis: { document: QĐ 1 }
    values:
      - from: 2024-01-01
        to: null
        formula:
          type: tiered
          unit: pages
          tiers: [{ from: 1, to: 2, rate: 2000 }, { from: 4, to: 9, rate: 1000 }]
      - { from: 2025-01-01, to: 2024-06-01, formula: { type: per-unit, unit: copies, rate: 1 } }
  - id: phi-a
    name: Phí A lần 2
    kind: le-phi
    collectingLevel: [commune]
    basis: { document: QĐ 1 }
    values: [{ from: 2024-01-01, to: null, formula: { type: flat, amount: 1 } }]
rules:
  - id: r1
    name: R
    from: 2024-01-01
    to: null
    effect: { type: percent-off, percent: 150, rounding: sideways }
    basis: { document: QĐ 2 }
`);
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    expect(byPath.get('fees[0].values[0].formula.tiers[1].from')).toMatch(/bắt đầu từ 3/);
    expect(byPath.get('fees[0].values[0].formula.tiers[1].to')).toMatch(/bậc cuối/);
    expect(byPath.get('fees[0].values[1].from')).toMatch(/chồng lấn/);
    expect(byPath.get('fees[0].values[1].to')).toMatch(/trước ngày bắt đầu/);
    expect(byPath.get('fees[0].values[1].formula.unit')).toMatch(/chưa khai báo/);
    expect(byPath.get('fees[1].id')).toMatch(/trùng/);
    expect(byPath.has('rules[0].effect.percent')).toBe(true);
    expect(byPath.has('rules[0].effect.rounding')).toBe(true);
  });

  it('the error message lists the source and each path', () => {
    try {
      parseSchedule(`${header}fees: [{ id: X }]`, 'agency.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScheduleError);
      expect((e as Error).message).toContain('agency.yaml');
      expect((e as Error).message).toContain('fees[0].id');
    }
  });

  it('loadScheduleFile names the file and each problem', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fee-core-')), 'agency.yaml');
    writeFileSync(
      file,
      `${header}fees:\n  - { id: a, name: A, kind: phi, collectingLevel: [xa], basis: { document: D }, values: [] }\n`,
    );
    try {
      loadScheduleFile(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScheduleError);
      const err = e as ScheduleError;
      expect(err.source).toBe(file);
      expect(err.issues.map((i) => i.path)).toEqual(['fees[0].collectingLevel']);
    }
  });

  it('rejects unknown keys (typos must not be ignored)', () => {
    const issues = issuesOf(`${header}fess: []\n`);
    expect(issues.some((i) => i.message.toLowerCase().includes('fess') || i.path === '')).toBe(true);
  });
});

describe('mergeSchedules', () => {
  const agency = (amount: number, from = '2024-01-01') =>
    validateSchedule({
      id: 'xa-a',
      name: 'UBND xã A',
      level: 'agency',
      jurisdiction: 'Xã A',
      fees: [
        {
          id: 'dang-ky-khai-sinh-qua-han',
          name: 'Lệ phí đăng ký khai sinh quá hạn (xã A)',
          kind: 'le-phi',
          collectingLevel: ['commune'],
          basis: { document: 'Quyết định 9/QĐ-UBND xã A (thử)' },
          values: [{ from, to: '2026-12-31', formula: { type: 'flat', amount } }],
        },
      ],
      rules: [
        {
          id: 'tt244-d5-mien',
          name: 'Ghi đè thử',
          procedures: ['ly-lich-tu-phap'],
          from: '2017-01-01',
          to: null,
          effect: { type: 'set-to-zero' },
          basis: { document: 'thử' },
        },
      ],
    });

  it('the most specific layer in force wins; dates it does not cover fall through', () => {
    const set = mergeSchedules(nationalSchedule, exampleProvinceSchedule, agency(6000, '2026-01-01'));
    const req = (date: string) => ({ date, items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }] });
    expect(assess(set, req('2026-06-01')).total).toBe(6000);
    expect(assess(set, req('2025-08-01')).total).toBe(8000); // agency not yet in force → province
    expect(assess(set, req('2027-01-01')).total).toBe(8000); // agency ended → province
  });

  it('reports overrides as conflicts', () => {
    const set = mergeSchedules(nationalSchedule, exampleProvinceSchedule, agency(6000));
    const kinds = set.conflicts.map((c) => `${c.kind}:${c.id}`);
    expect(kinds).toContain('fee-overridden:dang-ky-khai-sinh-qua-han');
    expect(kinds).toContain('rule-overridden:tt244-d5-mien');
    expect(set.conflicts.find((c) => c.kind === 'fee-overridden')!.layers).toEqual([
      'vi-du-tinh-mau',
      'xa-a',
    ]);
  });

  it('reports layers out of order', () => {
    const set = mergeSchedules(exampleProvinceSchedule, nationalSchedule);
    expect(set.conflicts.some((c) => c.kind === 'layer-order')).toBe(true);
  });

  it('reports a kind or quantities mismatch', () => {
    const other = validateSchedule({
      id: 'tinh-b',
      name: 'Tỉnh B',
      level: 'province',
      jurisdiction: 'Tỉnh Lai Châu',
      territory: { province: 'lai-chau' },
      fees: [
        {
          id: 'trich-luc-ho-tich',
          name: 'x',
          kind: 'le-phi',
          collectingLevel: ['commune'],
          basis: { document: 'x' },
          values: [{ from: '2030-01-01', to: null, formula: { type: 'flat', amount: 1 } }],
        },
      ],
    });
    const kinds = mergeSchedules(nationalSchedule, other).conflicts.map((c) => c.kind);
    expect(kinds).toContain('kind-mismatch');
    expect(kinds).toContain('quantities-mismatch');
  });
});
