/**
 * @module The printable receipt (biên lai thu phí, lệ phí) as one self-contained HTML page, for A5
 * sheets and for 80 mm thermal printers. Fields follow NĐ 254/2026/NĐ-CP Điều 22–23 and TT 91/2026/TT-BTC:
 * receipt name, form and series symbols, number, collector's
 * name and tax code, each fee with its amount, the total in figures and in words, the date, the
 * collector's signature. It is a print of the record, not the signed XML e-receipt the tax authority
 * receives (NĐ 254/2026 Điều 4 k2).
 */
import { DEMO_NOTICE, formatVnd, vndInWords } from '@thuphi/fee-core';
import { renderSvg } from '@thuphi/qr';
import type { Knex } from 'knex';
import { escapeHtml } from '../shared/html.js';
import { localWallClock } from '../shared/time.js';
import { findReceipt, type Receipt } from './receipts.js';

export type PrintLayout = 'a5' | '80mm';
export const PRINT_LAYOUTS: readonly PrintLayout[] = ['a5', '80mm'];

export interface PrintableReceipt {
  receipt: Receipt;
  agency: { name: string; taxCode: string | null; receiptForm: string };
  /** For a receipt still open: its VietQR as inline SVG, so the printout can be paid from. */
  qrSvg: string | null;
}

/** Reads what a print needs; undefined when the agency has no such receipt. */
export async function loadPrintableReceipt(
  db: Knex,
  agencyId: string,
  receiptId: string,
): Promise<PrintableReceipt | undefined> {
  const receipt = await findReceipt(db, agencyId, receiptId);
  if (!receipt) return undefined;
  const agency = await db('agencies').where({ id: agencyId }).first('name', 'tax_code', 'receipt_form');
  return {
    receipt,
    agency: { name: agency.name, taxCode: agency.tax_code ?? null, receiptForm: agency.receipt_form },
    qrSvg:
      receipt.status === 'open' && receipt.qrPayload
        ? await renderSvg(receipt.qrPayload, { margin: 2 })
        : null,
  };
}

