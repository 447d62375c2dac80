/**
 * @module The fee ledger (sổ theo dõi thu phí, lệ phí): every receipt the agency collected on, in
 * receipt-number order, with what it was for, how much of it was phí and how much lệ phí, and how it
 * was paid; then totals per fee (Luật Phí và lệ phí 97/2015 Điều 14 asks collectors to keep accounts per
 * fee type) and per payment method. Rendered as one self-contained printable Vietnamese page, so the
 * paper book the clerks keep today is no longer needed.
 */
import { formatVnd, vndInWords } from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { formatReceiptNumber } from '../ledger/receipt-numbers.js';
import { escapeHtml } from '../shared/html.js';
import { dayWindow, localDateOf, localWallClock } from '../shared/time.js';

type Db = Knex | Knex.Transaction;

export type LedgerMethod = 'bank_transfer' | 'cash' | 'mixed';

export interface LedgerEntry {
  /** Số thứ tự in the period. */
  seq: number;
  /** The local day it was collected (when the receipt became fully paid and got its number). */
  date: string;
  paidAt: string;
  receiptNumber: string;
  series: string;
  number: number;
  dossierCode: string;
  payerName: string;
  /** Nội dung thu: the fee names of the assessment. */
  content: string;
  /** Phí part of the amount. */
  fee: number;
  /** Lệ phí part of the amount. */
  charge: number;
  amount: number;
  /** Money the receipt holds now, by method. */
  bankTransfer: number;
  cash: number;
  method: LedgerMethod;
  /** Set when the receipt no longer holds its amount (a payment was undone after it was numbered). */
  note: string | null;
}

export interface FeeLedger {
  agency: { id: string; name: string; taxCode: string | null; receiptForm: string | null };
  from: string;
  to: string;
  generatedAt: string;
  entries: LedgerEntry[];
  totals: {
    count: number;
    fee: number;
    charge: number;
    amount: number;
    bankTransfer: number;
    cash: number;
    /** Per fee, as the law asks accounts to be kept. */
    byFee: { name: string; kind: 'phi' | 'le-phi'; count: number; amount: number }[];
  };
}

interface AssessmentLineLike {
  name: string;
  kind: 'phi' | 'le-phi';
  amount: number;
}

/** The longest period one ledger page covers. */
export const MAX_LEDGER_DAYS = 31;

/**
 * The ledger of an agency for the local days `from`..`to` (inclusive).
 *
 * @example
 * const ledger = await feeLedger(db, 'demo', '2026-11-01', '2026-11-30', new Date());
 * res.type('html').send(renderFeeLedgerHtml(ledger));
 */
