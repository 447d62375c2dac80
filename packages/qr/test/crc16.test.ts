import { crc16ccitt } from '@thuphi/qr';
import { describe, expect, test } from 'vitest';

/** Bit-by-bit CRC-16/CCITT-FALSE, independent of the table-driven implementation. */
function reference(bytes: Uint8Array): string {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

describe('crc16ccitt (CRC-16/CCITT-FALSE)', () => {
  test('check value', () => {
    expect(crc16ccitt('123456789')).toBe('29B1');
  });
  test('empty input is the init value', () => {
    expect(crc16ccitt('')).toBe('FFFF');
  });
  test('always 4 upper-case hex digits, zero padded', () => {
    // Brute-force a few inputs whose CRC is below 0x1000 (subiz/vietqr printed these with 3 digits).
    let found = 0;
    for (let i = 0; i < 20_000 && found < 3; i++) {
      const c = crc16ccitt(`x${i}`);
      expect(c).toMatch(/^[0-9A-F]{4}$/);
      if (c.startsWith('0')) found++;
    }
    expect(found).toBe(3);
  });
  test('computed over UTF-8 bytes, not UTF-16 units (matches a bitwise reference)', () => {
    for (const text of ['đ', 'Thanh toán hóa đơn', 'a😀b', 'plain ASCII 123', '\u0000\u007f\u0080']) {
      expect(crc16ccitt(text)).toBe(reference(Buffer.from(text, 'utf8')));
    }
    expect(crc16ccitt('đ')).not.toBe(reference(Buffer.from([0x11, 0x01])));
  });
  test('VietQR vector CRC', () => {
    const body = '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304';
    expect(crc16ccitt(body)).toBe('AE9F');
  });
});
