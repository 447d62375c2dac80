/**
 * @module Tabular statements (CSV or XLSX, the documented generic CSV and the Vietcombank, BIDV and
 * VietinBank exports) read as a grid of text cells. Each layout is data: the words its headers and
 * labels carry. The header row is found by those words, not by position, because banks put a
 * varying number of title rows above it (reconciliation.md §5.4).
 */

import { fileSeparator, parseVndAmount } from './amount.js';
import { checkBalances } from './balance.js';
import { cleanMemo, normalizeAccount, normalizeLabel, parseStatementDate } from './text.js';
import {
  type ParsedStatement,
  type RejectedRow,
  type StatementFormat,
  StatementFormatError,
  type StatementRow,
} from './types.js';

/** One row of the sheet: its line (CSV) or row number (XLSX), and its cells as text. */
export interface GridRow {
  line: number;
  cells: string[];
}

type Column = 'date' | 'debit' | 'credit' | 'memo' | 'reference' | 'balance' | 'account';

interface Layout {
  format: Exclude<StatementFormat, 'mt940' | 'camt053'>;
  /** Words of the title the bank prints above the table (normalised). */
  title?: RegExp;
  /** Header words per column (normalised header text); the first matching cell wins. */
  columns: Partial<Record<Column, RegExp>>;
  required: Column[];
  /** VietinBank prints the date once for several rows of the same day. */
  fillDownDate?: boolean;
}

// Patterns run on normalizeLabel() output: no accents, lower case, words separated by one space.
const LAYOUTS: readonly Layout[] = [
  {
    format: 'csv',
    columns: {
      date: /^(date|ngay)$/,
      credit: /^(credit|co)$/,
      debit: /^(debit|no)$/,
      memo: /^(memo|noi dung)$/,
      reference: /^(reference|so tham chieu)$/,
      balance: /^(balance|so du)$/,
      account: /^(account|tai khoan)$/,
    },
    required: ['date', 'credit', 'debit', 'memo'],
  },
  {
    format: 'vietcombank',
    title: /sao ke tai khoan|account statement/,
    columns: {
      date: /^ngay gd\b|\btnx date\b/,
      reference: /\bso ct\b|\bdoc no\b/,
      debit: /\bghi no\b|^debit$/,
      credit: /\bghi co\b|^credit$/,
      balance: /^so du( balance)?$|^balance$/,
      memo: /\bnoi dung\b|transactions in detail/,
    },
    required: ['date', 'debit', 'credit', 'memo'],
  },
  {
    format: 'bidv',
    title: /bao cao chi tiet so du tai khoan/,
    columns: {
      date: /^ngay hieu luc\b/,
      debit: /^ghi no\b/,
      credit: /^ghi co\b/,
      memo: /^mo ta\b/,
      balance: /^so du\b/,
      reference: /\bso tham chieu\b|\bso but toan\b|\bma giao dich\b|\bso giao dich\b/,
    },
    required: ['date', 'debit', 'credit', 'memo'],
  },
  {
    format: 'vietinbank',
    title: /lich su giao dich|transaction history/,
    columns: {
      date: /\bngay hach toan\b|^transaction date$/,
      memo: /\bmo ta giao dich\b|\btransaction description\b/,
      debit: /^no( debit)?$|^debit$/,
      credit: /^co( credit)?$|^credit$/,
      balance: /^so du\b|\bbalance\b/,
      reference: /\bso giao dich\b|\bso but toan\b|\bso tham chieu\b|\btransaction (no|number)\b/,
    },
    required: ['date', 'debit', 'credit', 'memo'],
    fillDownDate: true,
  },
];

const ACCOUNT_LABEL = /\b(so tai khoan|account number|account no|so tk)\b/;
const OLD_ACCOUNT = /\b(cu|old)\b/;
const OPENING_LABEL = /\b(so du dau ky|opening balance|du dau)\b/;
const CLOSING_LABEL = /\b(so du cuoi ky|closing balance|du cuoi)\b/;
const SUMMARY_LABEL = /\b(tong cong|tong so|total|cong phat sinh|doanh so)\b/;
const HEADER_SEARCH_ROWS = 40;

type HeaderMap = Partial<Record<Column, number>>;

