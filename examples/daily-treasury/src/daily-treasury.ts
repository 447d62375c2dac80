/**
 * One realistic day at a commune fee counter, over plain HTTP against a running thuphi server, and the
 * treasury's end of it: citizens pay by QR, two pay cash to the clerk, one bank callback never arrives
 * (the transfer turns up in the bank statement), one citizen mistypes the memo, and the clerk deposits
 * the day's cash 2.000 đ short. Then the daily reconciliation runs and its report is printed in
 * Vietnamese; the treasury officer matches the mistyped transfer by hand and runs it again.
 *
 * The admin key plays every part (clerk and treasurer), as a small office's single key may.
 * Only `fetch` and `node:crypto` are used, as an integrator would.
 */
import { createHmac, randomUUID } from 'node:crypto';

export interface DailyTreasuryOptions {
  baseUrl: string;
  apiKey: string;
  callbackSecret: string;
  log?: (line: string) => void;
}

// biome-ignore lint/suspicious/noExplicitAny: a demo reads the server's JSON loosely, as a caller would.
type Json = any;

export interface DailyTreasuryResult {
  date: string;
  /** The report before anyone resolved anything, and after the mistyped transfer was matched by hand. */
  first: Json;
  second: Json;
  ledgerHtml: string;
  receipts: Record<string, { id: string; amount: number; reference: string }>;
}

