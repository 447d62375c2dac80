// Versions: content hashes stable across key order and format, validation reporting every problem with its path,
// and the preview of what a new version changes.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  administrativeUnit,
  canonicalJson,
  checkSchedule,
  checkScheduleText,
  diffScheduleSets,
  nationalSchedule,
  resolveSchedules,
  scheduleHash,
  scheduleSetHash,
  shippedSchedules,
  validateSchedule,
} from '../src/index.js';

const unit = administrativeUnit({ province: 'lai-chau' });

const provinceFile = (amount: number, from = '2026-01-01') => ({
  id: 'lai-chau-ho-tich',
  name: 'Lệ phí hộ tịch tỉnh Lai Châu (thử)',
  level: 'province',
  jurisdiction: 'Tỉnh Lai Châu',
  territory: { province: 'lai-chau' },
  fees: [
    {
      id: 'dang-ky-khai-sinh-qua-han',
      name: 'Lệ phí đăng ký khai sinh quá hạn',
      kind: 'le-phi',
      collectingLevel: [{ from: '2025-07-01', to: null, levels: ['commune'], collector: 'UBND cấp xã' }],
      basis: { document: 'Nghị quyết thử/NQ-HĐND tỉnh Lai Châu' },
      values: [{ from, to: null, formula: { type: 'flat', amount } }],
    },
  ],
});

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    );
  return v;
}

describe('content hash', () => {
  it('is stable across key order, format (YAML/JSON) and defaults written out or not', () => {
    const a = checkSchedule(provinceFile(8000));
    const b = checkSchedule(reverseKeys(provinceFile(8000)));
    const c = checkScheduleText(stringify(provinceFile(8000)));
    const d = checkScheduleText(JSON.stringify({ ...provinceFile(8000), example: false, rules: [] }));
    expect(a.ok && b.ok && c.ok && d.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok || !d.ok) return;
    expect(a.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).toBe(a.hash);
    expect(d.hash).toBe(a.hash);
    expect(scheduleHash(a.schedule)).toBe(a.hash);
  });

  it('a validated schedule, written out as JSON, validates again to the same hash (what the server stores)', () => {
    for (const s of shippedSchedules) {
      const again = checkSchedule(JSON.parse(JSON.stringify(s)));
      expect(again.ok, s.id).toBe(true);
      if (again.ok) expect(again.hash).toBe(scheduleHash(s));
    }
    const plain = checkSchedule(provinceFile(8000));
    if (!plain.ok) throw new Error('invalid');
    const stored = checkSchedule(JSON.parse(JSON.stringify(plain.schedule)));
    expect(stored.ok && stored.hash).toBe(plain.hash);
  });

  it('changes with any amount or date', () => {
    const h = (x: object) => {
      const c = checkSchedule(x);
      if (!c.ok) throw new Error('invalid');
      return c.hash;
    };
    expect(h(provinceFile(8000))).not.toBe(h(provinceFile(8001)));
    expect(h(provinceFile(8000))).not.toBe(h(provinceFile(8000, '2026-01-02')));
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined, e: null }] })).toBe(
      '{"a":[2,{"d":3,"e":null}],"b":1}',
    );
  });

  it('a set hash follows its layers and its unit', () => {
    const p = validateSchedule(provinceFile(8000));
    const s1 = resolveSchedules([nationalSchedule, p], unit);
    const s2 = resolveSchedules([nationalSchedule, validateSchedule(provinceFile(9000))], unit);
    const s3 = resolveSchedules(
      [nationalSchedule, p],
      administrativeUnit({ province: 'lao-cai', formerProvince: 'yen-bai' }),
    );
    expect(scheduleSetHash(s1)).toBe(scheduleSetHash(resolveSchedules([p, nationalSchedule], unit)));
    expect(scheduleSetHash(s1)).not.toBe(scheduleSetHash(s2));
    expect(scheduleSetHash(s1)).not.toBe(scheduleSetHash(s3));
  });
});

