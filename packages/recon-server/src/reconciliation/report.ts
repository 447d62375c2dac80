/**
 * @module Daily reconciliation (đối soát) of one agency's day in Asia/Ho_Chi_Minh: what came in (bank
 * credits, cash at the counter), what it paid (receipts), where the cash is (deposited or still with a
 * clerk), and a list of checks that make `balanced` — each an identity a person can read.
 *
 * Two kinds of figure, on purpose:
 * - flows are counted by their own timestamps inside the day: a credit by when the bank booked it, cash
 *   by when the clerk took it, a receipt by when it was opened, numbered (paid) or voided;
 * - states are as they stand when the report is generated: whether the day's credits are matched by
 *   now, whether the day's cash is deposited by now. A rerun after a statement import or a manual match
 *   therefore shows the day as it has since been resolved, and is kept as a new run.
 *
 * `balanced` means every đồng of the day is accounted for: each credit is attributed (to a receipt, to
 * a deposit batch, or to a refund a person decided), each paid receipt holds exactly its amount, the
 * day's receipt numbers run without a gap, each proven deposit brought the whole batch, and the day's
 * cash is either deposited or in a named clerk's custody. Things a person should look at but which
 * leave every đồng accounted for (credits seen only in the statement, cash held past its deadline,
 * receipts still owing) are `flags`, not failed checks.
 */
import type { Knex } from 'knex';
import { cashInCustody } from '../ledger/custody.js';
import { dayWindow, HO_CHI_MINH_TZ, localHourOf } from '../shared/time.js';

type Db = Knex | Knex.Transaction;

export interface Tally {
  count: number;
  amount: number;
}

/** One identity behind `balanced`: expected and actual are both shown, so a failure says by how much. */
export interface ReconciliationCheck {
  name: string;
  ok: boolean;
  expected: number;
  actual: number;
  /** What expected and actual count: đồng, or items (receipt numbers). */
  unit: 'vnd' | 'count';
  /** Vietnamese, for the treasury officer. */
  detail: string;
}

/** Something a person should look at that leaves the day's money accounted for. */
export interface ReconciliationFlag {
  name: string;
  count: number;
  amount: number;
  detail: string;
}

export interface OverdueCustody {
  /** The API key id the cash was recorded under (whose custody it is in). */
  clerk: string;
  /** Held past the deadline (the clerk may hold more that is not yet due). */
  amount: number;
  count: number;
  /** When the oldest of this cash was taken. */
  since: string;
  /** When the oldest of it should have been deposited. */
  dueBy: string;
}

export interface ReconciliationReport {
  agencyId: string;
  date: string;
  timezone: typeof HO_CHI_MINH_TZ;
  window: { from: string; to: string };
  generatedAt: string;
  balanced: boolean;
  receipts: {
    /** Opened in the day (payable and exempt); `exempt` of them at 0 đ. */
    opened: number;
    exempt: number;
    openedAmount: number;
    /** Became fully paid (and numbered) in the day. */
    paid: number;
    paidAmount: number;
    /** Opened by the end of the day, some but not all of their amount paid, now. */
    partiallyPaid: number;
    /** Voided in the day. */
    void: number;
    /** Opened by the end of the day and owing in full or in part now. */
    outstanding: number;
    outstandingAmount: number;
    /** Of `outstanding`, those opened before the day: a counter receipt is due the day it is opened. */
    overdue: number;
    overdueAmount: number;
  };
  credits: {
    /** Booked by the bank in the day, from callbacks and statements alike. */
    received: Tally;
    /** Attributed to a receipt or a deposit batch (the amount attributed). */
    matched: Tally;
    matchedToReceipts: Tally;
    matchedToDeposits: Tally;
    /** Money still waiting for a person: no match, or the undecided rest of an overpayment. */
    unmatched: Tally;
    /** Reported by no callback, recovered only from an imported statement: the callback channel missed them. */
    statementOnly: Tally;
    /** Decided by a person: to be refunded to the sender. */
    refundDue: Tally;
  };
  cash: {
    /** Taken at the counter in the day. */
    collected: Tally;
    /** Of the day's cash, what a clerk has handed over in a deposit batch by now. */
    deposited: Tally;
    /** Of the day's cash, what is still with a clerk, in no deposit batch. */
    inCustody: Tally;
    /** Of `deposited`, what is in a batch no bank credit has proven yet. */
    awaitingBank: Tally;
    /** Proven deposits holding the day's cash that brought less than their batch. */
    shortDeposits: {
      batchCode: string;
      clerk: string;
      expected: number;
      received: number;
      missing: number;
    }[];
    /** Every clerk holding cash (of this day or earlier) past its deposit deadline, as of generation. */
    overdueCustody: OverdueCustody[];
  };
  /** Credits of the day that paid a receipt and were larger than it owed: the excess. */
  overpayments: Tally;
  /** Receipts that took money in the day and still owe some now: what they owe. */
  underpayments: Tally;
  /** Money the day brought to receipts, by how it was paid. */
  byMethod: { bank_transfer: number; cash: number };
  byHour: { hour: number; bank_transfer: number; cash: number }[];
  checks: ReconciliationCheck[];
  flags: ReconciliationFlag[];
}

