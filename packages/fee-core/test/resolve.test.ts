// The resolver on synthetic layers: which province layers price a unit on a date (NQ 190/2025/QH15 reading),
// rules attached by tag and code, exemptions by law without a rate, and the example province kept off real units.
import { describe, expect, it } from 'vitest';
import {
  AssessmentError,
  administrativeUnit,
  assess,
  DEMO_UNIT,
  exampleProvinceSchedule,
  layersInForce,
  nationalSchedule,
  resolveSchedules,
  type Schedule,
  validateSchedule,
} from '../src/index.js';

const flat = (from: string, to: string | null, amount: number) => ({
  from,
  to,
  formula: { type: 'flat', amount },
});

// A national layer declaring a council-set procedure with no amount, and the law's exemption by tag.
const national = validateSchedule({
  id: 'nat',
  name: 'Quốc gia (thử)',
  level: 'national',
  jurisdiction: 'Việt Nam',
  categories: { 'ho-ngheo': { label: 'Hộ nghèo' }, 'cong-dan-so': { label: 'Công dân số' } },
  fees: [
    {
      id: 'ho-tich-a',
      name: 'Lệ phí hộ tịch A',
      kind: 'le-phi',
      codes: ['1.000001'],
      setBy: 'province-council',
      collectingLevel: [{ from: '2016-01-01', to: null, levels: ['commune'], collector: 'UBND cấp xã' }],
      tags: ['le-phi-ho-tich'],
      basis: { document: 'Thông tư thử', issuer: 'Bộ Tài chính' },
    },
  ],
  rules: [
    {
      id: 'luat-mien',
      name: 'Miễn cho hộ nghèo (luật)',
      tags: ['le-phi-ho-tich'],
      when: { anyCategory: ['ho-ngheo'] },
      from: '2016-01-01',
      to: null,
      effect: { type: 'set-to-zero' },
      basis: { document: 'Luật thử', article: 'Điều 11 khoản 1' },
    },
    {
      id: 'giam-truc-tuyen',
      name: 'Giảm 50% trực tuyến (theo mã TTHC)',
      codes: ['1.000002', '1.000001'],
      when: { channels: ['online'] },
      from: '2016-01-01',
      to: null,
      effect: { type: 'percent-off', percent: 50, rounding: 'down' },
      basis: { document: 'Thông tư thử 2' },
    },
  ],
});

function province(id: string, territory: object, fees: object[], rules: object[] = []): Schedule {
  return validateSchedule({
    id,
    name: `Tầng ${id}`,
    level: 'province',
    jurisdiction: id,
    territory,
    fees,
    rules,
  });
}

// Former Yên Bái's resolution (its own id, the national tag and code), and former Lào Cai's.
const yenBai = province('yen-bai-nq', { province: 'lao-cai', formerProvince: 'yen-bai' }, [
  {
    id: 'ho-tich-a',
    name: 'Lệ phí hộ tịch A (Yên Bái)',
    kind: 'le-phi',
    collectingLevel: ['commune'],
    basis: { document: 'NQ Yên Bái (thử)' },
    values: [flat('2020-01-01', null, 5000)],
  },
  {
    id: 'yb-rieng',
    name: 'Lệ phí riêng Yên Bái',
    kind: 'le-phi',
    codes: ['1.000002'],
    tags: ['le-phi-ho-tich'],
    collectingLevel: ['commune'],
    basis: { document: 'NQ Yên Bái (thử)' },
    values: [flat('2020-01-01', null, 9000)],
  },
]);
const laoCaiOld = province('lao-cai-cu-nq', { province: 'lao-cai', formerProvince: 'lao-cai' }, [
  {
    id: 'ho-tich-a',
    name: 'Lệ phí hộ tịch A (Lào Cai cũ)',
    kind: 'le-phi',
    collectingLevel: ['commune'],
    basis: { document: 'NQ Lào Cai cũ (thử)' },
    values: [flat('2020-01-01', null, 7000)],
  },
]);
// The merged province's resolution: on Yên Bái's territory from 2026-01-01, on Lào Cai's from 2026-03-01.
const laoCaiNew = province(
  'lao-cai-moi-nq',
  {
    province: 'lao-cai',
    covers: [
      { formerProvince: 'yen-bai', from: '2026-01-01' },
      { formerProvince: 'lao-cai', from: '2026-03-01', replacesAll: true },
    ],
  },
  [
    {
      id: 'ho-tich-a',
      name: 'Lệ phí hộ tịch A (Lào Cai)',
      kind: 'le-phi',
      collectingLevel: ['commune'],
      basis: { document: 'NQ Lào Cai mới (thử)' },
      values: [flat('2026-01-01', null, 6000)],
    },
  ],
);