describe('validation reports every problem with its path', () => {
  it('several problems at once', () => {
    const bad = provinceFile(8000) as Record<string, unknown>;
    const fees = bad.fees as Record<string, unknown>[];
    fees[0] = {
      ...fees[0],
      kind: 'thue',
      codes: ['123'],
      values: [{ from: '2026-02-30', to: null, formula: { type: 'flat', amount: -1 } }],
    };
    const c = checkSchedule({ ...bad, territory: { province: 'lai-chau', formerProvince: 'lao-cai' } });
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.issues.map((i) => i.path).sort()).toEqual(
      [
        'fees[0].codes[0]',
        'fees[0].kind',
        'fees[0].values[0].formula.amount',
        'fees[0].values[0].from',
        'territory.formerProvince',
      ].sort(),
    );
  });

  it('YAML syntax errors carry their line', () => {
    const c = checkScheduleText('id: x\nfees: [\n');
    expect(!c.ok && c.issues[0]!.path).toMatch(/^line \d+:\d+$/);
  });
});

describe('preview of a new version', () => {
  const before = resolveSchedules([nationalSchedule], unit);
  const after = resolveSchedules([nationalSchedule, validateSchedule(provinceFile(8000))], unit);

  it('a new province rate: the procedure, no rate → the new one, from its date', () => {
    const d = diffScheduleSets(before, after);
    expect(d.procedures).toHaveLength(1);
    const p = d.procedures[0]!;
    expect(p).toMatchObject({
      procedure: 'dang-ky-khai-sinh-qua-han',
      change: 'changed',
      from: '2026-01-01',
    });
    expect(p.periods).toEqual([
      {
        from: '2026-01-01',
        to: null,
        before: null,
        after: expect.objectContaining({
          formula: '8.000 ₫/lần',
          sampleAmount: 8000,
          schedule: 'lai-chau-ho-tich',
        }),
      },
    ]);
    expect(d.rules).toEqual([]);
  });

  it('a changed amount: old → new from the new value’s date', () => {
    const v1 = validateSchedule(provinceFile(8000));
    const v2 = validateSchedule({
      ...provinceFile(8000),
      fees: [
        {
          ...provinceFile(8000).fees[0]!,
          values: [
            { from: '2026-01-01', to: '2027-06-30', formula: { type: 'flat', amount: 8000 } },
            { from: '2027-07-01', to: null, formula: { type: 'flat', amount: 10000 } },
          ],
        },
      ],
    });
    const d = diffScheduleSets(
      resolveSchedules([nationalSchedule, v1], unit),
      resolveSchedules([nationalSchedule, v2], unit),
    );
    expect(d.procedures.map((p) => [p.procedure, p.from])).toEqual([
      ['dang-ky-khai-sinh-qua-han', '2027-07-01'],
    ]);
    const period = d.procedures[0]!.periods[0]!;
    expect([period.before?.sampleAmount, period.after?.sampleAmount]).toEqual([8000, 10000]);
  });

  it('no change → empty preview', () => {
    expect(diffScheduleSets(after, after)).toEqual({ procedures: [], rules: [] });
  });

  it('reports rules added and removed', () => {
    const withRule = validateSchedule({
      ...provinceFile(8000),
      categories: { 'ho-ngheo': { label: 'Hộ nghèo' } },
      rules: [
        {
          id: 'lai-chau-mien',
          name: 'Miễn thử',
          tags: ['le-phi-ho-tich'],
          when: { anyCategory: ['ho-ngheo'] },
          from: '2026-01-01',
          to: null,
          effect: { type: 'set-to-zero' },
          basis: { document: 'NQ thử' },
        },
      ],
    });
    const d = diffScheduleSets(after, resolveSchedules([nationalSchedule, withRule], unit));
    expect(d.rules).toEqual([
      { rule: 'lai-chau-mien', name: 'Miễn thử', change: 'added', after: 'Miễn (0 ₫) từ 2026-01-01' },
    ]);
  });
});
