/**
 * @module SWIFT MT940 statements. @centrapay/swift-parser reads the message structure (tags,
 * statements, `:86:` details, balances). Each `:61:` line is first checked here against the tag's
 * grammar (reconciliation.md §5.1), with its line number, so one unreadable line is reported as a
 * rejected row instead of failing the whole file, and so amounts are read as whole đồng by us: the
 * library rounds to 2 decimals, which would hide a fraction.
 */
import swift from '@centrapay/swift-parser';
import { checkBalances } from './balance.js';
import { cleanMemo, normalizeAccount, vietnamTime } from './text.js';
import { type ParsedStatement, type RejectedRow, StatementFormatError, type StatementRow } from './types.js';

interface Block {
  tag: string;
  /** 1-based line of the tag. */
  line: number;
  /** Indexes into the file's lines. */
  lines: number[];
  text: string;
}

const TAG = /^:([0-9]{2}[A-Z]?|NS):/;

/** Groups lines into tags the way the library does (blank lines and lone `-` are dropped). */
function tokenize(lines: readonly string[]): { blocks: Block[]; kept: number[] } {
  const blocks: Block[] = [];
  const kept: number[] = [];
  let current: Block | undefined;
  lines.forEach((text, i) => {
    if (text === '' || text === '-') return;
    kept.push(i);
    const m = TAG.exec(text);
    if (m || text.startsWith('{') || text.startsWith('-}')) {
      current = { tag: m ? m[1]! : 'MB', line: i + 1, lines: [i], text: m ? text.slice(m[0].length) : text };
      blocks.push(current);
    } else if (current) {
      current.lines.push(i);
      current.text += `\n${text}`;
    } else {
      throw new StatementFormatError('text before the first MT940 tag', i + 1);
    }
  });
  return { blocks, kept };
}

// value date, optional entry date, [R]D|C mark, optional funds code, amount, type, customer ref,
// optional //bank ref, optional supplementary details on the next line.
const STATEMENT_LINE =
  /^(\d{2})(\d{2})(\d{2})(\d{4})?(R?[DC])([A-Z])?([0-9,]{1,16})([A-Z][A-Z0-9]{3})([^/\n]{0,16})(?:\/\/([^\n]{0,16}))?(?:\n(.{0,34}))?$/;

type LineCheck = { ok: true; amount: number; bookedAt: Date } | { ok: false; reason: string };

function checkStatementLine(text: string): LineCheck {
  const m = STATEMENT_LINE.exec(text);
  if (!m)
    return {
      ok: false,
      reason: 'not a :61: statement line (YYMMDD[MMDD]C|D amount type reference[//bank ref])',
    };
  const bookedAt = vietnamTime(2000 + Number(m[1]), Number(m[2]), Number(m[3]));
  if (!bookedAt) return { ok: false, reason: `value date ${m[1]}${m[2]}${m[3]} does not exist` };
  const amount = /^(\d+),(\d{0,2})$/.exec(m[7]!);
  if (!amount)
    return { ok: false, reason: `amount "${m[7]}" is not a SWIFT amount (digits, a comma, decimals)` };
  if (/[1-9]/.test(amount[2]!))
    return { ok: false, reason: `amount "${m[7]}" is not a whole number of đồng` };
  const value = Number(amount[1]);
  if (!Number.isSafeInteger(value) || value === 0)
    return { ok: false, reason: `amount "${m[7]}" is not a transfer` };
  return { ok: true, amount: value, bookedAt };
}

function wholeDong(
  value: { isInteger(): boolean; isNaN(): boolean; toFixed(): string },
  what: string,
): number {
  if (value.isNaN() || !value.isInteger())
    throw new StatementFormatError(`${what} ${value.toFixed()} is not a whole number of đồng`);
  const n = Number(value.toFixed());
  if (!Number.isSafeInteger(n)) throw new StatementFormatError(`${what} ${value.toFixed()} is out of range`);
  return n;
}

/**
 * Reads an MT940 message (one or more statements of one account).
 *
 * @example
 * const statement = parseMt940(':20:STMT\n:25:1023456789\n:28C:1\n:60F:C261123VND0,\n…');
 */
export function parseMt940(text: string): ParsedStatement {
  const lines = text.split(/\r?\n/);
  const { blocks } = tokenize(lines);
  const rejected: RejectedRow[] = [];
  const accepted: { block: Block; check: Extract<LineCheck, { ok: true }> }[] = [];
  const dropped = new Set<number>();
  let dropping = false;
  for (const block of blocks) {
    if (block.tag === '61') {
      const check = checkStatementLine(block.text);
      dropping = !check.ok;
      if (check.ok) accepted.push({ block, check });
      else rejected.push({ line: block.line, reason: check.reason, raw: block.text });
    } else if (block.tag !== '86') {
      dropping = false;
    }
    // A rejected line's :86: details go with it, so they cannot attach to the line before.
    if (dropping) for (const i of block.lines) dropped.add(i);
  }

  let statements: ReturnType<typeof swift.parse>;
  try {
    statements = swift.parse({
      type: 'mt940',
      data: lines.filter((_, i) => !dropped.has(i)).join('\n'),
      validate: false,
    });
  } catch (error) {
    throw new StatementFormatError(`not a readable MT940 message: ${(error as Error).message}`);
  }
  if (statements.length === 0)
    throw new StatementFormatError('no MT940 statement (:20: … :62F:) in the file');
  const transactions = statements.flatMap((s) => s.transactions.map((t) => ({ s, t })));
  if (transactions.length !== accepted.length) {
    throw new StatementFormatError(
      `found ${accepted.length} :61: lines but the parser read ${transactions.length}`,
    );
  }

  const accounts = new Set(statements.map((s) => normalizeAccount(s.accountIdentification ?? '')));
  if (accounts.size !== 1 || accounts.has('')) {
    throw new StatementFormatError(
      `the file must be about one account (:25:), found ${[...accounts].join(', ') || 'none'}`,
    );
  }
  const accountNumber = [...accounts][0]!;
  for (const s of statements) {
    if (s.currency !== 'VND') throw new StatementFormatError(`the statement is in ${s.currency}, not VND`);
  }

  const rows: StatementRow[] = transactions.map(({ s, t }, i) => {
    const { block, check } = accepted[i]!;
    const signed = t.amount;
    const row: StatementRow = {
      line: block.line,
      // The sign carries the mark and a reversal (RC is money going back out).
      direction: signed.isNegative() ? 'debit' : 'credit',
      amount: check.amount,
      bookedAt: check.bookedAt,
      memo: cleanMemo(t.details || t.extraDetails || t.reference || ''),
      accountNumber,
      ...(t.bankReference.trim() ? { bankReference: t.bankReference.trim() } : {}),
    };
    if (wholeDong(signed.abs(), 'amount') !== check.amount) {
      throw new StatementFormatError(`the parser read ${signed.toFixed()} for "${block.text}"`, block.line);
    }
    // The last line of each statement must land on that statement's closing balance.
    if (i === transactions.length - 1 || transactions[i + 1]!.s !== s) {
      row.balanceAfter = wholeDong(s.closingBalance, 'closing balance');
    }
    return row;
  });
  const openingBalance = wholeDong(statements[0]!.openingBalance, 'opening balance');
  const closingBalance = wholeDong(statements[statements.length - 1]!.closingBalance, 'closing balance');
  return {
    format: 'mt940',
    accountNumber,
    currency: 'VND',
    openingBalance,
    closingBalance,
    rows,
    rejected,
    balanceCheck: checkBalances(rows, openingBalance, closingBalance),
  };
}
