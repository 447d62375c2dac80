import { decode, encode, QrError, type QrIssue } from '@thuphi/qr';
import { describe, expect, test } from 'vitest';

function issuesOf(fn: () => unknown): QrIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(QrError);
    return (e as QrError).issues;
  }
  throw new Error('expected a QrError');
}

describe('encode', () => {
  test('static account QR matches the vietnam-qr-pay README', () => {
    expect(encode({ bin: '970416', account: '257678859' })).toBe(
      '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F',
    );
  });

  test('amount makes it dynamic by default; purpose goes to 62.08', () => {
    expect(encode({ bin: '970416', account: '257678859', amount: 10000, purpose: 'Chuyen tien' })).toBe(
      '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6',
    );
  });

  test('explicit initiation overrides the default', () => {
    const p = encode({ bin: '970416', account: '257678859', amount: 5, initiation: 'static' });
    expect(decode(p).value).toMatchObject({ initiation: 'static', amount: 5 });
  });

  test('card service (NAPAS spec example)', () => {
    expect(encode({ bin: '970403', account: '9704031101234567', service: 'QRIBFTTC' })).toBe(
      '00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52',
    );
  });

  test('all optional fields and open tags round-trip, tags in ascending order', () => {
    const input = {
      bin: '970436',
      account: '0011001932418',
      amount: 8000,
      mcc: '9399',
      merchantName: 'UBND XA A',
      merchantCity: 'LAO CAI',
      billNumber: 'B1',
      mobileNumber: '0912345678',
      storeLabel: 'S',
      loyaltyNumber: 'L',
      referenceLabel: 'R',
      customerLabel: 'C',
      terminalLabel: 'T',
      purpose: 'HS000123 le phi',
      consumerDataRequest: 'AM',
      extraAdditionalTags: { '50': 'x' },
      extraTags: { '80': '046', '15': 'abc' },
    };
    const p = encode(input);
    const ids: string[] = [];
    for (let at = 0; at < p.length; at += 4 + Number(p.slice(at + 2, at + 4))) ids.push(p.slice(at, at + 2));
    expect(ids).toEqual(['00', '01', '15', '38', '52', '53', '54', '58', '59', '60', '62', '80', '63']);
    const r = decode(p);
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({
      ...input,
      payloadFormat: '01',
      initiation: 'dynamic',
      service: 'QRIBFTTA',
      currency: '704',
      country: 'VN',
      crc: p.slice(-4),
      extraTags: { '15': 'abc', '80': '046' },
    });
  });

  test('empty purpose is kept as a zero-length 62.08 (payOS static VA style)', () => {
    const p = encode({ bin: '970422', account: 'VQRQACUZG4230', billNumber: 'NPS6869', purpose: '' });
    expect(p).toBe(
      '00020101021138570010A000000727012700069704220113VQRQACUZG42300208QRIBFTTA53037045802VN62150107NPS6869080063043993',
    );
  });

  test('a value that does not fit is an error naming the field, never truncated', () => {
    const issues = issuesOf(() =>
      encode({ bin: '970436', account: '0011001932418', purpose: 'Thanh toan le phi ho so so 123456' }),
    );
    expect(issues).toEqual([expect.objectContaining({ code: 'too-long', tag: 'purpose' })]);
  });

  test('every bad field is reported at once', () => {
    const issues = issuesOf(() =>
      encode({
        bin: '97043',
        account: '00-11',
        amount: 12.5,
        purpose: 'Lệ phí',
        merchantCity: 'x'.repeat(16),
        mcc: '12',
      }),
    );
    expect(issues.map((i) => i.tag).sort()).toEqual([
      'account',
      'amount',
      'bin',
      'mcc',
      'merchantCity',
      'purpose',
    ]);
    for (const i of issues) expect(i.expected).toBeTruthy();
  });

  test.each([
    [{ amount: 0 }, 'amount'],
    [{ amount: -1 }, 'amount'],
    [{ amount: 10_000_000_000_000 }, 'amount'],
    [{ amount: Number.NaN }, 'amount'],
    [{ service: 'QRPUSH' }, 'service'],
    [{ service: 'QRIBFTTC', account: '97040311A' }, 'account'],
    [{ account: '12345678901234567890' }, 'account'],
    [{ account: '' }, 'account'],
    [{ initiation: 'once' }, 'initiation'],
    [{ consumerDataRequest: 'AA' }, 'consumerDataRequest'],
    [{ extraTags: { '38': 'x' } }, 'extraTags.38'],
    [{ extraTags: { '8': 'x' } }, 'extraTags.8'],
    [{ extraTags: { '80': 'đ' } }, 'extraTags.80'],
    [{ extraAdditionalTags: { '08': 'x' } }, 'extraAdditionalTags.08'],
    [{ memo: 'typo for purpose' }, 'memo'],
    [{ currency: '840' }, 'currency'],
  ])('rejects %j (%s)', (patch, tag) => {
    const issues = issuesOf(() => encode({ bin: '970436', account: '0011001932418', ...patch } as never));
    expect(issues.map((i) => i.tag)).toContain(tag);
  });

  test('tag 62 over 99 characters is an error, not a corrupt length', () => {
    const issues = issuesOf(() =>
      encode({
        bin: '970436',
        account: '1',
        billNumber: 'B'.repeat(25),
        storeLabel: 'S'.repeat(25),
        terminalLabel: 'T'.repeat(25),
        purpose: 'P'.repeat(25),
      }),
    );
    expect(issues).toEqual([expect.objectContaining({ code: 'too-long', tag: '62' })]);
  });

  test('non-object input', () => {
    expect(() => encode(null as never)).toThrow(QrError);
    expect(() => encode('x' as never)).toThrow(QrError);
  });
});