function matchHeader(layout: Layout, cells: string[]): HeaderMap | undefined {
  const labels = cells.map(normalizeLabel);
  const map: HeaderMap = {};
  const used = new Set<number>();
  for (const [column, pattern] of Object.entries(layout.columns) as [Column, RegExp][]) {
    const index = labels.findIndex((label, i) => !used.has(i) && label !== '' && pattern.test(label));
    if (index >= 0) {
      map[column] = index;
      used.add(index);
    }
  }
  return layout.required.every((c) => map[c] !== undefined) ? map : undefined;
}

/** Which layout this grid is, and where its header row is; explicit `format` is taken at its word. */
function findLayout(
  rows: readonly GridRow[],
  format?: StatementFormat,
): { layout: Layout; headerIndex: number; header: HeaderMap } {
  const candidates = format ? LAYOUTS.filter((l) => l.format === format) : LAYOUTS;
  if (candidates.length === 0) throw new StatementFormatError(`"${format}" is not a tabular layout`);
  const top = rows.slice(0, HEADER_SEARCH_ROWS);
  const titled = candidates.find(
    (l) => l.title && top.some((r) => r.cells.some((c) => l.title!.test(normalizeLabel(c)))),
  );
  const order = titled ? [titled, ...candidates.filter((l) => l !== titled)] : candidates;
  for (const layout of order) {
    for (let i = 0; i < top.length; i++) {
      const header = matchHeader(layout, top[i]!.cells);
      if (header) return { layout, headerIndex: i, header };
    }
  }
  const wanted = format
    ? `the ${format} layout's header row (${candidates[0]!.required.join(', ')})`
    : 'a header row of the generic CSV (date, credit, debit, memo) or of a Vietcombank, BIDV or VietinBank export';
  throw new StatementFormatError(`no header row found: expected ${wanted}`);
}

/** `Số dư đầu kỳ/ Opening balance: 19.077.000` in one cell, or the label and the value in the next cell. */
function labelledValue(cells: readonly string[], label: RegExp): string | undefined {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (!label.test(normalizeLabel(cell))) continue;
    const colon = cell.indexOf(':');
    if (colon >= 0 && cell.slice(colon + 1).trim() !== '') return cell.slice(colon + 1).trim();
    const next = cells.slice(i + 1).find((c) => c.trim() !== '');
    if (next !== undefined) return next.trim();
  }
  return undefined;
}

function rawOf(row: GridRow): string {
  return row.cells.join(' | ').trim();
}

const isBlank = (text: string | undefined) => text === undefined || text.trim() === '' || text.trim() === '-';

/**
 * Reads a grid as one of the tabular layouts.
 *
 * @example
 * const statement = parseGrid([{ line: 1, cells: ['date', 'credit', 'debit', 'memo'] }, …]);
 */
