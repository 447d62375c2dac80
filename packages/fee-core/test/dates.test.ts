// Dates that matter soon, each tested the day before, the first day, the last day and the day after
// (fee-law findings §2): TT 64/2025's 50 % on căn cước ends 2026-12-31; NQ 66.22 / TT 117/2026 run 2026-08-15 →
// 2027-02-28; on 2027-03-01 NĐ 120/2025 ends and a new Luật Hộ tịch is said to take effect (no text: Luật Hộ tịch
// 2014 stays, flagged); TT 16/2025 replaces TT 244/2016 on 2025-04-24 with an online rate to 2025-12-31.
import { describe, expect, it } from 'vitest';
import {
  AssessmentError,
  type AssessmentRequest,
  administrativeUnit,
  assess,
  type Channel,
  catalogue,
  schedulesFor,
} from '../src/index.js';

const laiChau = schedulesFor(administrativeUnit({ province: 'lai-chau' }));
const total = (date: string, procedure: string, channel: Channel = 'counter', categories: string[] = []) =>
  assess(laiChau, { date, channel, applicant: { categories }, items: [{ procedure }] }).total;

function errorCode(req: AssessmentRequest): string | undefined {
  try {
    assess(laiChau, req);
  } catch (e) {
    if (e instanceof AssessmentError) return e.code;
    throw e;
  }
  return undefined;
}

describe('TT 64/2025: 50 % on căn cước from 2025-07-01 to 2026-12-31', () => {
  it.each([
    ['2025-06-30', 50000],
    ['2025-07-01', 25000],
    ['2026-12-31', 25000],
    ['2027-01-01', 50000],
  ])('cấp đổi at the counter on %s: %d', (date, amount) => {
    expect(total(date, 'can-cuoc-cap-doi')).toBe(amount);
  });

  it.each([
    ['2026-12-31', 15000],
    ['2027-01-01', 30000],
  ])('CCCD → căn cước at the counter on %s: %d', (date, amount) => {
    expect(total(date, 'can-cuoc-doi-tu-cccd')).toBe(amount);
  });
});

describe('TT 117/2026 (NQ 66.22): 0 đ for a công dân số online, 2026-08-15 → 2027-02-28', () => {
  const digital = ['cong-dan-so'];
  it.each([
    ['2026-08-14', 10000],
    ['2026-08-15', 0],
    ['2027-02-28', 0],
    ['2027-03-01', 10000],
  ])('thường trú online on %s: %d', (date, amount) => {
    expect(total(date, 'dang-ky-thuong-tru', 'online', digital)).toBe(amount);
  });

  it.each([
    ['2026-08-14', 15000], // TT 64/2025 halves it
    ['2026-08-15', 0],
    ['2027-02-28', 0],
    ['2027-03-01', 30000], // both windows over
  ])('CCCD → căn cước online on %s: %d (the change from a CCCD card is covered)', (date, amount) => {
    expect(total(date, 'can-cuoc-doi-tu-cccd', 'online', digital)).toBe(amount);
  });

  it('cites TT 117/2026, not only the resolution', () => {
    const a = assess(laiChau, {
      date: '2026-12-04',
      channel: 'online',
      applicant: { categories: digital },
      items: [{ procedure: 'can-cuoc-doi-tu-cccd' }],
    });
    expect(a.lines[0]!.adjustments[0]!.basis.document).toBe('Thông tư 117/2026/TT-BTC');
  });

  it.each([
    ['2027-02-28', undefined],
    ['2027-03-01', 'RATE_NOT_SET'],
  ])('đăng ký lại khai sinh online for a công dân số in Lai Châu on %s: %s', (date, code) => {
    const req = {
      date,
      channel: 'online' as const,
      applicant: { categories: digital },
      items: [{ procedure: 'dang-ky-lai-khai-sinh' }],
    };
    expect(errorCode(req)).toBe(code);
  });
});

describe('2027-03-01: NĐ 120/2025 ends, a new Luật Hộ tịch is said to start (no text)', () => {
  it.each([
    ['2027-02-28', false],
    ['2027-03-01', true],
  ])('khai sinh đúng hạn on %s stays 0 đ; flagged as unverified: %s', (date, flagged) => {
    const a = assess(laiChau, { date, items: [{ procedure: 'dang-ky-khai-sinh-dung-han' }] });
    expect(a.total).toBe(0);
    expect(a.warnings.some((w) => w.includes('chưa đối chiếu'))).toBe(flagged);
  });

  it.each([
    ['2027-02-28', 'UBND cấp xã'],
    ['2027-03-01', 'UBND cấp xã (sau 01/03/2027 chưa đối chiếu văn bản)'],
  ])('the collector of hộ tịch with a foreign element on %s: %s', (date, collector) => {
    const [entry] = catalogue(laiChau, date, { q: 'ket hon co yeu to nuoc ngoai' });
    expect(entry!.collector).toBe(collector);
  });

  it('a poor household still pays no hộ tịch fee on 2027-03-01, with the warning', () => {
    const a = assess(laiChau, {
      date: '2027-03-01',
      applicant: { categories: ['ho-ngheo'] },
      items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }],
    });
    expect(a.total).toBe(0);
    expect(a.lines[0]!.adjustments[0]!.rule).toBe('luat-ho-tich-d11-k1a-tu-2027-03');
    expect(a.warnings.length).toBeGreaterThan(0);
  });
});

describe('lý lịch tư pháp: TT 244/2016 → TT 16/2025 on 2025-04-24; online 170.000 đ to 2025-12-31', () => {
  it.each([
    ['2025-04-23', 'online', 200000],
    ['2025-04-24', 'online', 170000],
    ['2025-12-31', 'online', 170000],
    ['2026-01-01', 'online', 200000],
    ['2025-04-24', 'counter', 200000],
  ] as const)('%s %s: %d', (date, channel, amount) => {
    const a = assess(laiChau, {
      date,
      channel,
      items: [{ procedure: 'ly-lich-tu-phap', quantities: { certificates: 1 } }],
    });
    expect(a.total).toBe(amount);
  });

  it.each([
    ['2025-04-23', 200000], // TT 244/2016: pupils are not in the 100.000 đ group
    ['2025-04-24', 100000], // TT 16/2025 adds "học sinh từ đủ 16 tuổi trở lên"
  ])('a pupil aged 16+ on %s: %d', (date, amount) => {
    const a = assess(laiChau, {
      date,
      applicant: { categories: ['hoc-sinh-16'] },
      items: [{ procedure: 'ly-lich-tu-phap', quantities: { certificates: 1 } }],
    });
    expect(a.total).toBe(amount);
  });
});
