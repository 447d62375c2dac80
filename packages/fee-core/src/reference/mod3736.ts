/** The 36 characters of a reference code, in ISO/IEC 7064 value order: '0'..'9' = 0..9, 'A'..'Z' = 10..35. */
export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * ISO/IEC 7064 MOD 37,36 hybrid check character of `payload` (characters of {@link ALPHABET}).
 * A hybrid system keeps the check character inside the alphabet (no extra '*'), and still catches every single
 * substitution and nearly every adjacent transposition — the errors people make retyping a memo.
 *
 * @throws RangeError for a character outside the alphabet
 * @example
 * mod3736CheckChar('TP12345678') // one of 0-9A-Z
 * @public
 */
export function mod3736CheckChar(payload: string): string {
  let p = 36;
  for (const ch of payload) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new RangeError(`Character ${JSON.stringify(ch)} is not in [0-9A-Z]`);
    p = (p + v) % 36;
    if (p === 0) p = 36;
    p = (p * 2) % 37;
  }
  // The check value c makes the running sum ≡ 1 (mod 36), which is what validation tests.
  return ALPHABET[(37 - p) % 36] as string;
}