export function parseGrid(grid: readonly GridRow[], format?: StatementFormat): ParsedStatement {
  const rows = grid.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const { layout, headerIndex, header } = findLayout(rows, format);
  const cell = (row: GridRow, column: Column) => {
    const i = header[column];
    return i === undefined ? undefined : row.cells[i];
  };

  const meta = (label: RegExp, except?: RegExp) => {
    for (const row of rows.slice(0, headerIndex)) {
      if (except && row.cells.some((c) => except.test(normalizeLabel(c)) && label.test(normalizeLabel(c))))
        continue;
      const value = labelledValue(row.cells, label);
      if (value !== undefined) return { value, line: row.line };
    }
    return undefined;
  };

  // The file's thousands separator, from every amount-looking text in it.
  const amountTexts: string[] = [];
  for (const row of rows.slice(headerIndex + 1)) {
    for (const c of ['debit', 'credit', 'balance'] as const) {
      const text = cell(row, c);
      if (text) amountTexts.push(text);
    }
  }
  const body = rows.slice(headerIndex + 1);
  const openingText = meta(OPENING_LABEL) ?? findLabelled(body, OPENING_LABEL);
  const closingText = meta(CLOSING_LABEL) ?? findLabelled(body, CLOSING_LABEL);
  for (const t of [openingText, closingText]) if (t) amountTexts.push(t.value);
  const separator = fileSeparator(amountTexts);

  const accountText = meta(ACCOUNT_LABEL, OLD_ACCOUNT);
  const fileAccount = accountText ? normalizeAccount(accountText.value.split(/\s/)[0] ?? '') : undefined;

  const out: StatementRow[] = [];
  const rejected: RejectedRow[] = [];
  let lastDate: Date | undefined;
  let lastRow: StatementRow | undefined;
  for (const row of body) {
    const normalized = row.cells.map(normalizeLabel);
    if (normalized.some((c) => OPENING_LABEL.test(c) || CLOSING_LABEL.test(c))) continue;
    const dateText = cell(row, 'date');
    const debitText = cell(row, 'debit');
    const creditText = cell(row, 'credit');
    const memoText = cell(row, 'memo') ?? '';
    const noAmounts = isBlank(debitText) && isBlank(creditText);
    // Totals rows ("Tổng số/ Total", "Cộng phát sinh") repeat the amounts: they are not movements.
    if (
      SUMMARY_LABEL.test(normalizeLabel(dateText ?? '')) ||
      (isBlank(dateText) && normalized.some((c) => SUMMARY_LABEL.test(c)))
    )
      continue;
    if (isBlank(dateText) && noAmounts) {
      // A memo wrapped onto its own row by the export: it belongs to the row above.
      if (lastRow && memoText.trim() !== '') lastRow.memo = cleanMemo(`${lastRow.memo} ${memoText}`);
      continue;
    }
    const reject = (reason: string) => rejected.push({ line: row.line, reason, raw: rawOf(row) });

    let bookedAt: Date | undefined;
    if (isBlank(dateText)) {
      if (!layout.fillDownDate || !lastDate) {
        reject('the date is missing');
        continue;
      }
      bookedAt = lastDate;
    } else {
      bookedAt = parseStatementDate(dateText!);
      if (!bookedAt) {
        reject(`"${dateText!.trim()}" is not a date (DD/MM/YYYY)`);
        continue;
      }
      lastDate = bookedAt;
    }

    const read = (text: string | undefined, what: string) => {
      if (isBlank(text)) return { ok: true as const, value: 0 };
      const r = parseVndAmount(text!, separator);
      return r.ok ? r : { ok: false as const, reason: `${what}: ${r.reason}` };
    };
    const debit = read(debitText, layout.format === 'csv' ? 'debit' : 'Nợ/debit');
    const credit = read(creditText, layout.format === 'csv' ? 'credit' : 'Có/credit');
    if (!debit.ok || !credit.ok) {
      reject((!debit.ok ? debit.reason : undefined) ?? (credit as { reason: string }).reason);
      continue;
    }
    if (debit.value > 0 && credit.value > 0) {
      reject('both Nợ/debit and Có/credit are filled in: one row is one movement');
      continue;
    }
    if (debit.value === 0 && credit.value === 0) {
      reject('no amount: Nợ/debit and Có/credit are both empty or zero');
      continue;
    }
    let balanceAfter: number | undefined;
    const balanceText = cell(row, 'balance');
    if (!isBlank(balanceText)) {
      const b = parseVndAmount(balanceText!, separator);
      if (!b.ok) {
        reject(`balance: ${b.reason}`);
        continue;
      }
      balanceAfter = b.value;
    }
    const rowAccountText = cell(row, 'account');
    // Empty when the file never names the account: the importer then says which one it is.
    const account = !isBlank(rowAccountText) ? normalizeAccount(rowAccountText!) : (fileAccount ?? '');
    const reference = cell(row, 'reference')?.trim();
    const parsed: StatementRow = {
      line: row.line,
      direction: credit.value > 0 ? 'credit' : 'debit',
      amount: credit.value > 0 ? credit.value : debit.value,
      bookedAt,
      memo: cleanMemo(memoText),
      accountNumber: account,
      ...(reference && reference !== '-' ? { bankReference: reference } : {}),
      ...(balanceAfter !== undefined ? { balanceAfter } : {}),
    };
    out.push(parsed);
    lastRow = parsed;
  }

  const balance = (found: { value: string; line: number } | undefined, what: string) => {
    if (!found) return undefined;
    const r = parseVndAmount(found.value, separator);
    if (!r.ok) throw new StatementFormatError(`${what}: ${r.reason}`, found.line);
    return r.value;
  };
  const openingBalance = balance(openingText, 'opening balance');
  const closingBalance = balance(closingText, 'closing balance');
  return {
    format: layout.format,
    ...(fileAccount ? { accountNumber: fileAccount } : {}),
    currency: 'VND',
    ...(openingBalance !== undefined ? { openingBalance } : {}),
    ...(closingBalance !== undefined ? { closingBalance } : {}),
    rows: out,
    rejected,
    balanceCheck: checkBalances(out, openingBalance, closingBalance),
  };
}

function findLabelled(rows: readonly GridRow[], label: RegExp) {
  for (const row of rows) {
    const value = labelledValue(row.cells, label);
    if (value !== undefined) return { value, line: row.line };
  }
  return undefined;
}
