import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatVnd, MAX_VND_IN_WORDS, parseVnd, VndParseError, vndInWords } from '../src/index.js';

describe('formatVnd', () => {
  it.each([
    [0, '0 ₫'],
    [5, '5 ₫'],
    [999, '999 ₫'],
    [1000, '1.000 ₫'],
    [1234000, '1.234.000 ₫'],
    [500_000_000, '500.000.000 ₫'],
    [Number.MAX_SAFE_INTEGER, '9.007.199.254.740.991 ₫'],
    [-25000, '-25.000 ₫'],
  ])('%d → %s', (n, s) => {
    expect(formatVnd(n)).toBe(s);
  });
  it('refuses non-integers', () => {
    expect(() => formatVnd(1.5)).toThrow(RangeError);
    expect(() => formatVnd(2 ** 53)).toThrow(RangeError);
  });
});

describe('parseVnd', () => {
  it.each([
    ['1.234.000', 1234000],
    ['1,234,000', 1234000],
    ['1234000', 1234000],
    ['1234000đ', 1234000],
    ['1234000 đ', 1234000],
    ['1.234.000 đồng', 1234000],
    ['1.234.000 Đồng', 1234000],
    ['1.234.000 ₫', 1234000],
    ['1.234.000₫', 1234000],
    ['1 234 000', 1234000],
    ['1\u00a0234\u00a0000 ₫', 1234000],
    ['200000 VND', 200000],
    ['VND 5.000', 5000],
    ['50000 dong', 50000],
    ['  25.000  ', 25000],
    ['0', 0],
    ['1.234', 1234], // Vietnamese grouping: a dot is a thousands separator, never a decimal point
  ])('%j → %d', (s, n) => {
    expect(parseVnd(s)).toBe(n);
  });

  it.each([
    ['', 'không có chữ số'],
    ['đồng', 'không có chữ số'],
    ['-5.000', 'âm'],
    ['12.5', 'nhóm theo 3'],
    ['1.23.456', 'nhóm theo 3'],
    ['1.234,50', 'dấu phân cách'],
    ['1.234.000,00', 'dấu phân cách'],
    ['1x000', 'không phải chữ số'],
    ['một nghìn', 'không phải chữ số'],
    ['99999999999999999', 'quá lớn'],
  ])('%j → error (%s)', (s, why) => {
    expect(() => parseVnd(s)).toThrow(VndParseError);
    expect(() => parseVnd(s)).toThrow(why);
  });

  it('round-trips formatVnd (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => parseVnd(formatVnd(n)) === n),
    );
  });
});

describe('vndInWords', () => {
  it.each([
    // the brief's example
    [1234000, 'Một triệu hai trăm ba mươi bốn nghìn đồng'],
    [0, 'Không đồng'],
    // mười / mươi
    [10, 'Mười đồng'],
    [11, 'Mười một đồng'],
    [20, 'Hai mươi đồng'],
    [90_000, 'Chín mươi nghìn đồng'],
    // mốt (1 after mươi) vs một
    [21, 'Hai mươi mốt đồng'],
    [81_000, 'Tám mươi mốt nghìn đồng'],
    [101, 'Một trăm linh một đồng'],
    // lăm (5 after mười/mươi) vs năm
    [15, 'Mười lăm đồng'],
    [25_000, 'Hai mươi lăm nghìn đồng'],
    [105, 'Một trăm linh năm đồng'],
    [5_000, 'Năm nghìn đồng'],
    [215_000, 'Hai trăm mười lăm nghìn đồng'],
    // linh (empty tens) and "không trăm" inside a number
    [1_005, 'Một nghìn không trăm linh năm đồng'],
    [1_050_000, 'Một triệu không trăm năm mươi nghìn đồng'],
    [1_000_005, 'Một triệu không trăm linh năm đồng'],
    [200_008_000, 'Hai trăm triệu không trăm linh tám nghìn đồng'],
    // bốn after mười stays bốn
    [14, 'Mười bốn đồng'],
    [24, 'Hai mươi bốn đồng'],
    // nghìn, triệu, tỷ
    [1_000, 'Một nghìn đồng'],
    [500_000_000, 'Năm trăm triệu đồng'],
    [2_000_000_000, 'Hai tỷ đồng'],
    [1_000_000_001, 'Một tỷ không trăm linh một đồng'],
    [10_000_000_000, 'Mười tỷ đồng'],
    [1_002_000_000_000, 'Một nghìn không trăm linh hai tỷ đồng'],
    [1_000_000_000_000, 'Một nghìn tỷ đồng'],
    [MAX_VND_IN_WORDS, 'Một triệu tỷ đồng'],
  ])('%d → %s', (n, s) => {
    expect(vndInWords(n)).toBe(s);
  });

  it('tư, lẻ and ngàn on request', () => {
    expect(vndInWords(24, { four: 'tư' })).toBe('Hai mươi tư đồng');
    expect(vndInWords(14, { four: 'tư' })).toBe('Mười bốn đồng'); // never "mười tư"
    expect(vndInWords(104, { four: 'tư' })).toBe('Một trăm linh bốn đồng');
    expect(vndInWords(105, { zeroTens: 'lẻ' })).toBe('Một trăm lẻ năm đồng');
    expect(vndInWords(3000, { thousand: 'ngàn' })).toBe('Ba ngàn đồng');
  });

  it('refuses amounts outside [0, 10^15] and non-integers', () => {
    expect(() => vndInWords(-1)).toThrow(RangeError);
    expect(() => vndInWords(MAX_VND_IN_WORDS + 1)).toThrow(RangeError);
    expect(() => vndInWords(1.5)).toThrow(RangeError);
  });

  describe('properties', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 0, max: MAX_VND_IN_WORDS }),
      fc.constantFrom(0, 1, 10, 15, 21, 105, 1_000_000_000, MAX_VND_IN_WORDS),
    );
    it('never throws for 0..10^15, starts with a capital, ends with "đồng"', () => {
      fc.assert(
        fc.property(amount, (n) => {
          const s = vndInWords(n);
          return /^\p{Lu}/u.test(s) && s.endsWith(' đồng') && !s.includes('  ');
        }),
      );
    });
    it('never says "một mươi", "mười không", "mươi một" or "linh" before tens', () => {
      fc.assert(
        fc.property(amount, (n) => {
          const s = vndInWords(n).toLowerCase();
          return !/một mươi|mươi một|mười không|mươi không|linh \S+ mươi|mười mốt/.test(s);
        }),
      );
    });
    it('distinct amounts read differently (sampled)', () => {
      fc.assert(fc.property(amount, amount, (a, b) => a === b || vndInWords(a) !== vndInWords(b)));
    });
  });
});
