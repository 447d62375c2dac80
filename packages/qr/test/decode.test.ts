import { crc16ccitt, decode, encode, validate } from '@thuphi/qr';
import { describe, expect, test } from 'vitest';
import { VECTORS } from './vectors.js';

const STATIC = '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F';

/** Re-signs a hand-edited payload body so only the intended problem remains. */
function sign(body: string): string {
  return body + crc16ccitt(body);
}

describe('decode', () => {
  test('typed fields of a static QR', () => {
    expect(decode(STATIC)).toEqual({
      ok: true,
      errors: [],
      value: {
        payloadFormat: '01',
        initiation: 'static',
        bin: '970416',
        account: '257678859',
        service: 'QRIBFTTA',
        currency: '704',
        country: 'VN',
        crc: 'AE9F',
      },
    });
    expect(validate(STATIC)).toBe(true);
  });

  test('accepts tags in any order', () => {
    const p = sign(
      '0102115802VN0002015303704' + '38530010A0000007270123000697041601092576788590208QRIBFTTA' + '6304',
    );
    const r = decode(p);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({ bin: '970416', account: '257678859', initiation: 'static' });
  });

  test('CRC mismatch: strict rejects with the expected CRC, lenient returns the fields', () => {
    const bad = `${STATIC.slice(0, -4)}AE9E`;
    const strict = decode(bad);
    expect(strict.ok).toBe(false);
    expect(strict.errors).toEqual([
      {
        code: 'crc-mismatch',
        tag: '63',
        position: bad.length - 4,
        message: expect.any(String),
        expected: 'AE9F',
      },
    ]);
    expect(strict.value?.account).toBe('257678859');
    const lenient = decode(bad, { lenient: true });
    expect(lenient.ok).toBe(true);
    expect(lenient.errors).toHaveLength(1);
    expect(lenient.value?.bin).toBe('970416');
  });

  describe('a CRC written in lower case (hex is case-insensitive; MBBank and MoMo apps write it so)', () => {
    const lowerCrc = (p: string) => p.slice(0, -4) + p.slice(-4).toLowerCase();
    // Real payloads from the reference vectors (test/fixtures), with letters in their CRC.
    const mb = VECTORS.find((v) => v.source.includes('subiz/vietqr vietqr_test.go (dynamic MB)'))!.payload;
    const momoOld = VECTORS.find((v) => v.source.includes('MoMo old'))!.payload;
    // A MoMo wallet QR as the MoMo app shows it: BIN 971025, a PSP account, the MOMOW2W reference in 62.05.
    const momo = encode({
      bin: '971025',
      account: 'PSP0108100000123456',
      amount: 35000,
      referenceLabel: 'MOMOW2W0123456789',
      purpose: 'HS000123 le phi',
    });

    test.each([
      ['MBBank dynamic', mb],
      ['MoMo (BVBank 970454, tag 80)', momoOld],
      ['MoMo wallet (971025)', momo],
    ])('%s: valid in strict mode, read as upper case, re-encoded upper-case', (_name, payload) => {
      expect(payload.slice(-4)).toMatch(/[A-F]/);
      const lower = lowerCrc(payload);
      expect(lower).not.toBe(payload);
      const r = decode(lower);
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.value).toEqual(decode(payload).value);
      expect(r.value?.crc).toBe(payload.slice(-4));
      expect(validate(lower)).toBe(true);
      expect(encode(r.value!)).toBe(payload);
    });

    test('a wrong CRC in lower case is still a mismatch, reported against the upper-case value', () => {
      const wrong = `${mb.slice(0, -4)}d9c7`;
      const r = decode(wrong);
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual([
        expect.objectContaining({ code: 'crc-mismatch', tag: '63', expected: 'D9C6' }),
      ]);
      expect(decode(wrong, { lenient: true }).ok).toBe(true);
    });

    test('what is not hex at all is still a format error', () => {
      for (const crc of ['d9cg', 'D9C ', '+9c6']) {
        const r = decode(mb.slice(0, -4) + crc);
        expect(r.ok).toBe(false);
        expect(r.errors).toContainEqual(expect.objectContaining({ code: 'crc-format', tag: '63' }));
      }
    });
  });

  test.each([
    ['', 'empty', undefined],
    ['0002', 'truncated', undefined],
    ['00020', 'truncated', undefined],
    ['AB020101', 'bad-tag', undefined],
    ['00AB01', 'bad-length', '00'],
    ['000501', 'truncated', '00'],
  ])('framing error in %j → %s', (payload, code, tag) => {
    const r = decode(payload);
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ code, ...(tag ? { tag } : {}) });
  });

  test('missing required tags are named', () => {
    const r = decode(sign('000201010211' + '6304'));
    expect(r.ok).toBe(false);
    const missing = r.errors.filter((e) => e.code === 'missing-tag').map((e) => e.tag);
    expect(missing).toEqual(['38', '53', '58']);
  });

  test('duplicate tag', () => {
    const body = STATIC.slice(0, -8);
    const r = decode(sign(`${body}5802VN6304`));
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'duplicate-tag', tag: '58' }));
  });

  test('CRC must be last', () => {
    const body = STATIC.slice(0, -8);
    const r = decode(`${body}6304AE9F5802VN`);
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'crc-not-last', tag: '63' }));
  });

  test.each([
    ['54040100', '54', 'leading zero'],
    ['5407100.000', '54', 'decimal point'],
    ['540510000', null, 'fine'],
    ['5303840', '53', 'USD'],
    ['5802US', '58', 'country'],
    ['5203123', '52', 'mcc'],
    ['62090805Thanh', null, 'fine'],
    ['62310827Thanh toan le phi ho so 123', '62.08', 'memo too long'],
    ['6208080411\u00015', '62.08', 'control character'],
  ])('field check %j → %s (%s)', (field, tag, _why) => {
    // Replace the standard 53/58 if the field redefines them, to isolate the problem.
    let body = STATIC.slice(0, -8);
    if (field.startsWith('53')) body = body.replace('5303704', '');
    if (field.startsWith('58')) body = body.replace('5802VN', '');
    const r = decode(sign(`${body}${field}6304`));
    if (tag === null) expect(r.errors).toEqual([]);
    else expect(r.errors).toContainEqual(expect.objectContaining({ tag, position: expect.any(Number) }));
  });

  test('wrong GUID in 38 is not VietQR', () => {
    const p = sign(`${STATIC.slice(0, -8).replace('A000000727', 'A000000775')}6304`);
    expect(decode(p).errors[0]).toMatchObject({ code: 'not-vietqr', tag: '38.00' });
  });

  test('unknown 38 sub-tag is unexpected (the template is closed)', () => {
    const p = sign(
      '0002010102113861' +
        '0010A000000727' +
        '01230006970416010925767885902' +
        '08QRIBFTTA' +
        '0304ABCD' +
        '53037045802VN6304',
    );
    const r = decode(p);
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'unexpected-tag', tag: '38.03' }));
  });

  test('open 62 sub-tags and top-level tags are kept', () => {
    const p = sign(`${STATIC.slice(0, -8)}62085004ABCD80030466304`);
    const r = decode(p);
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ extraAdditionalTags: { '50': 'ABCD' }, extraTags: { '80': '046' } });
    expect(encode(r.value!)).toBe(p);
  });

  test('never throws on non-strings', () => {
    for (const x of [undefined, null, 42, {}, [], Symbol('x')]) {
      const r = decode(x as never);
      expect(r.ok).toBe(false);
      expect(validate(x)).toBe(false);
    }
  });

  test('non-ASCII with UTF-8 byte lengths (vietqr-ts style) is read in lenient mode', () => {
    const memo = 'Thanh toán';
    const bytes = Buffer.byteLength(memo, 'utf8');
    const ad = `08${String(bytes).padStart(2, '0')}${memo}`;
    const adLen = Buffer.byteLength(ad, 'utf8');
    const p = sign(`${STATIC.slice(0, -8)}62${String(adLen).padStart(2, '0')}${ad}6304`);
    expect(decode(p).ok).toBe(false);
    const r = decode(p, { lenient: true });
    expect(r.ok).toBe(true);
    expect(r.value?.purpose).toBe(memo);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'non-ascii', tag: '62.08' })]);
  });
});
