/**
 * @module A reconciliation report as files people open in a spreadsheet: CSV (csv-stringify, UTF-8
 * with a BOM so Excel shows Vietnamese) and XLSX (exceljs), both with Vietnamese headings. Each figure
 * row carries a stable code next to its Vietnamese label, so a program reading the file back does not
 * have to parse the wording.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { type FeeLedger, methodLabel, viDate } from './fee-ledger.js';
import type { ReconciliationReport, Tally } from './report.js';

export interface ReportRow {
  section: string;
  item: string;
  code: string;
  count: number | null;
  amount: number | null;
  note: string;
}

export const REPORT_COLUMNS = ['Mục', 'Chỉ tiêu', 'Mã', 'Số lượng', 'Số tiền (đồng)', 'Ghi chú'] as const;

/**
 * The report flattened to rows, the same for CSV and for the XLSX summary sheet.
 *
 * @example
 * reportRows(report).find((r) => r.code === 'credits.received')?.amount;
 */
export function reportRows(report: ReconciliationReport): ReportRow[] {
  const out: ReportRow[] = [];
  const row = (section: string, item: string, code: string, t: Partial<Tally> | null, note = '') =>
    out.push({ section, item, code, count: t?.count ?? null, amount: t?.amount ?? null, note });
  const R = 'Phiếu thu';
  const C = 'Tiền chuyển khoản';
  const T = 'Tiền mặt thu hộ';
  row('Chung', 'Đơn vị thu', 'agency', null, report.agencyId);
  row('Chung', 'Ngày đối soát', 'date', null, viDate(report.date));
  row('Chung', 'Cân đối', 'balanced', null, report.balanced ? 'Có' : 'Không');
  row('Chung', 'Lập lúc', 'generatedAt', null, report.generatedAt);
  row(R, 'Mở trong ngày', 'receipts.opened', {
    count: report.receipts.opened,
    amount: report.receipts.openedAmount,
  });
  row(R, 'Trong đó miễn phí (0 đ)', 'receipts.exempt', { count: report.receipts.exempt });
  row(R, 'Đã thu đủ, cấp số biên lai', 'receipts.paid', {
    count: report.receipts.paid,
    amount: report.receipts.paidAmount,
  });
  row(R, 'Thu chưa đủ', 'receipts.partiallyPaid', { count: report.receipts.partiallyPaid });
  row(R, 'Huỷ trong ngày', 'receipts.void', { count: report.receipts.void });
  row(R, 'Còn phải thu', 'receipts.outstanding', {
    count: report.receipts.outstanding,
    amount: report.receipts.outstandingAmount,
  });
  row(R, 'Quá hạn (mở từ ngày trước)', 'receipts.overdue', {
    count: report.receipts.overdue,
    amount: report.receipts.overdueAmount,
  });
  row(C, 'Ngân hàng báo có', 'credits.received', report.credits.received);
  row(C, 'Đã đối chiếu', 'credits.matched', report.credits.matched);
  row(C, '– với phiếu thu', 'credits.matchedToReceipts', report.credits.matchedToReceipts);
  row(C, '– với lô nộp tiền mặt', 'credits.matchedToDeposits', report.credits.matchedToDeposits);
  row(C, 'Chưa đối chiếu', 'credits.unmatched', report.credits.unmatched);
  row(C, 'Chờ hoàn trả', 'credits.refundDue', report.credits.refundDue);
  row(
    C,
    'Chỉ có trong sao kê (không nhận được thông báo)',
    'credits.statementOnly',
    report.credits.statementOnly,
  );
  row(T, 'Thu tại quầy', 'cash.collected', report.cash.collected);
  row(T, 'Đã lập lô nộp tiền', 'cash.deposited', report.cash.deposited);
  row(T, '– chờ ngân hàng báo có', 'cash.awaitingBank', report.cash.awaitingBank);
  row(T, 'Người thu đang giữ', 'cash.inCustody', report.cash.inCustody);
  for (const s of report.cash.shortDeposits) {
    row(T, `Lô ${s.batchCode} nộp thiếu`, 'cash.shortDeposit', { count: 1, amount: s.missing }, s.clerk);
  }
  for (const o of report.cash.overdueCustody) {
    row(T, 'Giữ quá hạn nộp', 'cash.overdueCustody', o, `${o.clerk}; từ ${o.since}; hạn ${o.dueBy}`);
  }
  row('Chênh lệch', 'Nộp thừa', 'overpayments', report.overpayments);
  row('Chênh lệch', 'Nộp thiếu', 'underpayments', report.underpayments);
  row('Theo hình thức', 'Chuyển khoản', 'byMethod.bank_transfer', { amount: report.byMethod.bank_transfer });
  row('Theo hình thức', 'Tiền mặt', 'byMethod.cash', { amount: report.byMethod.cash });
  for (const c of report.checks) {
    out.push({
      section: 'Kiểm tra',
      item: c.detail,
      code: `check.${c.name}`,
      count: null,
      amount: c.actual,
      note: `${c.ok ? 'Đạt' : 'Không đạt'}; kỳ vọng ${c.expected}${c.unit === 'count' ? ' (số lượng)' : ''}`,
    });
  }
  return out;
}

