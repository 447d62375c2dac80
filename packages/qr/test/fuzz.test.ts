/**
 * ≥100,000 random and mutated strings into the decoder: it must always return a well-formed result (never
 * throw, never hang). A seeded PRNG keeps failures reproducible.
 */
import { type DecodeResult, decode, encode, QrError } from '@thuphi/qr';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeGeneral } from '../src/decode.js';
import { fastDecode } from '../src/fast-decode.js';
import { VECTORS } from './vectors.js';

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

const rand = splitmix32(0x7e57);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const ALPHABETS = [
  '0123456789',
  '0123456789ABCDEF',
  '0123456789AQRIBFTVN ',
  Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''),
  'đĐáàẢ😀\u0000\u001f\u007f\ud800\udc00\ufffe0123456789',
];

function randomString(): string {
  const alphabet = pick(ALPHABETS);
  const n = int(200);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
  return s;
}

const SEEDS = [
  ...VECTORS.map((v) => v.payload),
  encode({ bin: '970436', account: '0011001932418', amount: 8000, purpose: 'HS000123', billNumber: 'B1' }),
];

function mutate(s: string): string {
  let out = s;
  const steps = 1 + int(3);
  for (let k = 0; k < steps; k++) {
    const i = int(out.length + 1);
    switch (int(7)) {
      case 0: // replace a character
        out = out.slice(0, i) + String.fromCharCode(32 + int(95)) + out.slice(i + 1);
        break;
      case 1: // delete a run
        out = out.slice(0, i) + out.slice(i + 1 + int(6));
        break;
      case 2: // insert a digit pair (plausible tag or length)
        out = `${out.slice(0, i)}${int(10)}${int(10)}${out.slice(i)}`;
        break;
      case 3: // duplicate a segment
        out = out.slice(0, i) + out.slice(i, i + int(20)) + out.slice(i);
        break;
      case 4: // truncate
        out = out.slice(0, i);
        break;
      case 5: // non-ASCII
        out = out.slice(0, i) + pick(['đ', 'Ệ', '😀', '\ud800', '\u0000']) + out.slice(i);
        break;
      default: // splice two payloads
        out = out.slice(0, i) + pick(SEEDS).slice(int(60));
    }
  }
  return out;
}

function checkShape(r: DecodeResult): void {
  expect(typeof r.ok).toBe('boolean');
  expect(Array.isArray(r.errors)).toBe(true);
  if (r.ok) expect(r.value).toBeDefined();
  else expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors)
    if (typeof e.code !== 'string' || typeof e.message !== 'string') throw new Error('bad issue');
}

describe('encoder robustness', () => {
  test('encode(anything) returns a string or throws QrError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            bin: fc.oneof(fc.string(), fc.stringMatching(/^\d{6}$/), fc.integer()),
            account: fc.oneof(fc.string({ maxLength: 25 }), fc.constant(null)),
            amount: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.bigInt()),
            purpose: fc.oneof(fc.string({ maxLength: 30, unit: 'grapheme' }), fc.object()),
            extraTags: fc.oneof(fc.object(), fc.dictionary(fc.string({ maxLength: 3 }), fc.anything())),
          }),
        ),
        (x) => {
          try {
            expect(typeof encode(x as never)).toBe('string');
          } catch (e) {
            if (!(e instanceof QrError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('decoder fuzz', () => {
  test('fast path and general decoder agree on every reference vector and on encoder output', () => {
    for (const s of SEEDS) {
      const general = decodeGeneral(s, false);
      const fast = fastDecode(s);
      if (general.ok && general.errors.length === 0) expect(fast).toEqual(general.value);
      else expect(fast).toBeUndefined();
    }
  });

  test('100,000 random and mutated strings: well-formed result, no throw', () => {
    let accepted = 0;
    for (let n = 0; n < 100_000; n++) {
      const s = n % 3 === 0 ? randomString() : mutate(pick(SEEDS));
      const strict = decode(s);
      const lenient = decode(s, { lenient: true });
      // Manual checks in the hot loop: expect() per iteration would dominate the run time.
      if (typeof strict.ok !== 'boolean' || typeof lenient.ok !== 'boolean')
        throw new Error(`bad result for ${s}`);
      if (strict.ok && !lenient.ok)
        throw new Error(`strict accepted but lenient refused: ${JSON.stringify(s)}`);
      if (n % 1000 === 0) {
        checkShape(strict);
        checkShape(lenient);
      }
      // The fast path may only accept what the general decoder accepts, with the same fields.
      const fast = fastDecode(s);
      if (fast !== undefined) {
        const general = decodeGeneral(s, false);
        expect(general).toEqual({ ok: true, value: fast, errors: [] });
      }
      if (strict.ok) {
        accepted++;
        // Anything the strict decoder accepts, the encoder can write again and it decodes to the same fields.
        const again = decode(encode(strict.value));
        expect({ ...again.value, crc: '' }).toEqual({ ...strict.value, crc: '' });
      }
      if (lenient.ok && !strict.ok) {
        try {
          encode(lenient.value);
        } catch (e) {
          if (!(e instanceof QrError)) throw e;
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
  }, 60_000);

  test('large inputs finish (linear work): 1 MB of zeros, digits, and a deep repeat', () => {
    for (const s of [
      '0'.repeat(1_000_000),
      '0199'.repeat(250_000),
      `${'9'.repeat(999_999)}`,
      `${SEEDS[0]!.repeat(5000)}`,
    ]) {
      const r = decode(s);
      expect(r.ok).toBe(false);
      expect(r.errors.length).toBeLessThanOrEqual(51);
    }
    const dup = decode('0000'.repeat(10_000));
    expect(dup.errors).toHaveLength(51);
    expect(dup.errors[50]).toMatchObject({ code: 'too-many-issues' });
  });
});
