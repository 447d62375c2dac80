/**
 * @module Reading amounts as Vietnamese bank exports print them, strictly. VND has no minor unit,
 * so a fraction is only accepted when it is all zeros ("1.234.567,00"). A value that could be read
 * two ways ("12.000": twelve thousand, or twelve?) is only read with the file's own convention,
 * learned from its unambiguous values; without one it is refused, never guessed.
 */
import { MAX_CREDIT_VND } from '../ledger/credits.js';

/** Which character separates thousands in this file (the other one, if any, is the decimal mark). */
export type ThousandsSeparator = '.' | ',';

export type AmountReading = { ok: true; value: number } | { ok: false; reason: string };

const CURRENCY_SUFFIX = /\s*(?:vnd|vnđ|đ|₫|d)$/i;

function clean(text: string): string {
  // Spreadsheets pad with non-breaking spaces; some exports add the currency after the number.
  return text
    .replace(/[\u00a0\u202f]/g, ' ')
    .trim()
    .replace(CURRENCY_SUFFIX, '')
    .trim();
}

/**
 * What an amount's own characters say about the separator: `'.'` or `','` when only one reading
 * is possible, `undefined` when the text is plain digits or could be read either way.
 *
 * @example
 * separatorEvidence('1.234.567'); // '.'
 * separatorEvidence('1,234.00'); // ','
 * separatorEvidence('12.000'); // undefined
 */
export function separatorEvidence(text: string): ThousandsSeparator | undefined {
  const t = clean(text);
  if (
    /^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$/.test(t) ||
    /^\d{1,3}(?:\.\d{3})+,\d+$/.test(t) ||
    /^\d+,\d{1,2}$/.test(t)
  )
    return '.';
  if (
    /^\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$/.test(t) ||
    /^\d{1,3}(?:,\d{3})+\.\d+$/.test(t) ||
    /^\d+\.\d{1,2}$/.test(t)
  )
    return ',';
  return undefined;
}

/**
 * The convention of a whole file, from the evidence of all its amounts: `undefined` when none of
 * them decides it, or when they contradict each other (then ambiguous values stay refused).
 *
 * @example
 * fileSeparator(['1.500.000', '12.000']); // '.'
 */
export function fileSeparator(texts: Iterable<string>): ThousandsSeparator | undefined {
  const seen = new Set<ThousandsSeparator>();
  for (const text of texts) {
    const evidence = separatorEvidence(text);
    if (evidence) seen.add(evidence);
  }
  return seen.size === 1 ? [...seen][0] : undefined;
}

function toSafe(digits: string): AmountReading {
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || value > MAX_CREDIT_VND)
    return { ok: false, reason: `amount ${digits} is larger than any transfer we accept` };
  return { ok: true, value };
}

/**
 * Reads a non-negative whole-đồng amount: `1234567`, `1.234.567`, `1,234,567`, `1 234 567`,
 * `1.234.567,00`, `1,234,567.00` (an optional `VND`/`đ` suffix is ignored). `separator` is the
 * file's convention, needed only for values like `12.000` that have a single group of three.
 *
 * @example
 * parseVndAmount('1.234.567,00'); // { ok: true, value: 1234567 }
 * parseVndAmount('12.000'); // { ok: false, reason: '… ambiguous …' }
 * parseVndAmount('12.000', '.'); // { ok: true, value: 12000 }
 * parseVndAmount('1.234,50'); // { ok: false, reason: '… not a whole number of đồng' }
 */
export function parseVndAmount(text: string, separator?: ThousandsSeparator): AmountReading {
  const t = clean(text);
  if (t === '') return { ok: false, reason: 'amount is empty' };
  if (/^\d+$/.test(t)) return toSafe(t);
  if (/^\d{1,3}(?: \d{3})+$/.test(t)) return toSafe(t.replace(/ /g, ''));
  const sep = separatorEvidence(t) ?? separator;
  if (!sep) {
    if (/^\d{1,3}[.,]\d{3}$/.test(t))
      return {
        ok: false,
        reason: `amount "${t}" is ambiguous: "${t[t.length - 4]}" may separate thousands or decimals, and no other amount in the file says which`,
      };
    return { ok: false, reason: `"${t}" is not an amount` };
  }
  const dec = sep === '.' ? ',' : '.';
  const q = (c: string) => (c === '.' ? '\\.' : c);
  const shape = new RegExp(`^(\\d{1,3}(?:${q(sep)}\\d{3})*|\\d+)(?:${q(dec)}(\\d{1,2}))?$`);
  const m = shape.exec(t);
  if (!m) return { ok: false, reason: `"${t}" is not an amount written with "${sep}" between thousands` };
  if (m[2] !== undefined && /[1-9]/.test(m[2]))
    return { ok: false, reason: `amount "${t}" is not a whole number of đồng` };
  return toSafe(m[1]!.split(sep).join(''));
}
