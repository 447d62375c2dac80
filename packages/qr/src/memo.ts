/**
 * Transfer-memo rules. Banks differ in what they keep of a memo (diacritics, punctuation, length), so the
 * memo we put in 62.08 uses only what every bank keeps: ASCII letters, digits and single spaces, ≤25.
 * The payment reference goes first and is never altered, because matching depends on it.
 */
import { QrError } from './errors.js';

/** 62.08 maximum per the NAPAS table. */
export const MEMO_MAX_LENGTH = 25;

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * Removes Vietnamese diacritics (and other combining marks); `đ`→`d`, `Đ`→`D`, which NFD alone does not do.
 *
 * @example
 * stripDiacritics('Lệ phí cấp Giấy chứng nhận Đăng ký'); // 'Le phi cap Giay chung nhan Dang ky'
 */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/**
 * Text every bank keeps in a memo: diacritics removed, anything but ASCII letters and digits becomes a space,
 * spaces collapsed and trimmed.
 *
 * @example
 * bankSafeText('Phí: hồ sơ #12 (đợt 2)'); // 'Phi ho so 12 dot 2'
 */
export function bankSafeText(text: string): string {
  return stripDiacritics(text)
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim();
}

/** Options of {@link safeMemo}. */
export interface SafeMemoOptions {
  /**
   * Length bound, default 25 (NAPAS 62.08). Use 19 for api.vietqr.vn, 9 for payOS accounts not linked via payOS.
   */
  maxLength?: number;
}

/**
 * Builds a 62.08 memo that survives every bank: the payment reference first and intact, then as much of the
 * purpose as fits (made bank-safe, cut at a word boundary when possible).
 * Throws {@link QrError} if the reference itself is not bank-safe (`[A-Za-z0-9]`) or does not fit.
 *
 * @example
 * safeMemo('HS000123K', 'Lệ phí đăng ký hộ kinh doanh'); // 'HS000123K Le phi dang ky'
 */
export function safeMemo(reference: string, purpose?: string, options?: SafeMemoOptions): string {
  const max = options?.maxLength ?? MEMO_MAX_LENGTH;
  if (!Number.isInteger(max) || max < 1 || max > MEMO_MAX_LENGTH) {
    throw new QrError([
      { code: 'invalid-input', tag: 'maxLength', message: `maxLength ${String(max)}`, expected: '1-25' },
    ]);
  }
  if (typeof reference !== 'string' || !/^[A-Za-z0-9]+$/.test(reference)) {
    throw new QrError([
      {
        code: 'invalid-input',
        tag: 'reference',
        message: `payment reference ${JSON.stringify(reference)} must be letters and digits only (banks drop or split other characters)`,
        expected: '[A-Za-z0-9]+',
      },
    ]);
  }
  if (reference.length > max) {
    throw new QrError([
      {
        code: 'too-long',
        tag: 'reference',
        message: `payment reference is ${reference.length} characters; the memo allows ${max}`,
        expected: `at most ${max}`,
      },
    ]);
  }
  const room = max - reference.length - 1;
  if (purpose === undefined || room <= 0) return reference;
  const safe = bankSafeText(purpose);
  if (safe.length === 0) return reference;
  if (safe.length <= room) return `${reference} ${safe}`;
  const cut = safe.slice(0, room);
  // Prefer ending on a whole word; a partial word reads as a typo on the statement.
  const atSpace = safe[room] === ' ' ? cut : cut.slice(0, Math.max(cut.lastIndexOf(' '), 0)).trimEnd();
  const tail = atSpace.length > 0 ? atSpace : cut;
  return `${reference} ${tail}`;
}
