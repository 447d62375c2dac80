import { describe, expect, it } from 'vitest';
import {
  AssessmentError,
  type AssessmentRequest,
  assess,
  demoSchedules as defaultSchedules,
} from '../src/index.js';

const copy = (pages: number, copies = 1) => ({
  procedure: 'chung-thuc-ban-sao',
  quantities: { pages, copies },
});

function errorOf(request: unknown): AssessmentError {
  try {
    assess(defaultSchedules, request as AssessmentRequest);
  } catch (e) {
    if (e instanceof AssessmentError) return e;
    throw e;
  }
  throw new Error('expected an AssessmentError');
}

describe('assess: errors name the field', () => {
  it.each([
    [
      'unknown procedure',
      { date: '2024-05-10', items: [{ procedure: 'khong-co' }] },
      'UNKNOWN_PROCEDURE',
      'items[0].procedure',
    ],
    [
      'missing quantity',
      { date: '2024-05-10', items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 2 } }] },
      'MISSING_QUANTITY',
      'items[0].quantities.copies',
    ],
    [
      'no quantities at all',
      { date: '2024-05-10', items: [{ procedure: 'ly-lich-tu-phap' }] },
      'MISSING_QUANTITY',
      'items[0].quantities.certificates',
    ],
    [
      'non-integer quantity',
      { date: '2024-05-10', items: [copy(1), copy(2.5)] },
      'INVALID_QUANTITY',
      'items[1].quantities.pages',
    ],
    ['zero pages', { date: '2024-05-10', items: [copy(0)] }, 'INVALID_QUANTITY', 'items[0].quantities.pages'],
    [
      'negative copies',
      { date: '2024-05-10', items: [copy(1, -1)] },
      'INVALID_QUANTITY',
      'items[0].quantities.copies',
    ],
    [
      'string quantity',
      { date: '2024-05-10', items: [{ procedure: 'trich-luc-ho-tich', quantities: { copies: '3' } }] },
      'INVALID_QUANTITY',
      'items[0].quantities.copies',
    ],
    [
      'unknown quantity',
      { date: '2024-05-10', items: [{ procedure: 'dang-ky-thuong-tru', quantities: { pages: 1 } }] },
      'UNKNOWN_QUANTITY',
      'items[0].quantities.pages',
    ],
    ['no rate in force', { date: '2016-12-31', items: [copy(1)] }, 'RATE_NOT_SET', 'items[0].procedure'],
    [
      'LPTB above the value for which the rate is sourced',
      {
        date: '2026-12-04',
        items: [{ procedure: 'le-phi-truoc-ba-nha-dat', quantities: { value: 100_000_000_001 } }],
      },
      'RATE_NOT_SET',
      'items[0].quantities',
    ],
    ['bad date', { date: '2024-02-30', items: [copy(1)] }, 'INVALID_DATE', 'date'],
    ['date with time', { date: '2024-02-01T00:00:00Z', items: [copy(1)] }, 'INVALID_DATE', 'date'],
    ['bad channel', { date: '2024-05-10', channel: 'email', items: [copy(1)] }, 'INVALID_CHANNEL', 'channel'],
    [
      'bad categories',
      { date: '2024-05-10', applicant: { categories: 'ho-ngheo' }, items: [copy(1)] },
      'INVALID_CATEGORIES',
      'applicant.categories',
    ],
    ['empty items', { date: '2024-05-10', items: [] }, 'NO_ITEMS', 'items'],
    ['no items', { date: '2024-05-10' }, 'INVALID_REQUEST', 'items'],
  ])('%s', (_name, request, code, field) => {
    const e = errorOf(request);
    expect(e.code).toBe(code);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/\/ /); // Vietnamese, then the English gist
  });

  it('rejects a non-object request', () => {
    expect(errorOf(null).code).toBe('INVALID_REQUEST');
  });
});