const layers = [national, yenBai, laoCaiOld, laoCaiNew, exampleProvinceSchedule];
const yb = administrativeUnit({ province: 'lao-cai', formerProvince: 'yen-bai' });
const lc = administrativeUnit({ province: 'lao-cai', formerProvince: 'lao-cai' });
const laiChau = administrativeUnit({ province: 'lai-chau' });

const price = (set: ReturnType<typeof resolveSchedules>, date: string, procedure = 'ho-tich-a', extra = {}) =>
  assess(set, { date, items: [{ procedure }], ...extra });

function errorOf(fn: () => unknown): AssessmentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AssessmentError) return e;
    throw e;
  }
  throw new Error('expected an AssessmentError');
}

describe('resolveSchedules: province layers on their territory', () => {
  it('a former province keeps its resolution on its territory until the merged province covers it', () => {
    const set = resolveSchedules(layers, yb);
    expect(price(set, '2025-12-31').total).toBe(5000);
    expect(price(set, '2025-12-31').lines[0]!.schedule).toBe('yen-bai-nq');
    expect(price(set, '2026-01-01').total).toBe(6000);
    expect(price(set, '2026-01-01').lines[0]!.schedule).toBe('lao-cai-moi-nq');
  });

  it('each former territory is priced by its own former resolution, and covered from its own date', () => {
    const set = resolveSchedules(layers, lc);
    expect(price(set, '2026-02-28').total).toBe(7000); // Yên Bái's territory is covered; this one not yet
    expect(price(set, '2026-03-01').total).toBe(6000);
    expect(set.excluded.map((e) => e.schedule)).toContain('yen-bai-nq');
  });

  it('replacesAll ends the former layer altogether; without it, procedures the merged layer does not price stay', () => {
    const onYb = resolveSchedules(layers, yb);
    // yb-rieng is priced only by Yên Bái's resolution: still in force there after 2026-01-01.
    expect(price(onYb, '2026-06-01', 'yb-rieng').total).toBe(9000);
    const onLc = resolveSchedules(layers, lc);
    expect(onLc.windows.get('lao-cai-cu-nq')).toEqual({ from: null, to: '2026-02-28' });
    expect(layersInForce(onLc, '2026-03-01').map((s) => s.id)).not.toContain('lao-cai-cu-nq');
    expect(layersInForce(onLc, '2026-02-28').map((s) => s.id)).toContain('lao-cai-cu-nq');
  });

  it('a province layer never reaches a unit of another province', () => {
    const set = resolveSchedules(layers, laiChau);
    expect(set.layers.map((s) => s.id)).toEqual(['nat']);
    const e = errorOf(() => price(set, '2026-12-04'));
    expect(e.code).toBe('RATE_NOT_SET');
    expect(e.details).toMatchObject({
      procedure: 'ho-tich-a',
      setBy: 'HĐND tỉnh Lai Châu',
      date: '2026-12-04',
    });
    expect(e.message).toContain('HĐND tỉnh Lai Châu');
    expect(e.message).toContain('04/12/2026');
    expect(e.field).toBe('items[0].procedure');
  });
});