const tally = (count = 0, amount = 0): Tally => ({ count, amount });

function add(t: Tally, amount: number): void {
  t.count += 1;
  t.amount += amount;
}

/**
 * Rows of a raw query. bigint, count(*) and sum() arrive as numbers (db/open sets the parsers), so
 * the row types below say `number` for them.
 */
async function rows<T>(db: Db, sql: string, bindings: unknown[]): Promise<T[]> {
  const result = await db.raw(sql, bindings as Knex.RawBinding[]);
  return result.rows as T[];
}

// Allocations no reversal has undone: the money a receipt holds from the bank.
const activeAllocationsSql = `
  select al.* from allocations al
  where not exists (select 1 from allocation_reversals rv where rv.allocation_id = al.id)`;

/** What each receipt holds now: bank allocations in force plus cash. */
/** A receipt with what it holds now (a row of {@link receiptPaidSql}). */
interface ReceiptHolding {
  id: string;
  amount: number;
  created_at: Date;
  opened_as: 'open' | 'exempt';
  bank_paid: number;
  cash_paid: number;
  voided: boolean;
}

const receiptPaidSql = `
  select r.id, r.amount, r.created_at, r.opened_as,
         coalesce(b.paid, 0) as bank_paid, coalesce(cp.amount, 0) as cash_paid,
         exists (select 1 from receipt_voids v where v.receipt_id = r.id) as voided
  from receipts r
  left join (select receipt_id, sum(amount) as paid from (${activeAllocationsSql}) a group by receipt_id) b
    on b.receipt_id = r.id
  left join cash_payments cp on cp.receipt_id = r.id`;

/** A receipt numbered in the day, with what it holds. */
type NumberedReceipt = Pick<ReceiptHolding, 'id' | 'amount' | 'bank_paid' | 'cash_paid'> & {
  series: string;
  number: number;
};

/**
 * Computes one agency's report for a local day, reading the tables as they stand at `now`.
 *
 * @example
 * const report = await computeReconciliation(db, 'demo', '2026-11-23', new Date());
 * if (!report.balanced) console.log(report.checks.filter((c) => !c.ok));
 */
