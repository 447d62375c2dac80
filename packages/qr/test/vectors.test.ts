import { decode, encode } from '@thuphi/qr';
import { describe, expect, test } from 'vitest';
import { expectedFields, REJECTED, SPECIAL, specialFor, VECTORS } from './vectors.js';

describe('reference vectors (vietqr-vectors.json)', () => {
  test('file has the vectors we expect, and each special case is matched once', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(26);
    for (const key of Object.keys(SPECIAL)) {
      expect(VECTORS.filter((v) => v.source.includes(key))).toHaveLength(1);
    }
  });

  for (const v of VECTORS) {
    const special = specialFor(v.source);
    if (!special) {
      test(`decodes and re-encodes byte-identically: ${v.source}`, () => {
        const r = decode(v.payload);
        expect(r.errors).toEqual([]);
        expect(r.ok).toBe(true);
        expect(r.value).toEqual(expectedFields(v.decoded!));
        expect(encode(r.value!)).toBe(v.payload);
      });
    } else {
      test(`special (${special.why}): ${v.source}`, () => {
        const strict = decode(v.payload);
        expect(strict.ok).toBe(false);
        expect(strict.errors.some((e) => e.code === special.strictCode && e.tag === special.tag)).toBe(true);
        const lenient = decode(v.payload, { lenient: true });
        expect(lenient.ok).toBe(special.lenient);
        if (special.lenient) {
          expect(lenient.value).toEqual(expectedFields(v.decoded!));
          // The encoder refuses what made the vector odd, with an error naming the field.
          expect(() => encode(lenient.value!)).toThrow(/payloadFormat|merchantName/);
        }
      });
    }
  }
});

describe('rejected vectors (vietqr-vectors-rejected.json)', () => {
  test.each(REJECTED.map((v) => [v.source, v] as const))('%s', (_source, v) => {
    const r = decode(v.payload);
    expect(r.ok).toBe(false);
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(typeof e.code).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.position).toBeTypeOf('number');
    }
  });

  test('framing errors point at the exact character', () => {
    const [subiz, payos, react, mock, user] = REJECTED;
    expect(decode(subiz!.payload).errors[0]).toMatchObject({ code: 'bad-tag', position: 97 });
    expect(decode(payos!.payload).errors[0]).toMatchObject({ code: 'bad-tag', position: 114 });
    expect(decode(react!.payload).errors[0]).toMatchObject({ code: 'truncated', position: 89 });
    expect(decode(mock!.payload).errors[0]).toMatchObject({ code: 'truncated', position: 89 });
    // The last one is well-formed but its CRC is wrong: strict rejects, lenient returns the fields.
    expect(decode(user!.payload).errors).toEqual([
      expect.objectContaining({ code: 'crc-mismatch', tag: '63', expected: 'F067', position: 100 }),
    ]);
    const lenient = decode(user!.payload, { lenient: true });
    expect(lenient.ok).toBe(true);
    expect(lenient.value).toMatchObject({ bin: '970436', account: '0123456789', merchantName: 'TEST USER' });
  });
});