describe('assess: results', () => {
  it('defaults to counter and today in Asia/Ho_Chi_Minh', () => {
    const a = assess(
      defaultSchedules,
      { items: [{ procedure: 'chung-thuc-chu-ky', quantities: { documents: 1 } }] },
      { now: new Date('2026-11-22T17:30:00Z') },
    );
    expect(a.date).toBe('2026-11-23');
    expect(a.channel).toBe('counter');
    expect(a.currency).toBe('VND');
    expect(a.total).toBe(10000);
  });

  it('explains a capped copy and reports the count as quantity', () => {
    const a = assess(defaultSchedules, { date: '2024-05-10', items: [copy(250, 3)] });
    const line = a.lines[0]!;
    expect(line.amount).toBe(600000);
    expect(line.quantity).toBe(3);
    expect(line.explanation.join('\n')).toContain('tối đa 200.000 ₫/bản');
  });

  it('marks free-by-law lines exempt with the law as basis', () => {
    const a = assess(defaultSchedules, { date: '2024-05-10', items: [{ procedure: 'dang-ky-ket-hon' }] });
    const line = a.lines[0]!;
    expect(line).toMatchObject({ amount: 0, exempt: true, kind: 'le-phi' });
    expect(line.adjustments[0]).toMatchObject({ kind: 'free-by-law', amount: 0 });
    expect(line.adjustments[0]!.basis.document).toBe('Luật Hộ tịch 60/2014/QH13');
  });

  it('picks the most favourable rule, not a product', () => {
    // căn cước in the TT 64/2025 window (−50%) for a digital citizen online (0 đ): 0, not 50% of 0 or 25% etc.
    const a = assess(defaultSchedules, {
      date: '2026-09-01',
      channel: 'online',
      applicant: { categories: ['cong-dan-so'] },
      items: [{ procedure: 'can-cuoc-cap-lai' }],
    });
    const line = a.lines[0]!;
    expect(line.amount).toBe(0);
    expect(line.baseAmount).toBe(70000);
    expect(line.adjustments).toHaveLength(1);
    expect(line.adjustments[0]).toMatchObject({
      rule: 'tt117-2026-cong-dan-so',
      kind: 'set-to-zero',
      amount: -70000,
    });
    expect(line.explanation.join('\n')).toContain('không cộng dồn');
  });

  it('applies the 2025–2026 halving to căn cước at the counter', () => {
    const a = assess(defaultSchedules, { date: '2026-12-31', items: [{ procedure: 'can-cuoc-cap-lai' }] });
    expect(a.total).toBe(35000);
    expect(a.lines[0]!.adjustments[0]).toMatchObject({ kind: 'percent-off', amount: -35000 });
    expect(
      assess(defaultSchedules, { date: '2027-01-01', items: [{ procedure: 'can-cuoc-cap-lai' }] }).total,
    ).toBe(70000);
  });

  it('digital citizen at the counter gets no NQ 66.22 exemption', () => {
    const a = assess(defaultSchedules, {
      date: '2026-09-01',
      channel: 'counter',
      applicant: { categories: ['cong-dan-so'] },
      items: [{ procedure: 'dang-ky-thuong-tru' }],
    });
    expect(a.total).toBe(20000);
  });

  it('postal falls back to the counter rate and says so', () => {
    const a = assess(defaultSchedules, {
      date: '2024-06-03',
      channel: 'postal',
      items: [{ procedure: 'dang-ky-tam-tru' }],
    });
    expect(a.total).toBe(15000);
    expect(a.lines[0]!.explanation.join('\n')).toContain('áp dụng mức nộp trực tiếp');
  });

  it('says when a category gives no exemption (the TT 226 trap) and warns on unknown categories', () => {
    const a = assess(defaultSchedules, {
      date: '2024-05-10',
      applicant: { categories: ['ho-ngheo', 'khong-ro'] },
      items: [copy(2)],
    });
    expect(a.total).toBe(4000);
    expect(a.lines[0]!.explanation.join('\n')).toContain('Không có quy định miễn, giảm');
    expect(a.warnings.some((w) => w.includes('khong-ro'))).toBe(true);
  });

  it('uses the example province for provincial civil-status charges, with a warning', () => {
    const a = assess(defaultSchedules, {
      date: '2026-01-15',
      items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }],
    });
    expect(a.total).toBe(8000);
    expect(a.warnings.some((w) => w.includes('VÍ DỤ'))).toBe(true);
    // Luật Hộ tịch Điều 11 k1a exempts a poor household whatever the provincial rate.
    const poor = assess(defaultSchedules, {
      date: '2026-01-15',
      applicant: { categories: ['ho-ngheo'] },
      items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }],
    });
    expect(poor.lines[0]).toMatchObject({ amount: 0, exempt: true });
    expect(poor.lines[0]!.adjustments[0]!.rule).toBe('luat-ho-tich-d11-k1a');
  });

  it('warns that the LPTB rounding is not fixed by law when it rounds', () => {
    const a = assess(defaultSchedules, {
      date: '2021-06-01',
      items: [{ procedure: 'le-phi-truoc-ba-nha-dat', quantities: { value: 1_234_567 } }],
    });
    expect(a.total).toBe(6172); // 6172.835 rounded down
    expect(a.warnings.some((w) => w.includes('làm tròn') || w.includes('Cách làm tròn'))).toBe(true);
  });

  it('caps LPTB at 500 million', () => {
    const a = assess(defaultSchedules, {
      date: '2021-06-01',
      items: [{ procedure: 'le-phi-truoc-ba-nha-dat', quantities: { value: 200_000_000_000 } }],
    });
    expect(a.total).toBe(500_000_000);
  });

  it('throws rather than lose đồng when an amount is not a safe integer', () => {
    const e = errorOf({ date: '2024-05-10', items: [copy(1, Number.MAX_SAFE_INTEGER)] });
    expect(e.code).toBe('AMOUNT_OVERFLOW');
  });

  it('is deterministic', () => {
    const req = {
      date: '2026-09-01',
      channel: 'online' as const,
      items: [copy(7, 2), { procedure: 'ly-lich-tu-phap', quantities: { certificates: 3 } }],
    };
    expect(assess(defaultSchedules, req)).toEqual(assess(defaultSchedules, req));
  });
});