export async function computeReconciliation(
  db: Db,
  agencyId: string,
  date: string,
  now: Date,
): Promise<ReconciliationReport> {
  const window = dayWindow(date);
  if (!window) throw new Error(`not a calendar date: ${date}`);
  const { start, end } = window;
  const between = [agencyId, start, end];

  // --- receipts -----------------------------------------------------------------------------------
  const [opened] = await rows<{ n: number; exempt: number; amount: number }>(
    db,
    `select count(*) as n, count(*) filter (where opened_as = 'exempt') as exempt, coalesce(sum(amount), 0) as amount
     from receipts where agency_id = ? and created_at >= ? and created_at < ?`,
    between,
  );
  const [voided] = await rows<{ n: number }>(
    db,
    `select count(*) as n from receipt_voids where agency_id = ? and created_at >= ? and created_at < ?`,
    between,
  );
  const numbered = await rows<NumberedReceipt>(
    db,
    `select p.id, p.amount, p.bank_paid, p.cash_paid, n.series, n.number
     from receipt_numbers n join (${receiptPaidSql}) p on p.id = n.receipt_id
     where n.agency_id = ? and n.assigned_at >= ? and n.assigned_at < ?
     order by n.series, n.number`,
    between,
  );
  const owing = await rows<ReceiptHolding>(
    db,
    `select * from (${receiptPaidSql}) p
     where p.id in (select id from receipts where agency_id = ? and created_at < ?)
       and p.opened_as = 'open' and not p.voided and p.bank_paid + p.cash_paid < p.amount`,
    [agencyId, end],
  );
  const receipts: ReconciliationReport['receipts'] = {
    opened: opened?.n ?? 0,
    exempt: opened?.exempt ?? 0,
    openedAmount: opened?.amount ?? 0,
    paid: numbered.length,
    paidAmount: numbered.reduce((s, r) => s + r.amount, 0),
    partiallyPaid: 0,
    void: voided?.n ?? 0,
    outstanding: 0,
    outstandingAmount: 0,
    overdue: 0,
    overdueAmount: 0,
  };
  for (const r of owing) {
    const due = r.amount - r.bank_paid - r.cash_paid;
    receipts.outstanding += 1;
    receipts.outstandingAmount += due;
    if (due < r.amount) receipts.partiallyPaid += 1;
    if (new Date(r.created_at) < start) {
      receipts.overdue += 1;
      receipts.overdueAmount += due;
    }
  }

  // --- bank credits -------------------------------------------------------------------------------
  const credits = await rows<{
    id: string;
    provider: string;
    amount: number;
    booked_at: Date;
    allocated: number;
    refund_due: number;
    deposited: number;
  }>(
    db,
    `select c.id, c.provider, c.amount, c.booked_at,
            coalesce(a.allocated, 0) as allocated, coalesce(r.refund_due, 0) as refund_due,
            coalesce(d.matched, 0) as deposited
     from bank_credits c
     left join (select credit_id, sum(amount) as allocated from (${activeAllocationsSql}) x group by credit_id) a
       on a.credit_id = c.id
     left join (select credit_id, sum(amount) as refund_due from credit_resolutions group by credit_id) r
       on r.credit_id = c.id
     left join (select credit_id, sum(matched_amount) as matched from deposit_matches group by credit_id) d
       on d.credit_id = c.id
     where c.agency_id = ? and c.booked_at >= ? and c.booked_at < ?
     order by c.booked_at, c.id`,
    between,
  );
  const creditTotals: ReconciliationReport['credits'] = {
    received: tally(),
    matched: tally(),
    matchedToReceipts: tally(),
    matchedToDeposits: tally(),
    unmatched: tally(),
    statementOnly: tally(),
    refundDue: tally(),
  };
  const overpayments = tally();
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, bank_transfer: 0, cash: 0 }));
  let negativeOpen = 0;
  for (const c of credits) {
    const { amount, allocated, deposited, refund_due: refundDue } = c;
    const open = amount - allocated - deposited - refundDue;
    add(creditTotals.received, amount);
    if (allocated + deposited > 0) add(creditTotals.matched, allocated + deposited);
    if (allocated > 0) add(creditTotals.matchedToReceipts, allocated);
    if (deposited > 0) add(creditTotals.matchedToDeposits, deposited);
    if (refundDue > 0) add(creditTotals.refundDue, refundDue);
    if (open > 0) add(creditTotals.unmatched, open);
    // Attributing more than arrived cannot happen through the API; if it ever does, it must show.
    if (open < 0) negativeOpen += open;
    if (c.provider === 'statement') add(creditTotals.statementOnly, amount);
    if (allocated > 0 && amount - deposited - allocated > 0)
      add(overpayments, amount - deposited - allocated);
    byHour[localHourOf(new Date(c.booked_at))]!.bank_transfer += allocated;
  }

  // --- cash ---------------------------------------------------------------------------------------
  // Custody ends when the clerk puts the cash in a deposit batch (as deposits.ts has it); the bank
  // credit carrying the batch code then proves the deposit, or shows it short.
  const cashRows = await rows<{
    id: string;
    amount: number;
    collected_at: Date;
    batch_id: string | null;
    proven_batch: string | null;
  }>(
    db,
    `select cp.id, cp.amount, cp.collected_at, b.id as batch_id, dm.batch_id as proven_batch
     from cash_payments cp
     left join deposit_batch_items i on i.cash_payment_id = cp.id
     left join deposit_batches b on b.id = i.batch_id
     left join deposit_matches dm on dm.batch_id = i.batch_id
     where cp.agency_id = ? and cp.collected_at >= ? and cp.collected_at < ?
     order by cp.collected_at, cp.id`,
    between,
  );
  const custody = await cashInCustody(db, agencyId, now);
  const cash: ReconciliationReport['cash'] = {
    collected: tally(),
    deposited: tally(),
    inCustody: tally(),
    awaitingBank: tally(),
    shortDeposits: [],
    overdueCustody: custody
      .filter((c) => c.overdue)
      .map((c) => ({
        clerk: c.clerkKeyId,
        amount: c.overdueAmount,
        count: c.overdueCount,
        since: c.oldestCollectedAt,
        dueBy: c.deadline,
      })),
  };
  for (const p of cashRows) {
    const { amount } = p;
    add(cash.collected, amount);
    if (p.batch_id == null) add(cash.inCustody, amount);
    else {
      add(cash.deposited, amount);
      if (p.proven_batch == null) add(cash.awaitingBank, amount);
    }
    byHour[localHourOf(new Date(p.collected_at))]!.cash += amount;
  }
  const shortBatches = await rows<{
    code: string;
    clerk_key_id: string;
    amount: number;
    matched_amount: number;
  }>(
    db,
    `select b.code, b.clerk_key_id, b.amount, dm.matched_amount
     from deposit_batches b join deposit_matches dm on dm.batch_id = b.id
     where b.agency_id = ? and dm.outcome = 'short'
       and exists (select 1 from deposit_batch_items i join cash_payments cp on cp.id = i.cash_payment_id
                   where i.batch_id = b.id and cp.collected_at >= ? and cp.collected_at < ?)
     order by b.code`,
    between,
  );
  cash.shortDeposits = shortBatches.map((b) => ({
    batchCode: b.code,
    clerk: b.clerk_key_id,
    expected: b.amount,
    received: b.matched_amount,
    missing: b.amount - b.matched_amount,
  }));

  // --- under-payments: receipts that took money in the day and still owe ------------------------------
  const [under] = await rows<{ n: number; owed: number }>(
    db,
    `select count(*) as n, coalesce(sum(p.amount - p.bank_paid - p.cash_paid), 0) as owed
     from (${receiptPaidSql}) p
     where not p.voided and p.bank_paid + p.cash_paid > 0 and p.bank_paid + p.cash_paid < p.amount
       and p.id in (
         select al.receipt_id from (${activeAllocationsSql}) al join bank_credits c on c.id = al.credit_id
         where c.agency_id = ? and c.booked_at >= ? and c.booked_at < ?
         union
         select receipt_id from cash_payments where agency_id = ? and collected_at >= ? and collected_at < ?)`,
    [...between, ...between],
  );
  const underpayments = tally(under?.n ?? 0, under?.owed ?? 0);

  // --- totals computed a second way, for the checks -----------------------------------------------
  const [bankSum] = await rows<{ total: number }>(
    db,
    `select coalesce(sum(al.amount), 0) as total
     from (${activeAllocationsSql}) al join bank_credits c on c.id = al.credit_id
     where c.agency_id = ? and c.booked_at >= ? and c.booked_at < ?`,
    between,
  );
  const [cashSum] = await rows<{ total: number }>(
    db,
    `select coalesce(sum(amount), 0) as total from cash_payments
     where agency_id = ? and collected_at >= ? and collected_at < ?`,
    between,
  );
  const [custodySum] = await rows<{ total: number }>(
    db,
    `select coalesce(sum(cp.amount), 0) as total from cash_payments cp
     where cp.agency_id = ? and cp.collected_at >= ? and cp.collected_at < ?
       and not exists (select 1 from deposit_batch_items i where i.cash_payment_id = cp.id)`,
    between,
  );
  const byMethod = { bank_transfer: bankSum?.total ?? 0, cash: cashSum?.total ?? 0 };

  const checks: ReconciliationCheck[] = [];
  const check = (
    name: string,
    expected: number,
    actual: number,
    detail: string,
    unit: 'vnd' | 'count' = 'vnd',
  ) => checks.push({ name, ok: expected === actual, expected, actual, unit, detail });

  check(
    'credits_accounted',
    creditTotals.received.amount,
    creditTotals.matched.amount +
      creditTotals.refundDue.amount +
      creditTotals.unmatched.amount +
      negativeOpen,
    'Tiền ngân hàng báo có trong ngày = đã đối chiếu (phiếu thu, lô nộp tiền) + chờ hoàn trả + chưa đối chiếu',
  );
  check(
    'credits_attributed',
    0,
    creditTotals.unmatched.amount,
    `Khoản báo có chưa gắn với phiếu thu, lô nộp tiền hay quyết định hoàn trả: ${creditTotals.unmatched.count} khoản`,
  );
  const fundedExpected = numbered.reduce((s, r) => s + r.amount, 0);
  const fundedActual = numbered.reduce((s, r) => s + r.bank_paid + r.cash_paid, 0);
  check(
    'paid_receipts_funded',
    fundedExpected,
    fundedActual,
    'Số tiền các phiếu thu đã thu đủ trong ngày = tiền chuyển khoản + tiền mặt đang ghi nhận cho các phiếu đó',
  );
  const seriesCheck = await receiptSeriesCheck(db, agencyId, start, numbered);
  check('receipt_numbers_contiguous', seriesCheck.expected, seriesCheck.actual, seriesCheck.detail, 'count');
  check(
    'cash_accounted',
    cash.collected.amount,
    cash.deposited.amount + (custodySum?.total ?? 0),
    'Tiền mặt thu hộ trong ngày = đã lập lô nộp tiền + còn do người thu giữ',
  );
  const missing = cash.shortDeposits.reduce((s, b) => s + b.missing, 0);
  check(
    'deposits_complete',
    0,
    missing,
    `Lô nộp tiền chứa tiền mặt của ngày nhưng ngân hàng báo có thiếu: ${cash.shortDeposits.length} lô`,
  );
  check(
    'by_hour_totals',
    byMethod.bank_transfer + byMethod.cash,
    byHour.reduce((s, h) => s + h.bank_transfer + h.cash, 0),
    'Tổng theo giờ = tổng theo hình thức thanh toán',
  );

  const flags: ReconciliationFlag[] = [];
  const flag = (name: string, t: Tally, detail: string) => {
    if (t.count > 0) flags.push({ name, count: t.count, amount: t.amount, detail });
  };
  flag(
    'statement_only_credits',
    creditTotals.statementOnly,
    'Khoản chỉ có trong sao kê, không có thông báo (callback): kiểm tra kênh nhận thông báo của ngân hàng',
  );
  flag(
    'overdue_custody',
    tally(
      cash.overdueCustody.reduce((s, c) => s + c.count, 0),
      cash.overdueCustody.reduce((s, c) => s + c.amount, 0),
    ),
    'Tiền mặt giữ quá hạn nộp',
  );
  flag('refund_due', creditTotals.refundDue, 'Khoản phải hoàn trả cho người chuyển');
  flag(
    'overdue_receipts',
    tally(receipts.overdue, receipts.overdueAmount),
    'Phiếu thu mở từ ngày trước, chưa thu đủ',
  );
  flag('underpayments', underpayments, 'Phiếu thu đã nhận tiền trong ngày nhưng chưa đủ');
  flag('cash_awaiting_bank', cash.awaitingBank, 'Tiền mặt đã lập lô nộp, chờ ngân hàng báo có');

  return {
    agencyId,
    date,
    timezone: HO_CHI_MINH_TZ,
    window: { from: start.toISOString(), to: end.toISOString() },
    generatedAt: now.toISOString(),
    balanced: checks.every((c) => c.ok),
    receipts,
    credits: creditTotals,
    cash,
    overpayments,
    underpayments,
    byMethod,
    byHour,
    checks,
    flags,
  };
}

