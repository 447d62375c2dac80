/**
 * The encoder's fast path and the word-at-a-time CRC must agree exactly with the general code they shortcut:
 * the fast path may give up (then the general path runs), but never produce something different.
 */
import { encode, QrError } from '@thuphi/qr';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { asciiBytes, byteBuffer, crcBuffer, crcPrintable } from '../src/crc16.js';
import { fastEncode, generalEncode } from '../src/encode.js';
import { additionalLength, vietQrInput } from './arbitraries.js';

/** What the general path does with `x`: its payload, or the fact that it refuses. */
function general(x: unknown): string | 'refused' {
  try {
    return generalEncode(x);
  } catch (e) {
    if (e instanceof QrError) return 'refused';
    throw e;
  }
}

/** Bit-by-bit CRC-16/CCITT-FALSE. */
function referenceCrc(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]! << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const BASE = { bin: '970436', account: '0011001932418' };

describe('encoder fast path', () => {
  test('takes every plain input and writes what the general path writes', () => {
    fc.assert(
      fc.property(vietQrInput, (input) => {
        const { extraTags: _t, extraAdditionalTags: _a, ...x } = input;
        fc.pre(additionalLength(x) <= 99);
        const fast = fastEncode(x);
        expect(fast).toBeDefined();
        expect(fast).toBe(general(x));
      }),
      { numRuns: 3000 },
    );
  });

  test('leaves open tags to the general path', () => {
    expect(fastEncode({ ...BASE, extraTags: { '80': 'x' } })).toBeUndefined();
    expect(fastEncode({ ...BASE, extraAdditionalTags: { '50': 'x' } })).toBeUndefined();
  });

  test.each([
    ['a control character that folds onto a digit', { account: '0011\u0010932418' }],
    ['a control character in a text field', { purpose: 'HS1\u001f' }],
    ['DEL in a text field', { merchantName: 'A\u007fB' }],
    ['non-ASCII text', { purpose: 'Lệ phí' }],
    ['a lone surrogate', { purpose: 'x\ud800' }],
    ['a card number with a letter', { service: 'QRIBFTTC', account: '97040311A' }],
    ['an unknown key', { memo: 'x' }],
    ['an unknown key holding undefined', { memo: undefined }],
    ['a known key holding null', { mcc: null }],
    ['a fractional amount', { amount: 12.5 }],
    ['an amount of 10^13', { amount: 10_000_000_000_000 }],
    ['a number where text belongs', { purpose: 42 }],
    ['a 62.09 with a repeated letter', { consumerDataRequest: 'AMA' }],
    [
      'tag 62 over 99 characters',
      {
        billNumber: 'B'.repeat(25),
        storeLabel: 'S'.repeat(25),
        terminalLabel: 'T'.repeat(25),
        purpose: 'P'.repeat(25),
      },
    ],
  ])('gives up on %s, and the general path decides', (_, patch) => {
    const x = { ...BASE, ...patch };
    expect(fastEncode(x)).toBeUndefined();
    const g = general(x);
    if (g === 'refused') expect(() => encode(x as never)).toThrow(QrError);
    else expect(encode(x as never)).toBe(g);
  });

  test('edge values it takes match the general path', () => {
    for (const patch of [
      { amount: 9_999_999_999_999 },
      { amount: 1 },
      { account: 'A'.repeat(19) },
      { account: 'z' },
      { service: 'QRIBFTTC' as const, account: '1'.repeat(19) },
      { merchantName: ' '.repeat(25), merchantCity: '~'.repeat(15) },
      { purpose: '' },
      { consumerDataRequest: 'EMA' },
      { initiation: 'static' as const, amount: 5 },
      { payloadFormat: '01', currency: '704', country: 'VN', crc: 'ABCD' },
    ]) {
      const x = { ...BASE, ...patch };
      expect(fastEncode(x)).toBe(general(x));
    }
  });

  test('on arbitrary input it either gives up or agrees with the general path', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            bin: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string({ maxLength: 7 })),
            account: fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{1,19}$/), fc.string({ maxLength: 20 })),
            amount: fc.oneof(fc.integer({ min: -5, max: 10_000_000 }), fc.double(), fc.constant(undefined)),
            purpose: fc.oneof(fc.string({ maxLength: 26, unit: 'binary' }), fc.constant(undefined)),
            merchantCity: fc.oneof(fc.string({ maxLength: 16 }), fc.integer()),
            consumerDataRequest: fc.oneof(fc.stringMatching(/^[AMEX]{0,4}$/), fc.constant(undefined)),
          },
          { requiredKeys: ['bin', 'account'] },
        ),
        (x) => {
          const fast = fastEncode(x);
          if (fast !== undefined) expect(fast).toBe(general(x));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('word-at-a-time CRC', () => {
  test('crcBuffer matches a bitwise CRC at every length and start', () => {
    const buffer = byteBuffer(64);
    for (let i = 0; i < 64; i++) buffer.bytes[i] = (i * 73 + 41) & 0xff;
    for (let n = 0; n <= 64; n++) {
      expect(crcBuffer(buffer, n)).toBe(referenceCrc(buffer.bytes, 0, n));
      for (let from = 4; from <= n; from += 4) {
        expect(crcBuffer(buffer, n, from, referenceCrc(buffer.bytes, 0, from))).toBe(
          referenceCrc(buffer.bytes, 0, n),
        );
      }
    }
  });

  test('crcPrintable flags exactly the bytes outside 0x20-0x7E, in any lane', () => {
    const base = 'The quick brown fox jumps over 13 lazy dogs!';
    for (let n = 0; n <= base.length; n++) {
      const clean = asciiBytes(base)!;
      expect(crcPrintable(clean, n)).toBe(referenceCrc(clean.bytes, 0, n));
      for (let at = 0; at < n; at++) {
        for (const code of [0x00, 0x1f, 0x20, 0x7e, 0x7f]) {
          const s = base.slice(0, at) + String.fromCharCode(code) + base.slice(at + 1);
          const bytes = asciiBytes(s)!;
          const printable = code >= 0x20 && code <= 0x7e;
          expect(crcPrintable(bytes, n)).toBe(printable ? referenceCrc(bytes.bytes, 0, n) : -1);
        }
      }
    }
  });

  test('asciiBytes refuses non-ASCII and over-long text', () => {
    expect(asciiBytes('abc')).toBeDefined();
    expect(asciiBytes('ab\u0080')).toBeUndefined();
    expect(asciiBytes('đ')).toBeUndefined();
    expect(asciiBytes('\ud800')).toBeUndefined();
    expect(asciiBytes('x'.repeat(4096))).toBeDefined();
    expect(asciiBytes('x'.repeat(4097))).toBeUndefined();
  });
});
