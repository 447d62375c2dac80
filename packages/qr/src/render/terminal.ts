/** Terminal rendering (block characters) through the `qrcode` library, for the CLI and headless counters. */
import QRCode from 'qrcode';
import { checkRender, type RenderOptions } from './options.js';

/** Options of {@link renderTerminal}. */
export interface TerminalOptions extends Omit<RenderOptions, 'size'> {
  /**
   * Default true: ANSI colours force black-on-white, so the code scans on dark and light terminals alike;
   * qrcode's ANSI renderer draws its own fixed quiet zone and ignores `margin`.
   * false: plain UTF-8 half blocks with no escape codes (for logs and files), dark modules drawn as blocks,
   * so it needs a light background; `margin` applies, rounded up to even (qrcode's UTF-8 renderer crashes
   * on an odd margin).
   */
  ansi?: boolean;
  /** ANSI mode only: half-height blocks, half the lines. Default true. */
  small?: boolean;
}

/**
 * Renders a VietQR payload as text for a terminal.
 *
 * @example
 * console.log(await renderTerminal(payload));
 */
export async function renderTerminal(payload: string, options?: TerminalOptions): Promise<string> {
  checkRender(payload, options);
  const errorCorrectionLevel = options?.errorCorrection ?? 'M';
  if (options?.ansi === false) {
    const margin = options.margin ?? 4;
    return QRCode.toString(payload, { type: 'utf8', errorCorrectionLevel, margin: margin + (margin % 2) });
  }
  return QRCode.toString(payload, { type: 'terminal', small: options?.small ?? true, errorCorrectionLevel });
}
