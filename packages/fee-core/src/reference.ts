/**
 * @module Payment reference codes (mã thanh toán): `TP` + 8 random [0-9A-Z] + 1 ISO 7064 MOD 37,36 check char.
 *
 * 11 characters of [A-Z0-9] only: fits every bank memo (VietQR memo ≤ 25), survives banks that upper-case,
 * lower-case or strip punctuation, and the check char rejects almost every accidental match in free text.
 */
import { ALPHABET, mod3736CheckChar } from './reference/mod3736.js';

/** Fixed prefix of every reference code. */
export const REFERENCE_PREFIX = 'TP';
const BODY_LENGTH = 8;
/** Total length of a reference code. */
export const REFERENCE_LENGTH = REFERENCE_PREFIX.length + BODY_LENGTH + 1;
const REFERENCE_RE = new RegExp(`^${REFERENCE_PREFIX}[0-9A-Z]{${BODY_LENGTH + 1}}$`);

// Uniform index in [0, 36) from the platform CSPRNG. Bytes ≥ 252 are rejected: 256 is not a multiple of 36,
// so keeping them would make the first characters slightly more likely.
function secureIndex(): number {
  const buf = new Uint8Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const b = buf[0] as number;
    if (b < 252) return b % 36;
  }
}

/**
 * Generates a new payment reference code.
 *
 * @param random - for tests only: a `Math.random`-like source. Default: `crypto.getRandomValues`.
 * @returns e.g. `'TP7K2M9Q4XA'`
 * @example
 * const code = generateReference(); // 'TP' + 8 chars + check char
 * isValidReference(code) // true
 * @public
 */
export function generateReference(random?: () => number): string {
  let body = REFERENCE_PREFIX;
  for (let i = 0; i < BODY_LENGTH; i++) {
    const idx = random === undefined ? secureIndex() : Math.min(35, Math.floor(random() * 36));
    body += ALPHABET[idx];
  }
  return body + mod3736CheckChar(body);
}

/**
 * True if `code` is exactly a well-formed reference code with a correct check character (case-sensitive: use
 * {@link findReferences} for text from a bank).
 *
 * @example
 * isValidReference(generateReference()) // true
 * isValidReference('TP00000000X') // false unless X is the check char
 * @public
 */
export function isValidReference(code: string): boolean {
  return (
    typeof code === 'string' &&
    REFERENCE_RE.test(code) &&
    mod3736CheckChar(code.slice(0, -1)) === code.slice(-1)
  );
}

/** Upper-case, strip Vietnamese diacritics (đ → D), keep only [A-Z0-9]. */
function compact(memo: string): string {
  return memo
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/**
 * Finds the valid reference codes in a bank transfer memo, however the bank mangled it: lower-cased, split by
 * spaces or punctuation, wrapped in trace prefixes (`MBVCB.6998628625.…`, `884114.100924.223854.…`) or FT refs.
 * The memo is compacted to [A-Z0-9] and every 11-character window starting with `TP` is checked, so a code
 * split anywhere is still found; the check char keeps windows that merely straddle words from matching
 * (≈1 in 36 of the rare windows that start with `TP`).
 *
 * @returns distinct valid codes, in order of appearance
 * @example
 * findReferences('MBVCB.123.tp7k2m 9q4xa.CT tu 0071 NGUYEN VAN A') // ['TP7K2M9Q4XA'] if that code is valid
 * @public
 */
export function findReferences(memo: string): string[] {
  if (typeof memo !== 'string') return [];
  const text = compact(memo);
  const found: string[] = [];
  // Advance one character at a time (not past a match): a spurious window overlapping a real code must not
  // hide the real one.
  for (let i = text.indexOf(REFERENCE_PREFIX); i >= 0; i = text.indexOf(REFERENCE_PREFIX, i + 1)) {
    const candidate = text.slice(i, i + REFERENCE_LENGTH);
    if (candidate.length === REFERENCE_LENGTH && isValidReference(candidate) && !found.includes(candidate)) {
      found.push(candidate);
    }
  }
  return found;
}
