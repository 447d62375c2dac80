/** Options shared by the renderers, and the check that the payload is worth rendering. */
import { decode } from '../decode.js';
import { QrError } from '../errors.js';

export type ErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface RenderOptions {
  /** QR error-correction level. Default `M` (the level bank-app VietQRs use; survives small smudges). */
  errorCorrection?: ErrorCorrection;
  /** Quiet zone in modules. Default 4, the minimum the QR standard asks for. */
  margin?: number;
  /** Output width in pixels (SVG/PNG). Default: 8 px per module for PNG, unitless viewBox for SVG. */
  size?: number;
  /**
   * Refuse payloads that are not valid VietQR (strict decode). Default true: a counter display must never
   * show a code the citizen's bank app will reject. Set false to render arbitrary text.
   */
  validate?: boolean;
}

export function checkRender(payload: string, options: RenderOptions | undefined): void {
  if (typeof payload !== 'string' || payload.length === 0) {
    throw new QrError([
      { code: 'invalid-input', tag: 'payload', message: 'payload must be a non-empty string' },
    ]);
  }
  if (options?.validate !== false) {
    const r = decode(payload);
    if (!r.ok) throw new QrError(r.errors);
  }
  const ec = options?.errorCorrection;
  if (ec !== undefined && ec !== 'L' && ec !== 'M' && ec !== 'Q' && ec !== 'H') {
    throw new QrError([
      {
        code: 'invalid-input',
        tag: 'errorCorrection',
        message: `error correction ${String(ec)}`,
        expected: 'L, M, Q or H',
      },
    ]);
  }
  const margin = options?.margin;
  if (margin !== undefined && !(Number.isInteger(margin) && margin >= 0 && margin <= 64)) {
    throw new QrError([
      {
        code: 'invalid-input',
        tag: 'margin',
        message: `margin ${String(margin)}`,
        expected: 'an integer 0-64 (modules)',
      },
    ]);
  }
  const size = options?.size;
  if (size !== undefined && !(Number.isInteger(size) && size > 0 && size <= 10_000)) {
    throw new QrError([
      {
        code: 'invalid-input',
        tag: 'size',
        message: `size ${String(size)}`,
        expected: 'an integer 1-10000 (pixels)',
      },
    ]);
  }
}