describe('the example province', () => {
  it('is never resolved for a real unit', () => {
    const set = resolveSchedules([nationalSchedule, exampleProvinceSchedule], laiChau);
    expect(set.layers.map((s) => s.id)).toEqual(['vn-national']);
    expect(set.excluded).toContainEqual({
      schedule: 'vi-du-tinh-mau',
      reason: expect.stringContaining('đơn vị mẫu'),
    });
    expect(set.example).toBe(false);
  });

  it('serves the demo unit, and what it prices says so', () => {
    const set = resolveSchedules([nationalSchedule, exampleProvinceSchedule], DEMO_UNIT);
    const a = assess(set, { date: '2026-01-15', items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }] });
    expect(a.example).toBe(true);
    expect(a.warnings.join('\n')).toContain('đơn vị mẫu / biểu phí ví dụ');
    expect(a.lines[0]!.explanation[0]).toContain('đơn vị mẫu / biểu phí ví dụ');
  });

  it('even a chứng thực line priced nationally for the demo unit carries the notice', () => {
    const set = resolveSchedules([nationalSchedule, exampleProvinceSchedule], DEMO_UNIT);
    const a = assess(set, {
      date: '2026-01-15',
      items: [{ procedure: 'chung-thuc-chu-ky', quantities: { documents: 1 } }],
    });
    expect(a.example).toBe(true);
    expect(a.unit?.example).toBe(true);
  });
});

describe('rules by tag and by code; exemptions by law without a rate', () => {
  it('a province definition keeps the national tag (and so the law’s exemption) even if it omits it', () => {
    const set = resolveSchedules(layers, yb);
    const a = price(set, '2025-12-31', 'ho-tich-a', { applicant: { categories: ['ho-ngheo'] } });
    expect(a.total).toBe(0);
    expect(a.lines[0]!.adjustments[0]!.rule).toBe('luat-mien');
  });

  it('a rule attached by national code reaches a province fee with its own id', () => {
    const set = resolveSchedules(layers, yb);
    const a = price(set, '2025-12-31', 'yb-rieng', { channel: 'online' });
    expect(a.total).toBe(4500);
    expect(a.lines[0]!.adjustments[0]!.rule).toBe('giam-truc-tuyen');
  });

  it('with no rate in force, an exemption by law gives 0 đ citing it', () => {
    const set = resolveSchedules(layers, laiChau);
    const a = price(set, '2026-12-04', 'ho-tich-a', { applicant: { categories: ['ho-ngheo'] } });
    expect(a.total).toBe(0);
    const line = a.lines[0]!;
    expect(line).toMatchObject({ amount: 0, baseAmount: 0, exempt: true, withoutRate: true });
    expect(line.adjustments).toEqual([
      expect.objectContaining({ rule: 'luat-mien', kind: 'set-to-zero', amount: 0 }),
    ]);
    expect(line.basis).toMatchObject({ document: 'Luật thử', article: 'Điều 11 khoản 1' });
    expect(line.explanation.join('\n')).toContain('HĐND tỉnh Lai Châu');
  });

  it('with no rate in force, a reduction cannot price anything: the error stands', () => {
    const set = resolveSchedules(layers, laiChau);
    const e = errorOf(() => price(set, '2026-12-04', 'ho-tich-a', { channel: 'online' }));
    expect(e.code).toBe('RATE_NOT_SET');
  });

  it('a merged layer that prices a procedure supersedes the former layer’s rules for it', () => {
    const withRule = province(
      'yen-bai-nq2',
      { province: 'lao-cai', formerProvince: 'yen-bai' },
      [],
      [
        {
          id: 'yb-mien-truc-tuyen',
          name: 'Yên Bái: 0 đ trực tuyến',
          tags: ['le-phi-ho-tich'],
          when: { channels: ['online'] },
          from: '2020-01-01',
          to: null,
          effect: { type: 'set-to-zero' },
          basis: { document: 'NQ Yên Bái 2 (thử)' },
        },
      ],
    );
    const set = resolveSchedules([...layers, withRule], yb);
    expect(price(set, '2025-12-31', 'ho-tich-a', { channel: 'online' }).total).toBe(0);
    // From 2026-01-01 the merged province prices ho-tich-a: Yên Bái's rule no longer applies to it (the national
    // 50 % does) …
    expect(price(set, '2026-01-01', 'ho-tich-a', { channel: 'online' }).total).toBe(3000);
    // … but still to what Yên Bái's resolution alone prices (the 50 % national rule is beaten by the 0 đ).
    expect(price(set, '2026-01-01', 'yb-rieng', { channel: 'online' }).total).toBe(0);
  });
});

