/**
 * @module Amount in words (số tiền bằng chữ), as receipts require (NĐ 123/2020 Điều 32, NĐ 254/2026 Điều 23).
 */

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

/** Regional and stylistic choices; defaults are the usual northern written style of receipts. */
export interface VndInWordsOptions {
  /** 4 after "mươi": `bốn` (default, "ba mươi bốn") or `tư` ("ba mươi tư"). "mười bốn" is always "bốn". */
  four?: 'bốn' | 'tư';
  /** The word for an empty tens place: `linh` (default, "một trăm linh năm") or `lẻ`. */
  zeroTens?: 'linh' | 'lẻ';
  /** `nghìn` (default) or the southern `ngàn`. */
  thousand?: 'nghìn' | 'ngàn';
}

/** The largest amount read: one million billion (10^15), beyond any fee. */
export const MAX_VND_IN_WORDS = 1_000_000_000_000_000;

function digit(n: number): string {
  return DIGITS[n] as string;
}

// Reads 0..999. `full` = a higher group was already read, so leading zeros are spoken ("không trăm linh năm").
function readTriple(n: number, full: boolean, o: Required<VndInWordsOptions>): string[] {
  const h = Math.floor(n / 100);
  const t = Math.floor(n / 10) % 10;
  const u = n % 10;
  const out: string[] = [];
  if (full || h > 0) out.push(digit(h), 'trăm');
  if (t === 0) {
    if (u > 0 && (full || h > 0)) out.push(o.zeroTens);
  } else if (t === 1) {
    out.push('mười'); // 10–19: "mười", never "một mươi"
  } else {
    out.push(digit(t), 'mươi');
  }
  if (u > 0) {
    if (u === 1 && t >= 2)
      out.push('mốt'); // 21 "hai mươi mốt", but 11 "mười một"
    else if (u === 5 && t >= 1)
      out.push('lăm'); // 15 "mười lăm", 25 "hai mươi lăm", but 105 "linh năm"
    else if (u === 4 && t >= 2) out.push(o.four);
    else out.push(digit(u));
  }
  return out;
}

// Reads 0 < n < 10^9 with "triệu" and "nghìn"; `full` as in readTriple.
function readBelowBillion(n: number, full: boolean, o: Required<VndInWordsOptions>): string[] {
  const groups: [number, string | undefined][] = [
    [Math.floor(n / 1_000_000), 'triệu'],
    [Math.floor(n / 1000) % 1000, o.thousand],
    [n % 1000, undefined],
  ];
  const out: string[] = [];
  let started = full;
  for (const [g, unit] of groups) {
    if (g === 0) continue; // empty groups are silent: 1.000.005 → "một triệu không trăm linh năm"
    out.push(...readTriple(g, started, o));
    if (unit) out.push(unit);
    started = true;
  }
  return out;
}

// Billions recurse: 1.002 tỷ → "một nghìn không trăm linh hai tỷ", 10^15 → "một triệu tỷ".
function read(n: number, o: Required<VndInWordsOptions>): string[] {
  if (n < 1_000_000_000) return readBelowBillion(n, false, o);
  const high = Math.floor(n / 1_000_000_000);
  const low = n % 1_000_000_000;
  return [...read(high, o), 'tỷ', ...(low > 0 ? readBelowBillion(low, true, o) : [])];
}

/**
 * Writes an integer amount of đồng in Vietnamese words, capitalised, ending in "đồng".
 *
 * @param amount - integer, 0 ≤ amount ≤ 10^15
 * @throws RangeError outside that range or for a non-integer
 * @example
 * vndInWords(1234000) // 'Một triệu hai trăm ba mươi bốn nghìn đồng'
 * vndInWords(21_000) // 'Hai mươi mốt nghìn đồng'
 * @public
 */
export function vndInWords(amount: number, options: VndInWordsOptions = {}): string {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_VND_IN_WORDS) {
    throw new RangeError(`vndInWords: amount must be an integer in [0, 10^15], got ${amount}`);
  }
  const o: Required<VndInWordsOptions> = { four: 'bốn', zeroTens: 'linh', thousand: 'nghìn', ...options };
  const words = amount === 0 ? ['không'] : read(amount, o);
  const text = `${words.join(' ')} đồng`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