/** The generic callback signature: `t=<unix seconds>,v1=hex(HMAC-SHA256(secret, "<t>.<raw body>"))`. */
function sign(body: string, secret: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** `1234000` → `1.234.000 đ`. */
function vnd(amount: number): string {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đ`;
}

const ICT_MS = 7 * 3600_000;
const localDate = (at: Date) => new Date(at.getTime() + ICT_MS).toISOString().slice(0, 10);
/** `23/11/2026 09:15:00`, as Vietnamese statements write a local time. */
function statementTime(at: Date): string {
  const s = new Date(at.getTime() + ICT_MS).toISOString();
  return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 19)}`;
}

/** A payment reference with one character changed, as a hurried thumb would type it. */
function mistype(reference: string): string {
  const i = reference.length - 3;
  const c = reference[i] === '7' ? '1' : '7';
  return reference.slice(0, i) + c + reference.slice(i + 1);
}

export async function runDailyTreasury(options: DailyTreasuryOptions): Promise<DailyTreasuryResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${options.apiKey}` };

  async function call(method: string, path: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? auth : { ...auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
    return json;
  }

  const run = randomUUID().slice(0, 6).toUpperCase();
  const credits: { at: Date; amount: number; memo: string; reference: string }[] = [];
  let account = '';

  async function bankCredit(amount: number, memo: string, options2: { callback: boolean }) {
    const at = new Date();
    const reference = `FT${run}${String(credits.length + 1).padStart(4, '0')}`;
    credits.push({ at, amount, memo, reference });
    if (!options2.callback) return undefined;
    const body = JSON.stringify({
      transactionId: `${reference}-cb`,
      accountNumber: account,
      amount,
      memo,
      bookedAt: at.toISOString(),
      bankReference: reference,
    });
    const res = await fetch(`${base}/v1/callbacks/generic`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Thuphi-Signature': sign(body, options.callbackSecret),
      },
      body,
    });
    const json = (await res.json()) as Json;
    if (res.status !== 200) throw new Error(`callback: HTTP ${res.status}: ${JSON.stringify(json)}`);
    return json.credits[0] as { creditId: string; match: { matched: boolean } };
  }

  log('=== Một ngày thu phí, lệ phí tại bộ phận Một cửa ===');
  const people: [string, string, unknown[]][] = [
    ['A', 'Trần Thị Bình', [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }]],
    ['B', 'Lê Văn Cường', [{ procedure: 'trich-luc-ho-tich', quantities: { copies: 2 } }]],
    ['C', 'Phạm Thị Dung', [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 10, copies: 1 } }]],
    ['D', 'Lò Văn Sáng', [{ procedure: 'dang-ky-khai-sinh-qua-han' }]],
    ['E', 'Vũ Thị Gấm', [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1, copies: 1 } }]],
    ['F', 'Hoàng Văn Em', [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }]],
  ];
  const receipts: DailyTreasuryResult['receipts'] = {};
  log('1. Mở phiếu thu cho sáu hồ sơ');
  for (const [key, name, items] of people) {
    const r = await call('POST', '/v1/receipts', {
      dossierCode: `H23.25-${run}-${key}`,
      payer: { name },
      fee: { channel: 'counter', items },
    });
    receipts[key] = { id: r.id, amount: r.amount, reference: r.reference };
    account = r.collectionAccount.accountNumber;
    log(`   ${key}. ${name}: ${vnd(r.amount)} – mã thanh toán ${r.reference}`);
  }
  const date = localDate(new Date());

  log('2. Công dân quét mã VietQR và chuyển khoản');
  const R = receipts as Record<
    'A' | 'B' | 'C' | 'D' | 'E' | 'F',
    { id: string; amount: number; reference: string }
  >;
  await bankCredit(R.A.amount, `MBVCB.${run}.${R.A.reference} TRAN THI BINH`, { callback: true });
  log(`   A: ngân hàng báo có ${vnd(R.A.amount)}, phiếu thu đã thanh toán`);
  await bankCredit(R.B.amount, `${R.B.reference} LE VAN CUONG trich luc`, { callback: true });
  log(`   B: ngân hàng báo có ${vnd(R.B.amount)}, phiếu thu đã thanh toán`);
  await bankCredit(R.E.amount, `${R.E.reference} VU THI GAM`, { callback: false });
  log(`   E: đã chuyển ${vnd(R.E.amount)}, nhưng thông báo (callback) của ngân hàng không bao giờ tới`);
  const typo = await bankCredit(R.F.amount, `CK ${mistype(R.F.reference)} HOANG VAN EM`, { callback: true });
  log(`   F: gõ sai mã trong nội dung chuyển khoản → ${typo?.match.matched ? 'khớp' : 'không tự khớp được'}`);

  log('3. Hai người không có tài khoản ngân hàng nộp tiền mặt cho cán bộ (thu hộ)');
  for (const key of ['C', 'D'] as const) {
    const cash = await call('POST', `/v1/receipts/${R[key].id}/cash-payments`, {
      amount: R[key].amount,
      payer: { name: people.find((p) => p[0] === key)![1] },
      idDocument: { type: 'cccd', number: key === 'C' ? '001190012345' : '011060054321' },
      clerkName: 'Nguyễn Thị Hoa',
    });
    log(`   ${key}: thu ${vnd(R[key].amount)} tiền mặt, biên lai ${cash.receipt.receiptNumber}`);
  }

  log('4. Cuối ngày, cán bộ nộp tiền mặt vào tài khoản chuyên thu – nộp thiếu 2.000 đ');
  const batch = await call('POST', '/v1/deposits', {});
  log(`   lô nộp tiền ${batch.code}: phải nộp ${vnd(batch.amount)}`);
  await bankCredit(batch.amount - 2000, `${batch.code} NOP TIEN THU HO`, { callback: true });
  log(`   ngân hàng báo có ${vnd(batch.amount - 2000)}`);

  log('5. Kế toán nhập sao kê ngân hàng trong ngày');
  const csv = [
    'date,credit,debit,memo,reference',
    ...credits.map(
      (c) => `${statementTime(c.at)},${c.amount},,"${c.memo.replace(/"/g, '""')}",${c.reference}`,
    ),
  ].join('\n');
  const imported = await fetch(
    `${base}/v1/statements?account=${encodeURIComponent(account)}&filename=${encodeURIComponent(`sao-ke-${date}-${run}.csv`)}`,
    { method: 'POST', headers: { ...auth, 'Content-Type': 'text/csv' }, body: `${csv}\n` },
  );
  const statement = (await imported.json()) as Json;
  if (!imported.ok)
    throw new Error(`statement import: HTTP ${imported.status}: ${JSON.stringify(statement)}`);
  log(
    `   ${statement.counts.rows} dòng: ${statement.counts.duplicate} đã biết qua thông báo, ${statement.counts.new} khoản mới (${statement.counts.matched} khớp phiếu thu)`,
  );

  log('6. Đối soát cuối ngày');
  const first = await call('POST', '/v1/reconciliations', { date });
  printReport(first, log);

  log('7. Kế toán xử lý khoản chuyển khoản gõ sai mã (đối chiếu tay, có lý do) và đối soát lại');
  const queue = await call('GET', '/v1/exceptions');
  const stray = queue.items.find((c: Json) => c.id === typo?.creditId);
  const suggestion = stray?.suggestions?.find((s: Json) => s.receiptId === R.F.id);
  if (!stray) throw new Error('the mistyped transfer is not in the exception queue');
  log(`   gợi ý: phiếu thu của ${suggestion?.payerName ?? '?'} (${(suggestion?.why ?? []).join('; ')})`);
  await call('POST', `/v1/credits/${stray.id}/match`, {
    receiptId: R.F.id,
    reason: 'nội dung chuyển khoản gõ sai một ký tự của mã thanh toán; đúng người, đúng số tiền',
  });
  const second = await call('POST', '/v1/reconciliations', { date });
  printReport(second, log);

  const ledgerHtml = (await call('GET', `/v1/reconciliations/${date}/ledger`)) as string;
  log(`Sổ theo dõi thu phí, lệ phí (in được): ${base}/v1/reconciliations/${date}/ledger`);
  return { date, first, second, ledgerHtml, receipts };
}

