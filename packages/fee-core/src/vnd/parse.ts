import { VND_PARSE_REASONS as R, VndParseError } from '../errors.js';

// Currency words clerks type after the number, longest first; matched case-insensitively after NFC.
const CURRENCY_SUFFIX = /\s*(?:đồng|dong|vnđ|vnd|đ|₫|d)\s*$/iu;
const CURRENCY_PREFIX = /^\s*(?:vnđ|vnd|₫)\s*/iu;

/**
 * Reads an amount of đồng as clerks type it: `1.234.000`, `1,234,000`, `1 234 000`, `1234000đ`,
 * `1.234.000 đồng`, `1.234.000 ₫`, `VND 1234000`. Digits may be grouped by `.`, `,` or spaces, in groups of 3,
 * with one kind of separator. VND has no minor unit, so anything that looks like a fraction (`1.234,50`,
 * `12.5`) is an error rather than a guess.
 *
 * @returns a non-negative safe integer
 * @throws {@link VndParseError} saying what is wrong
 * @example
 * parseVnd('1.234.000 đồng') // 1234000
 * parseVnd('1,234,000') // 1234000
 * @public
 */
export function parseVnd(text: string): number {
  if (typeof text !== 'string') throw new VndParseError(String(text), R.notString);
  const body = text.normalize('NFC').replace(CURRENCY_PREFIX, '').replace(CURRENCY_SUFFIX, '').trim();
  if (body === '') throw new VndParseError(text, R.noDigits);
  if (body.startsWith('-')) throw new VndParseError(text, R.negative);
  if (/^\d+$/.test(body)) return checked(text, body);
  if (/[^\d.,\s\u00a0\u202f]/.test(body)) throw new VndParseError(text, R.notDigit);
  // Spaces inside a number (incl. non-breaking ones) group thousands.
  const separators = new Set(body.replace(/\d/g, '').replace(/[\s\u00a0\u202f]/g, ' '));
  if (separators.size !== 1) {
    throw new VndParseError(text, R.mixedSeparators);
  }
  const [sep] = separators;
  const groups = body.split(sep === ' ' ? /[\s\u00a0\u202f]/ : sep!);
  const [head, ...rest] = groups;
  if (!/^\d{1,3}$/.test(head ?? '') || rest.some((g) => !/^\d{3}$/.test(g))) {
    throw new VndParseError(text, R.badGrouping);
  }
  return checked(text, groups.join(''));
}

function checked(text: string, digits: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw new VndParseError(text, R.tooLarge);
  return n;
}