export async function feeLedger(
  db: Db,
  agencyId: string,
  from: string,
  to: string,
  now: Date,
): Promise<FeeLedger> {
  const first = dayWindow(from);
  const last = dayWindow(to);
  if (!first || !last || last.end <= first.start) throw new RangeError(`bad ledger period ${from}..${to}`);
  const agencyRow = await db('agencies').where({ id: agencyId }).first();
  const result = await db.raw(
    `select r.id, r.dossier_code, r.payer_name, r.amount, r.assessment, n.series, n.number, n.assigned_at,
            coalesce(b.paid, 0) as bank_paid, coalesce(cp.amount, 0) as cash_paid,
            exists (select 1 from receipt_voids v where v.receipt_id = r.id) as voided
     from receipt_numbers n
     join receipts r on r.id = n.receipt_id
     left join (
       select al.receipt_id, sum(al.amount) as paid from allocations al
       where not exists (select 1 from allocation_reversals rv where rv.allocation_id = al.id)
       group by al.receipt_id
     ) b on b.receipt_id = r.id
     left join cash_payments cp on cp.receipt_id = r.id
     where n.agency_id = ? and n.assigned_at >= ? and n.assigned_at < ?
     order by n.assigned_at, n.series, n.number`,
    [agencyId, first.start, last.end],
  );
  const byFee = new Map<string, { name: string; kind: 'phi' | 'le-phi'; count: number; amount: number }>();
  const entries: LedgerEntry[] = (result.rows as Record<string, unknown>[]).map((row, i) => {
    const assessment = (typeof row.assessment === 'string' ? JSON.parse(row.assessment) : row.assessment) as {
      lines: AssessmentLineLike[];
    };
    const lines = assessment.lines.filter((l) => l.amount > 0);
    for (const line of lines) {
      const key = `${line.kind}\u0000${line.name}`;
      const entry = byFee.get(key) ?? { name: line.name, kind: line.kind, count: 0, amount: 0 };
      entry.count += 1;
      entry.amount += line.amount;
      byFee.set(key, entry);
    }
    const amount = row.amount as number;
    const bankTransfer = row.bank_paid as number;
    const cash = row.cash_paid as number;
    const held = bankTransfer + cash;
    const paidAt = new Date(row.assigned_at as string);
    let note: string | null = null;
    if (row.voided) note = 'Biên lai đã huỷ sau khi gỡ thanh toán';
    else if (held < amount) note = `Thanh toán đã bị gỡ: còn thiếu ${formatVnd(amount - held)}`;
    return {
      seq: i + 1,
      date: localDateOf(paidAt),
      paidAt: paidAt.toISOString(),
      receiptNumber: formatReceiptNumber({ series: row.series as string, number: row.number as number }),
      series: row.series as string,
      number: row.number as number,
      dossierCode: row.dossier_code as string,
      payerName: row.payer_name as string,
      content: lines.map((l) => l.name).join('; '),
      fee: lines.filter((l) => l.kind === 'phi').reduce((s, l) => s + l.amount, 0),
      charge: lines.filter((l) => l.kind === 'le-phi').reduce((s, l) => s + l.amount, 0),
      amount,
      bankTransfer,
      cash,
      method: bankTransfer > 0 && cash > 0 ? 'mixed' : cash > 0 ? 'cash' : 'bank_transfer',
      note,
    };
  });
  const sum = (f: (e: LedgerEntry) => number) => entries.reduce((s, e) => s + f(e), 0);
  return {
    agency: {
      id: agencyId,
      name: (agencyRow?.name as string | undefined) ?? agencyId,
      taxCode: (agencyRow?.tax_code as string | null | undefined) ?? null,
      receiptForm: (agencyRow?.receipt_form as string | null | undefined) ?? null,
    },
    from,
    to,
    generatedAt: now.toISOString(),
    entries,
    totals: {
      count: entries.length,
      fee: sum((e) => e.fee),
      charge: sum((e) => e.charge),
      amount: sum((e) => e.amount),
      bankTransfer: sum((e) => e.bankTransfer),
      cash: sum((e) => e.cash),
      byFee: [...byFee.values()].sort(
        (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'vi'),
      ),
    },
  };
}

const METHOD_LABEL: Record<LedgerMethod, string> = {
  bank_transfer: 'Chuyển khoản',
  cash: 'Tiền mặt',
  mixed: 'Chuyển khoản + tiền mặt',
};

/** Vietnamese label of a payment method. */
export function methodLabel(method: LedgerMethod): string {
  return METHOD_LABEL[method];
}

/** `2026-11-23` → `23/11/2026`, as Vietnamese documents write dates. */
export function viDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** `1.234.000`: the figure without the currency sign, for table cells. */
function money(amount: number): string {
  return formatVnd(amount).replace(/\s*₫$/, '');
}

function viDateTime(iso: string): string {
  const local = localWallClock(new Date(iso)).toISOString();
  return `${local.slice(11, 16)} ${viDate(local.slice(0, 10))}`;
}

/**
 * The ledger as one printable HTML page: inline CSS, no scripts, no external resources, and every
 * value from the database escaped.
 *
 * @example
 * res.type('html').send(renderFeeLedgerHtml(await feeLedger(db, 'demo', '2026-11-23', '2026-11-23', now)));
 */
