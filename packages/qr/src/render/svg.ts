/** SVG rendering through the `qrcode` library (the QR matrix itself is never hand-written here). */
import QRCode from 'qrcode';
import { checkRender, type RenderOptions } from './options.js';

/**
 * Renders a VietQR payload as an SVG document string.
 *
 * @example
 * const svg = await renderSvg(encode({ bin: '970436', account: '0011001932418', amount: 8000 }), { size: 320 });
 */
export async function renderSvg(payload: string, options?: RenderOptions): Promise<string> {
  checkRender(payload, options);
  return QRCode.toString(payload, {
    type: 'svg',
    errorCorrectionLevel: options?.errorCorrection ?? 'M',
    margin: options?.margin ?? 4,
    ...(options?.size !== undefined ? { width: options.size } : {}),
  });
}