const CHECK_LABELS: Record<string, string> = {
  credits_accounted: 'Tiền báo có = đã đối chiếu + chờ hoàn + chưa đối chiếu',
  credits_attributed: 'Mọi khoản báo có đều đã được đối chiếu',
  paid_receipts_funded: 'Phiếu thu đã thu đủ có đủ tiền',
  receipt_numbers_contiguous: 'Số biên lai liên tục',
  cash_accounted: 'Tiền mặt = đã lập lô nộp + đang giữ',
  deposits_complete: 'Nộp tiền mặt đủ số',
  by_hour_totals: 'Tổng theo giờ khớp tổng theo hình thức',
};

/** Prints a reconciliation report the way a treasury officer reads it. */
export function printReport(report: Json, log: (line: string) => void): void {
  const r = report.receipts;
  const c = report.credits;
  const cash = report.cash;
  log(`   ── Báo cáo đối soát ngày ${report.date} (${report.timezone}) ──`);
  log(
    `   Phiếu thu: mở ${r.opened}, đã thu đủ ${r.paid} (${vnd(r.paidAmount)}), thu chưa đủ ${r.partiallyPaid}, huỷ ${r.void}, quá hạn ${r.overdue}`,
  );
  log(
    `   Chuyển khoản: báo có ${c.received.count} khoản ${vnd(c.received.amount)}; đã đối chiếu ${vnd(c.matched.amount)}; chưa đối chiếu ${c.unmatched.count} khoản ${vnd(c.unmatched.amount)}`,
  );
  log(
    `   Chỉ có trong sao kê (kênh thông báo bỏ sót): ${c.statementOnly.count} khoản ${vnd(c.statementOnly.amount)}`,
  );
  log(
    `   Tiền mặt: thu ${vnd(cash.collected.amount)}, đã lập lô nộp ${vnd(cash.deposited.amount)}, đang giữ ${vnd(cash.inCustody.amount)}`,
  );
  for (const s of cash.shortDeposits)
    log(
      `   Lô ${s.batchCode} nộp thiếu ${vnd(s.missing)} (phải ${vnd(s.expected)}, ngân hàng báo ${vnd(s.received)})`,
    );
  for (const o of cash.overdueCustody)
    log(`   Giữ tiền mặt quá hạn: ${o.clerk} ${vnd(o.amount)} từ ${o.since}`);
  log(
    `   Theo hình thức: chuyển khoản ${vnd(report.byMethod.bank_transfer)}, tiền mặt ${vnd(report.byMethod.cash)}`,
  );
  for (const check of report.checks) {
    const label = CHECK_LABELS[check.name] ?? check.name;
    const show = (n: number) => (check.unit === 'count' ? String(n) : vnd(n));
    log(
      `   [${check.ok ? 'đạt' : 'KHÔNG ĐẠT'}] ${label}: kỳ vọng ${show(check.expected)}, thực tế ${show(check.actual)}`,
    );
  }
  log(`   Cân đối: ${report.balanced ? 'CÓ – mọi đồng đều có chỗ' : 'KHÔNG – xem các mục không đạt ở trên'}`);
}