/**
 * CSV of the report (UTF-8 with BOM, comma-separated, header row in Vietnamese).
 *
 * @example
 * res.type('text/csv; charset=utf-8').send(reportCsv(report));
 */
export function reportCsv(report: ReconciliationReport): string {
  return stringify(
    reportRows(report).map((r) => [r.section, r.item, r.code, r.count ?? '', r.amount ?? '', r.note]),
    { header: true, columns: [...REPORT_COLUMNS], bom: true, record_delimiter: 'windows' },
  );
}

const MONEY_FORMAT = '#,##0';

/**
 * XLSX of the report: a summary sheet (the CSV's rows), the checks, the hours, and — when given —
 * the day's fee ledger.
 *
 * @example
 * const buffer = await reportXlsx(report, ledger);
 */
export async function reportXlsx(report: ReconciliationReport, ledger?: FeeLedger): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'thuphi';
  workbook.created = new Date(report.generatedAt);

  const summary = workbook.addWorksheet('Tổng hợp');
  summary.columns = [
    { header: REPORT_COLUMNS[0], key: 'section', width: 18 },
    { header: REPORT_COLUMNS[1], key: 'item', width: 48 },
    { header: REPORT_COLUMNS[2], key: 'code', width: 28 },
    { header: REPORT_COLUMNS[3], key: 'count', width: 10 },
    { header: REPORT_COLUMNS[4], key: 'amount', width: 18, style: { numFmt: MONEY_FORMAT } },
    { header: REPORT_COLUMNS[5], key: 'note', width: 40 },
  ];
  for (const r of reportRows(report)) summary.addRow(r);
  summary.getRow(1).font = { bold: true };

  const checks = workbook.addWorksheet('Kiểm tra');
  checks.columns = [
    { header: 'Mã', key: 'name', width: 28 },
    { header: 'Đạt', key: 'ok', width: 8 },
    { header: 'Kỳ vọng', key: 'expected', width: 18, style: { numFmt: MONEY_FORMAT } },
    { header: 'Thực tế', key: 'actual', width: 18, style: { numFmt: MONEY_FORMAT } },
    { header: 'Diễn giải', key: 'detail', width: 80 },
  ];
  for (const c of report.checks) checks.addRow({ ...c, ok: c.ok ? 'Có' : 'Không' });
  checks.getRow(1).font = { bold: true };

  const hours = workbook.addWorksheet('Theo giờ');
  hours.columns = [
    { header: 'Giờ', key: 'hour', width: 8 },
    { header: 'Chuyển khoản', key: 'bank_transfer', width: 18, style: { numFmt: MONEY_FORMAT } },
    { header: 'Tiền mặt', key: 'cash', width: 18, style: { numFmt: MONEY_FORMAT } },
  ];
  for (const h of report.byHour) hours.addRow(h);
  hours.getRow(1).font = { bold: true };

  if (ledger) {
    const book = workbook.addWorksheet('Sổ thu');
    book.columns = [
      { header: 'STT', key: 'seq', width: 6 },
      { header: 'Ngày thu', key: 'date', width: 12 },
      { header: 'Ký hiệu, số biên lai', key: 'receiptNumber', width: 20 },
      { header: 'Mã hồ sơ', key: 'dossierCode', width: 22 },
      { header: 'Người nộp', key: 'payerName', width: 26 },
      { header: 'Nội dung thu', key: 'content', width: 40 },
      { header: 'Phí (đồng)', key: 'fee', width: 14, style: { numFmt: MONEY_FORMAT } },
      { header: 'Lệ phí (đồng)', key: 'charge', width: 14, style: { numFmt: MONEY_FORMAT } },
      { header: 'Tổng cộng (đồng)', key: 'amount', width: 16, style: { numFmt: MONEY_FORMAT } },
      { header: 'Hình thức thu', key: 'method', width: 22 },
      { header: 'Ghi chú', key: 'note', width: 30 },
    ];
    for (const x of ledger.entries) {
      book.addRow({ ...x, date: viDate(x.date), method: methodLabel(x.method), note: x.note ?? '' });
    }
    book.addRow({
      seq: 'Cộng',
      fee: ledger.totals.fee,
      charge: ledger.totals.charge,
      amount: ledger.totals.amount,
    }).font = { bold: true };
    book.getRow(1).font = { bold: true };
  }

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