describe('schedule validation of territories and collecting levels', () => {
  const base = { id: 'x', name: 'X', level: 'province', jurisdiction: 'X' };
  const issues = (data: object) => {
    try {
      validateSchedule(data);
    } catch (e) {
      return (e as { issues: { path: string; message: string }[] }).issues;
    }
    return [];
  };

  it('a real province layer must say where it is in force, on the 2025 map', () => {
    expect(issues(base).map((i) => i.path)).toEqual(['territory']);
    expect(issues({ ...base, territory: { province: 'ha-tay' } }).map((i) => i.path)).toEqual([
      'territory.province',
    ]);
    expect(
      issues({ ...base, territory: { province: 'lao-cai', formerProvince: 'bac-kan' } }).map((i) => i.path),
    ).toEqual(['territory.formerProvince']);
    expect(
      issues({
        ...base,
        territory: { province: 'da-nang', covers: [{ formerProvince: 'quang-nam', from: '2025-07-01' }] },
      }),
    ).toEqual([]);
  });

  it('no district level, and no district collector, after 2025-06-30', () => {
    const fee = (collectingLevel: unknown, collector?: string) => ({
      id: 'x',
      name: 'X',
      level: 'national',
      jurisdiction: 'VN',
      fees: [
        {
          id: 'f',
          name: 'F',
          kind: 'phi',
          collectingLevel,
          ...(collector ? { collector } : {}),
          basis: { document: 'D' },
        },
      ],
    });
    expect(issues(fee(['commune', 'district'])).map((i) => i.path)).toEqual(['fees[0].collectingLevel']);
    expect(issues(fee(['commune'], 'Phòng Tư pháp thuộc UBND cấp huyện')).map((i) => i.path)).toEqual([
      'fees[0].collector',
    ]);
    expect(
      issues(
        fee([
          {
            from: '2017-01-01',
            to: '2025-06-30',
            levels: ['district'],
            collector: 'Phòng Tư pháp cấp huyện',
          },
          {
            from: '2025-07-01',
            to: null,
            levels: ['commune', 'district'],
            collector: 'Phòng Tư pháp cấp huyện',
          },
        ]),
      ).map((i) => i.path),
    ).toEqual(['fees[0].collectingLevel[1].levels', 'fees[0].collectingLevel[1].collector']);
    expect(
      issues(
        fee([
          { from: '2017-01-01', to: '2025-06-30', levels: ['district'] },
          { from: '2025-07-01', to: null, levels: ['commune'] },
        ]),
      ),
    ).toEqual([]);
  });

  it('every category a rule names is declared in the file', () => {
    const found = issues({
      id: 'x',
      name: 'X',
      level: 'agency',
      jurisdiction: 'X',
      rules: [
        {
          id: 'r',
          name: 'R',
          tags: ['t'],
          when: { anyCategory: ['ho-ngheo'] },
          from: '2020-01-01',
          to: null,
          effect: { type: 'set-to-zero' },
          basis: { document: 'D' },
        },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(['rules[0].when.anyCategory[0]']);
  });
});
