/** PNG rendering through the `qrcode` library. */
import QRCode from 'qrcode';
import { checkRender, type RenderOptions } from './options.js';

/**
 * Renders a VietQR payload as a PNG image.
 *
 * @example
 * await writeFile('qr.png', await renderPng(payload, { size: 480, errorCorrection: 'Q' }));
 */
export async function renderPng(payload: string, options?: RenderOptions): Promise<Buffer> {
  checkRender(payload, options);
  return QRCode.toBuffer(payload, {
    type: 'png',
    errorCorrectionLevel: options?.errorCorrection ?? 'M',
    margin: options?.margin ?? 4,
    ...(options?.size !== undefined ? { width: options.size } : { scale: 8 }),
  });
}