/** `23/11/2026 09:05` in Asia/Ho_Chi_Minh. */
function ictDateTime(iso: string): string {
  const d = localWallClock(new Date(iso));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** `Ngày 23 tháng 11 năm 2026`, as Vietnamese documents date themselves. */
function ictLongDate(iso: string): string {
  const d = localWallClock(new Date(iso));
  return `Ngày ${String(d.getUTCDate()).padStart(2, '0')} tháng ${String(d.getUTCMonth() + 1).padStart(2, '0')} năm ${d.getUTCFullYear()}`;
}

const BANNERS: Partial<Record<Receipt['status'], string>> = {
  open: 'CHƯA THANH TOÁN — phiếu yêu cầu thanh toán, không phải biên lai',
  partially_paid: 'CHƯA THANH TOÁN ĐỦ — không phải biên lai',
  void: 'ĐÃ HUỶ — không có giá trị thanh toán',
  exempt: 'MIỄN PHÍ, LỆ PHÍ — không thu tiền',
};

const STYLES: Record<PrintLayout, string> = {
  a5: `@page { size: A5 portrait; margin: 10mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 12pt; color: #000; margin: 0; }
.sheet { width: 128mm; margin: 0 auto; }
.head { display: flex; justify-content: space-between; gap: 6mm; font-size: 10.5pt; }
h1 { font-size: 15pt; text-align: center; margin: 5mm 0 1mm; }
.symbols { text-align: center; font-size: 10.5pt; }
table.items { width: 100%; border-collapse: collapse; margin: 3mm 0; }
table.items th, table.items td { border: 1px solid #000; padding: 1mm 2mm; vertical-align: top; }
.sign { display: flex; justify-content: space-between; text-align: center; margin-top: 5mm; }
.sign div { width: 48%; min-height: 28mm; }
.qr svg { width: 38mm; height: 38mm; }`,
  '80mm': `@page { size: 80mm auto; margin: 0; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 9pt; color: #000; margin: 0; }
.sheet { width: 72mm; margin: 0 auto; padding: 3mm 0; }
.head { text-align: center; }
h1 { font-size: 11pt; text-align: center; margin: 2mm 0 1mm; }
.symbols { text-align: center; }
table.items { width: 100%; border-collapse: collapse; margin: 2mm 0; }
table.items th, table.items td { border-bottom: 1px dashed #000; padding: 0.8mm 0; vertical-align: top; }
table.items th:first-child, table.items td:first-child { display: none; }
.sign { text-align: center; margin-top: 3mm; }
.sign div { min-height: 16mm; }
.qr svg { width: 40mm; height: 40mm; }`,
};

const COMMON_STYLE = `* { box-sizing: border-box; }
p { margin: 0.8mm 0; }
.num { text-align: right; white-space: nowrap; }
.banner { border: 2px solid #000; font-weight: bold; text-align: center; padding: 1.5mm; margin: 2mm 0; }
.total { font-weight: bold; }
.words { font-style: italic; }
.qr { text-align: center; }
.note { font-size: 80%; margin-top: 2mm; }`;

/**
 * Renders the receipt as a complete HTML document with inline CSS, no script and nothing fetched.
 *
 * @example
 * const page = renderReceiptHtml(await loadPrintableReceipt(db, 'demo', id), '80mm');
 */
export function renderReceiptHtml(printable: PrintableReceipt, layout: PrintLayout): string {
  const { receipt, agency } = printable;
  const e = escapeHtml;
  const paid = receipt.status === 'paid';
  const banner = BANNERS[receipt.status];
  const [series, number] = receipt.receiptNumber ? splitNumber(receipt.receiptNumber) : [null, null];
  const shownAmount = paid || receipt.status === 'exempt' ? receipt.amount : receipt.outstanding;

  const lines = receipt.lines
    .map(
      (line, i) =>
        `<tr><td class="num">${i + 1}</td><td>${e(line.name)}${
          line.quantity > 1 ? ` (× ${line.quantity})` : ''
        }</td><td class="num">${e(formatVnd(line.amount))}</td></tr>`,
    )
    .join('\n');

  const payments = receipt.payments
    .map((p) =>
      p.method === 'cash'
        ? `<p>Tiền mặt: ${e(formatVnd(p.amount))} — người thu: ${e(p.clerk.name ?? `khoá ${p.clerk.keyId.slice(0, 8)}`)}${
            p.payerName !== receipt.payer.name ? `; người trực tiếp nộp: ${e(p.payerName)}` : ''
          } — ${e(ictDateTime(p.at))}</p>`
        : `<p>Chuyển khoản: ${e(formatVnd(p.amount))} — mã giao dịch ngân hàng: ${e(p.bankReference ?? 'không có')} — ${e(ictDateTime(p.at))}</p>`,
    )
    .join('\n');

  const dated = receipt.paidAt ?? receipt.createdAt;
  const title = paid ? 'BIÊN LAI THU THUẾ, PHÍ, LỆ PHÍ' : 'PHIẾU THU PHÍ, LỆ PHÍ';

  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}${receipt.receiptNumber ? ` ${e(receipt.receiptNumber)}` : ''}</title>
<style>
${COMMON_STYLE}
${STYLES[layout]}
</style>
</head>
<body class="layout-${layout}">
<main class="sheet">
<section class="head">
<div><p><strong>${e(agency.name)}</strong></p><p>Mã số thuế: ${e(agency.taxCode ?? '…………………')}</p></div>
<div><p>Mẫu số (ký hiệu mẫu): ${e(agency.receiptForm)}</p><p>Ký hiệu: ${e(series ?? '—')}</p><p>Số: <strong>${e(number ?? '—')}</strong></p></div>
</section>
<h1>${e(title)}</h1>
<p class="symbols">${e(ictLongDate(dated))}</p>
${banner ? `<p class="banner">${e(banner)}</p>` : ''}
${receipt.example ? `<p class="banner">${e(DEMO_NOTICE.charAt(0).toUpperCase() + DEMO_NOTICE.slice(1))} — không dùng để thu tiền thật</p>` : ''}
<p>Họ tên người nộp: <strong>${e(receipt.payer.name)}</strong></p>
<p>Mã hồ sơ: ${e(receipt.dossierCode)}</p>
<p>Mã thanh toán: ${e(receipt.reference)}</p>
<table class="items">
<thead><tr><th>STT</th><th>Nội dung thu</th><th class="num">Số tiền</th></tr></thead>
<tbody>
${lines}
</tbody>
</table>
<p class="total">Tổng cộng: ${e(formatVnd(receipt.amount))}</p>
${!paid && receipt.status !== 'exempt' && receipt.status !== 'void' ? `<p class="total">Còn phải nộp: ${e(formatVnd(shownAmount))}</p>` : ''}
<p class="words">Số tiền bằng chữ: ${e(vndInWords(shownAmount))}</p>
${payments ? `<section class="payments"><p>Hình thức thanh toán:</p>\n${payments}</section>` : ''}
${printable.qrSvg ? `<div class="qr">${printable.qrSvg}<p>Quét mã VietQR để chuyển khoản</p></div>` : ''}
${
  paid
    ? `<section class="sign"><div><p><strong>Người nộp tiền</strong></p><p>(Ký, ghi rõ họ tên)</p></div><div><p><strong>Người thu tiền</strong></p><p>(Ký, ghi rõ họ tên)</p></div></section>`
    : ''
}
<p class="note">Bản in từ hệ thống thu phí, lệ phí của ${e(agency.name)}.</p>
</main>
</body>
</html>
`;
}

/** `BLTP-26 0000042` → [`BLTP-26`, `0000042`]. */
function splitNumber(formatted: string): [string, string] {
  const at = formatted.lastIndexOf(' ');
  return [formatted.slice(0, at), formatted.slice(at + 1)];
}
