import { decode, encode, QrError } from '@thuphi/qr';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeGeneral } from '../src/decode.js';
import { fastDecode } from '../src/fast-decode.js';
import { additionalLength, vietQrInput } from './arbitraries.js';

function normalForm(x: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...x };
  // Empty dictionaries are not emitted, so they do not come back.
  for (const k of ['extraTags', 'extraAdditionalTags']) {
    if (out[k] && Object.keys(out[k] as object).length === 0) delete out[k];
  }
  return out;
}

describe('round-trip properties', () => {
  test('decode(encode(x)) = x, or encode refuses with a named field (tag 62 over 99)', () => {
    fc.assert(
      fc.property(vietQrInput, (x) => {
        if (additionalLength(x) > 99) {
          expect(() => encode(x)).toThrow(QrError);
          return;
        }
        const payload = encode(x);
        expect(payload).toMatch(/^[\x20-\x7e]+$/);
        const r = decode(payload);
        expect(r.errors).toEqual([]);
        const { payloadFormat, currency, country, crc, ...rest } = r.value!;
        expect({ payloadFormat, currency, country }).toEqual({
          payloadFormat: '01',
          currency: '704',
          country: 'VN',
        });
        expect(crc).toBe(payload.slice(-4));
        expect(rest).toEqual(normalForm(x as unknown as Record<string, unknown>));
      }),
      { numRuns: 3000 },
    );
  }, 60_000);

  test('encode(decode(s)) = s for every payload the encoder can produce', () => {
    fc.assert(
      fc.property(vietQrInput, (x) => {
        fc.pre(additionalLength(x) <= 99);
        const s = encode(x);
        const r = decode(s);
        expect(r.ok).toBe(true);
        expect(encode(r.value!)).toBe(s);
        // Both decoder paths give the same fields.
        expect(fastDecode(s)).toEqual(r.value);
        expect(decodeGeneral(s, false)).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);

  test('every single-character change of a valid payload is detected', () => {
    fc.assert(
      fc.property(vietQrInput, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (x, at, code) => {
        fc.pre(additionalLength(x) <= 99);
        const s = encode(x);
        const i = at % s.length;
        const ch = String.fromCharCode(code);
        fc.pre(s[i] !== ch);
        // The CRC's hex digits are case-insensitive (a lower-case CRC is valid): changing only the case of
        // one of the last four characters changes nothing the payload says.
        fc.pre(!(i >= s.length - 4 && s[i]!.toLowerCase() === ch.toLowerCase()));
        const changed = s.slice(0, i) + ch + s.slice(i + 1);
        expect(decode(changed).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});
