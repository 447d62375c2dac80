/**
 * Counter-display card: the QR plus what the citizen must check before paying (amount in đồng, account
 * holder, bank, memo, dossier code), labelled in Vietnamese. One self-contained SVG, all text XML-escaped.
 */
import QRCode from 'qrcode';
import { bankByBin } from '../banks/find.js';
import { decode } from '../decode.js';
import { QrError } from '../errors.js';
import type { ErrorCorrection } from './options.js';

/** Input of {@link renderCounterCard}. */
export interface CounterCardInput {
  /** A valid VietQR payload (strictly decoded before anything is drawn). */
  payload: string;
  /** Integer VND. Default: the payload's amount. If both are given they must agree. */
  amount?: number;
  /** Account holder name (not carried in the payload; banks show their own lookup). */
  accountName?: string;
  /** Default: the directory's short name for the payload's BIN. */
  bankName?: string;
  /** Default: the payload's 62.08 purpose. */
  memo?: string;
  /** Mã hồ sơ. */
  dossierCode?: string;
  /** Heading. Default `THANH TOÁN PHÍ, LỆ PHÍ`. */
  title?: string;
  errorCorrection?: ErrorCorrection;
}

const WIDTH = 480;
const QR_SIZE = 340;

/**
 * Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
 *
 * @example
 * escapeXml('A & B <c>'); // 'A &amp; B &lt;c&gt;'
 */
export function escapeXml(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) continue; // not allowed in XML 1.0
    if (code === 0xfffe || code === 0xffff) continue;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else out += '\ufffd';
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    const ch = text[i]!;
    out +=
      ch === '&'
        ? '&amp;'
        : ch === '<'
          ? '&lt;'
          : ch === '>'
            ? '&gt;'
            : ch === '"'
              ? '&quot;'
              : ch === "'"
                ? '&apos;'
                : ch;
  }
  return out;
}

/**
 * Integer VND with `.` thousands separators and the đồng sign, as printed on Vietnamese receipts.
 *
 * @example
 * formatDong(8000); // '8.000 ₫'
 */
export function formatDong(amount: number): string {
  const digits = String(Math.trunc(Math.abs(amount)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${amount < 0 ? '-' : ''}${grouped} ₫`;
}

/**
 * Renders the counter-display card as SVG.
 *
 * @example
 * const svg = await renderCounterCard({
 *   payload, accountName: 'UBND XA TAN THANH', dossierCode: 'H12.34-251123-0001',
 * }); // shows 'Số tiền: 8.000 ₫', bank, memo, dossier code
 */
export async function renderCounterCard(input: CounterCardInput): Promise<string> {
  if (typeof input !== 'object' || input === null) {
    throw new QrError([{ code: 'invalid-input', tag: 'input', message: 'input must be an object' }]);
  }
  const decoded = decode(input.payload);
  if (!decoded.ok) throw new QrError(decoded.errors);
  const qr = decoded.value;
  if (input.amount !== undefined) {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
      throw new QrError([
        {
          code: 'invalid-input',
          tag: 'amount',
          message: `amount ${input.amount}`,
          expected: 'integer VND > 0',
        },
      ]);
    }
    if (qr.amount !== undefined && qr.amount !== input.amount) {
      // Showing one amount while the QR asks for another is the worst thing a counter display can do.
      throw new QrError([
        {
          code: 'invalid-input',
          tag: 'amount',
          message: `card amount ${input.amount} differs from the QR amount ${qr.amount}`,
          expected: String(qr.amount),
        },
      ]);
    }
  }
  const amount = input.amount ?? qr.amount;
  const bankName = input.bankName ?? bankByBin(qr.bin)?.shortName ?? qr.bin;
  const memo = input.memo ?? qr.purpose;

  const qrSvg = await QRCode.toString(input.payload, {
    type: 'svg',
    errorCorrectionLevel: input.errorCorrection ?? 'M',
    margin: 2,
  });
  const viewBox = /viewBox="([^"]+)"/.exec(qrSvg)?.[1] ?? '0 0 1 1';
  const inner = qrSvg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');

  const lines: { label: string; value: string; strong?: boolean }[] = [];
  if (amount !== undefined) lines.push({ label: 'Số tiền', value: formatDong(amount), strong: true });
  if (input.accountName) lines.push({ label: 'Chủ tài khoản', value: input.accountName });
  lines.push({ label: 'Ngân hàng', value: bankName });
  lines.push({ label: 'Số tài khoản', value: qr.account });
  if (memo) lines.push({ label: 'Nội dung', value: memo });
  if (input.dossierCode) lines.push({ label: 'Mã hồ sơ', value: input.dossierCode });

  const top = 96;
  const textTop = top + QR_SIZE + 40;
  const lineHeight = 34;
  const height = textTop + lines.length * lineHeight + 24;
  const title = input.title ?? 'THANH TOÁN PHÍ, LỆ PHÍ';
  const x = (WIDTH - QR_SIZE) / 2;

  const rows = lines.map((l, i) => {
    const y = textTop + i * lineHeight;
    const text = `${l.label}: ${l.value}`;
    // Long values are squeezed to the card width instead of being cut: every character stays visible.
    const fit = text.length > 36 ? ` textLength="${WIDTH - 48}" lengthAdjust="spacingAndGlyphs"` : '';
    const style = l.strong ? ' font-size="26" font-weight="700" fill="#b00020"' : ' font-size="19"';
    return `<text x="24" y="${y}"${style}${fit}>${escapeXml(text)}</text>`;
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Arial, Helvetica, sans-serif" role="img" aria-label="${escapeXml(`${title} - VietQR`)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff" stroke="#1f4e9c" stroke-width="4" rx="16"/>`,
    `<text x="${WIDTH / 2}" y="44" text-anchor="middle" font-size="24" font-weight="700" fill="#1f4e9c">${escapeXml(title)}</text>`,
    `<text x="${WIDTH / 2}" y="76" text-anchor="middle" font-size="16" fill="#333333">Quét mã VietQR bằng ứng dụng ngân hàng</text>`,
    `<svg x="${x}" y="${top}" width="${QR_SIZE}" height="${QR_SIZE}" viewBox="${viewBox}" shape-rendering="crispEdges">${inner}</svg>`,
    ...rows,
    '</svg>',
  ].join('\n');
}
