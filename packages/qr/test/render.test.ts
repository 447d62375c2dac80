import {
  encode,
  escapeXml,
  formatDong,
  QrError,
  renderCounterCard,
  renderPng,
  renderSvg,
  renderTerminal,
} from '@thuphi/qr';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';

// jsqr is CommonJS with an ES-style `export default` in its typings: take whichever shape Node hands us.
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

const payload = encode({ bin: '970436', account: '0011001932418', amount: 8000, purpose: 'HS000123' });

describe('renderSvg', () => {
  test('returns an SVG document', async () => {
    const svg = await renderSvg(payload, { size: 256, margin: 2, errorCorrection: 'H' });
    expect(svg).toMatch(/^<svg [^>]*viewBox/);
    expect(svg).toContain('width="256"');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  test('refuses an invalid payload unless told otherwise', async () => {
    await expect(renderSvg('hello')).rejects.toBeInstanceOf(QrError);
    await expect(renderSvg('hello', { validate: false })).resolves.toContain('<svg');
  });

  test('checks options', async () => {
    await expect(renderSvg(payload, { margin: -1 })).rejects.toBeInstanceOf(QrError);
    await expect(renderSvg(payload, { errorCorrection: 'X' as never })).rejects.toBeInstanceOf(QrError);
  });
});

describe('renderPng / renderTerminal / renderCounterCard', () => {
  test('PNG read back by jsQR gives the same payload, at every error-correction level', async () => {
    const payloads = [
      payload,
      encode({ bin: '971025', account: 'PSP123456789000000', referenceLabel: 'MOMOW2W12345678' }),
      encode({
        bin: '970403',
        account: '9704031101234567',
        service: 'QRIBFTTC',
        amount: 9_999_999_999_999,
        billNumber: 'NPS6869',
        purpose: 'thanh toan don hang 25 ch',
        merchantName: 'UBND XA TAN THANH',
        merchantCity: 'LAO CAI',
      }),
    ];
    for (const p of payloads) {
      for (const errorCorrection of ['L', 'M', 'Q', 'H'] as const) {
        const png = await renderPng(p, { errorCorrection, margin: 4, size: 400 });
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        const image = PNG.sync.read(png);
        const read = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
        expect(read?.data).toBe(p);
      }
    }
  });

  test('terminal rendering is text with block characters', async () => {
    const text = await renderTerminal(payload);
    expect(text.split('\n').length).toBeGreaterThan(15);
    expect(text).toMatch(/[█▀▄]/);
    const plain = await renderTerminal(payload, { ansi: false, margin: 3 });
    expect(plain).not.toContain('\u001b');
    const lines = plain.split('\n').filter((l) => l.length > 0);
    // Margin 3 is rounded up to 4 modules: 2 blank text lines (2 modules each) above the code.
    expect(lines[0]).toMatch(/^ +$/);
    expect(lines[1]).toMatch(/^ +$/);
    expect(lines[2]).toMatch(/█/);
  });

  test('counter card: amount in đồng, Vietnamese labels, escaped text', async () => {
    const svg = await renderCounterCard({
      payload,
      amount: 8000,
      accountName: 'UBND XÃ TÂN THÀNH <Lào Cai> & "Co"',
      memo: 'HS000123',
      dossierCode: 'H12.34-251123-0001',
    });
    expect(svg).toContain('Số tiền: 8.000 ₫');
    expect(svg).toContain('Chủ tài khoản: UBND XÃ TÂN THÀNH &lt;Lào Cai&gt; &amp; &quot;Co&quot;');
    expect(svg).toContain('Ngân hàng: Vietcombank');
    expect(svg).toContain('Số tài khoản: 0011001932418');
    expect(svg).toContain('Nội dung: HS000123');
    expect(svg).toContain('Mã hồ sơ: H12.34-251123-0001');
    expect(svg).not.toMatch(/<(?!\/?(svg|rect|text|path)\b)/);
  });

  test('counter card refuses an amount that differs from the QR', async () => {
    await expect(renderCounterCard({ payload, amount: 9000 })).rejects.toBeInstanceOf(QrError);
    await expect(renderCounterCard({ payload: 'junk' })).rejects.toBeInstanceOf(QrError);
  });

  test('formatDong and escapeXml', () => {
    expect(formatDong(8000)).toBe('8.000 ₫');
    expect(formatDong(1234567)).toBe('1.234.567 ₫');
    expect(formatDong(5)).toBe('5 ₫');
    expect(escapeXml(`a&b<c>"d'e\u0001\ud800`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;e\ufffd');
  });
});
