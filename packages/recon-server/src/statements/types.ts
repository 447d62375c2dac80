/** @module The one shape every statement parser produces, whatever the bank or standard. */

/** Which layout a file is read as; `?format=` and `--format` take these names. */
export const STATEMENT_FORMATS = ['csv', 'vietcombank', 'bidv', 'vietinbank', 'mt940', 'camt053'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

/** One booked movement on the account, read from the statement. Amounts are whole đồng. */
export interface StatementRow {
  /** Where it is in the file: the text line (CSV, MT940 `:61:`, camt.053 `<Ntry>`) or the sheet row (XLSX). */
  line: number;
  /** From the account holder's side: `credit` (Có) is money in, `debit` (Nợ) money out. */
  direction: 'credit' | 'debit';
  amount: number;
  bookedAt: Date;
  memo: string;
  /** The bank's own reference (FT…, AcctSvcrRef, `//` in MT940), when the file gives one. */
  bankReference?: string;
  /** Empty when the file does not name the account (a generic CSV without an `account` column). */
  accountNumber: string;
  /** The running balance printed on the row, when there is one. */
  balanceAfter?: number;
}

/** A row that could not be read: never guessed, never turned into 0. */
export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

/** opening + credits − debits against the closing balance the file prints. */
export interface BalanceCheck {
  ok: boolean;
  opening: number;
  credits: number;
  debits: number;
  /** The closing balance (or running balance) as printed. */
  expected: number;
  /** What the rows add up to. */
  actual: number;
  /** The first row whose running balance does not follow from the previous one. */
  line?: number;
}

export interface ParsedStatement {
  format: StatementFormat;
  /** The account the file is about, when it names one (rows carry it too). */
  accountNumber?: string;
  currency?: string;
  openingBalance?: number;
  closingBalance?: number;
  rows: StatementRow[];
  rejected: RejectedRow[];
  /** `null` when the file gives no balances to check against. */
  balanceCheck: BalanceCheck | null;
}

/**
 * The file as a whole cannot be read: unknown layout, broken XML, no header row, a foreign
 * currency. Rows that cannot be read are not this: they are {@link RejectedRow}s.
 *
 * @example
 * throw new StatementFormatError('no header row with the columns of a known layout');
 */
export class StatementFormatError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'StatementFormatError';
    this.line = line;
  }
}
