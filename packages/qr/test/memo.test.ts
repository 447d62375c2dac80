import { bankSafeText, decode, encode, QrError, safeMemo, stripDiacritics } from '@thuphi/qr';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

describe('memo rules', () => {
  test('stripDiacritics handles every Vietnamese vowel and đ/Đ', () => {
    expect(stripDiacritics('Lệ phí cấp Giấy chứng nhận Đăng ký')).toBe('Le phi cap Giay chung nhan Dang ky');
    expect(stripDiacritics('àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ')).toBe(
      `${'a'.repeat(17)}${'e'.repeat(11)}${'i'.repeat(5)}${'o'.repeat(17)}${'u'.repeat(11)}${'y'.repeat(5)}d`,
    );
    expect(stripDiacritics('ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐ')).toBe('AAAAAAAAAAAAAAAAAD');
  });

  test('bankSafeText keeps only letters, digits and single spaces', () => {
    expect(bankSafeText('Phí: hồ sơ #12 (đợt 2)')).toBe('Phi ho so 12 dot 2');
    expect(bankSafeText('  a--b__c  ')).toBe('a b c');
  });

  test('reference first and intact, purpose fitted at a word boundary', () => {
    expect(safeMemo('HS000123K', 'Lệ phí đăng ký hộ kinh doanh')).toBe('HS000123K Le phi dang ky');
    expect(safeMemo('HS000123K')).toBe('HS000123K');
    expect(safeMemo('HS000123K', '!!!')).toBe('HS000123K');
    expect(safeMemo('HS000123K', 'Lệ phí', { maxLength: 19 })).toBe('HS000123K Le phi');
    expect(safeMemo('HS000123K', 'Lệ phí', { maxLength: 9 })).toBe('HS000123K');
    expect(safeMemo('R1', 'Supercalifragilisticexpialidocious')).toBe('R1 Supercalifragilisticex');
  });

  test('a reference that banks would mangle or that does not fit is an error', () => {
    expect(() => safeMemo('HS-0001', 'x')).toThrow(QrError);
    expect(() => safeMemo('HS 0001')).toThrow(QrError);
    expect(() => safeMemo('A'.repeat(26))).toThrow(QrError);
    expect(() => safeMemo('ABC', 'x', { maxLength: 30 })).toThrow(QrError);
  });

  test('property: always bank-safe, ≤ bound, starts with the reference, encodable in 62.08', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9]{1,20}$/),
        fc.string({ maxLength: 80, unit: 'grapheme' }),
        fc.integer({ min: 1, max: 25 }),
        (ref, purpose, max) => {
          fc.pre(ref.length <= max);
          const memo = safeMemo(ref, purpose, { maxLength: max });
          expect(memo.length).toBeLessThanOrEqual(max);
          expect(memo.startsWith(ref)).toBe(true);
          expect(memo === ref || memo[ref.length] === ' ').toBe(true);
          expect(memo).toMatch(/^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/);
          const p = encode({ bin: '970436', account: '1', purpose: memo });
          expect(decode(p).value?.purpose).toBe(memo);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