/**
 * The day's receipt numbers must continue each series from where it stood at the start of the day,
 * without a gap or a repeat. Expected is how many numbers the span covers; actual how many were issued.
 */
async function receiptSeriesCheck(
  db: Db,
  agencyId: string,
  start: Date,
  numbered: NumberedReceipt[],
): Promise<{ expected: number; actual: number; detail: string }> {
  const bySeries = new Map<string, number[]>();
  for (const r of numbered) {
    const list = bySeries.get(r.series) ?? [];
    list.push(r.number);
    bySeries.set(r.series, list);
  }
  let expected = 0;
  let actual = 0;
  const notes: string[] = [];
  for (const [series, numbers] of bySeries) {
    const [before] = await rows<{ last: number | null }>(
      db,
      `select max(number) as last from receipt_numbers where agency_id = ? and series = ? and assigned_at < ?`,
      [agencyId, series, start],
    );
    const first = before?.last == null ? 1 : before.last + 1;
    const last = Math.max(...numbers);
    expected += last - first + 1;
    // Distinct numbers, less one for each repeat, so a repeat can never make up for a gap (the unique
    // index forbids repeats; this says so if that ever changes).
    const distinct = new Set(numbers).size;
    actual += distinct - (numbers.length - distinct);
    notes.push(`${series}: ${first}–${last}`);
  }
  return {
    expected,
    actual,
    detail: `Số biên lai cấp trong ngày liên tục, không trùng${notes.length ? ` (${notes.join('; ')})` : ''}`,
  };
}