export function renderFeeLedgerHtml(ledger: FeeLedger): string {
  const e = escapeHtml;
  const period =
    ledger.from === ledger.to
      ? `Ngày ${viDate(ledger.from)}`
      : `Từ ngày ${viDate(ledger.from)} đến ngày ${viDate(ledger.to)}`;
  const rows = ledger.entries
    .map(
      (x) => `<tr${x.note ? ' class="note"' : ''}>
<td class="c">${x.seq}</td><td class="c">${e(viDate(x.date))}</td><td class="nowrap">${e(x.receiptNumber)}</td>
<td>${e(x.dossierCode)}</td><td>${e(x.payerName)}</td><td>${e(x.content)}</td>
<td class="n">${x.fee ? money(x.fee) : ''}</td><td class="n">${x.charge ? money(x.charge) : ''}</td>
<td class="n">${money(x.amount)}</td><td>${e(methodLabel(x.method))}</td><td>${e(x.note ?? '')}</td></tr>`,
    )
    .join('\n');
  const byFee = ledger.totals.byFee
    .map(
      (f) =>
        `<tr><td>${e(f.name)}</td><td>${f.kind === 'phi' ? 'Phí' : 'Lệ phí'}</td><td class="n">${f.count}</td><td class="n">${money(f.amount)}</td></tr>`,
    )
    .join('\n');
  const t = ledger.totals;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sổ theo dõi thu phí, lệ phí – ${e(period)}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 12pt; color: #000; margin: 0 auto; max-width: 290mm; padding: 8mm; }
header { display: flex; justify-content: space-between; gap: 2em; }
header .unit { font-weight: bold; }
h1 { text-align: center; font-size: 16pt; margin: 1em 0 0.2em; }
.period { text-align: center; font-style: italic; margin-bottom: 1em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top; }
th { background: #eee; font-weight: bold; text-align: center; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; } .nowrap { white-space: nowrap; }
tr.total td { font-weight: bold; }
tr.note td { background: #fff3cd; }
.words { font-style: italic; }
.signatures { display: flex; justify-content: space-around; margin-top: 2em; text-align: center; }
.signatures div { min-height: 28mm; }
.meta { font-size: 9pt; color: #444; margin-top: 2em; }
@media print { th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<header>
<div><div class="unit">${e(ledger.agency.name)}</div>${ledger.agency.taxCode ? `<div>Mã số thuế: ${e(ledger.agency.taxCode)}</div>` : ''}</div>
<div>${ledger.agency.receiptForm ? `Ký hiệu mẫu biên lai: ${e(ledger.agency.receiptForm)}` : ''}</div>
</header>
<h1>SỔ THEO DÕI THU PHÍ, LỆ PHÍ</h1>
<div class="period">${e(period)}</div>
<table>
<thead><tr>
<th>STT</th><th>Ngày thu</th><th>Ký hiệu, số biên lai</th><th>Mã hồ sơ</th><th>Người nộp</th><th>Nội dung thu</th>
<th>Phí (đồng)</th><th>Lệ phí (đồng)</th><th>Tổng cộng (đồng)</th><th>Hình thức thu</th><th>Ghi chú</th>
</tr></thead>
<tbody>
${rows || '<tr><td colspan="11" class="c">Không có khoản thu nào trong kỳ.</td></tr>'}
<tr class="total"><td colspan="6">Cộng (${t.count} biên lai)</td><td class="n">${money(t.fee)}</td><td class="n">${money(t.charge)}</td><td class="n">${money(t.amount)}</td><td colspan="2"></td></tr>
</tbody>
</table>
<p class="words">Tổng số tiền bằng chữ: ${e(vndInWords(t.amount))}.</p>
<table>
<thead><tr><th>Tên phí, lệ phí</th><th>Loại</th><th>Số lần thu</th><th>Số tiền (đồng)</th></tr></thead>
<tbody>
${byFee || '<tr><td colspan="4" class="c">—</td></tr>'}
</tbody>
</table>
<table>
<thead><tr><th>Hình thức thu</th><th>Số tiền (đồng)</th></tr></thead>
<tbody>
<tr><td>Chuyển khoản vào tài khoản chuyên thu</td><td class="n">${money(t.bankTransfer)}</td></tr>
<tr><td>Tiền mặt (thu hộ tại quầy)</td><td class="n">${money(t.cash)}</td></tr>
<tr class="total"><td>Cộng</td><td class="n">${money(t.bankTransfer + t.cash)}</td></tr>
</tbody>
</table>
<div class="signatures">
<div><strong>Người lập sổ</strong><br><em>(Ký, ghi rõ họ tên)</em></div>
<div><strong>Kế toán</strong><br><em>(Ký, ghi rõ họ tên)</em></div>
<div><strong>Thủ trưởng đơn vị</strong><br><em>(Ký, ghi rõ họ tên, đóng dấu)</em></div>
</div>
<p class="meta">Lập tự động lúc ${e(viDateTime(ledger.generatedAt))} (giờ Việt Nam) từ dữ liệu biên lai của hệ thống thuphi.</p>
</body>
</html>
`;
}
