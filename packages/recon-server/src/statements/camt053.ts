/**
 * @module ISO 20022 camt.053 (BkToCstmrStmt), versions 02 to 08: fast-xml-parser reads the XML, this
 * maps the ~15 elements of reconciliation.md §5.2. Values are kept as text (no number parsing by the
 * XML parser), so amounts are read strictly as whole đồng here.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HO_CHI_MINH_OFFSET_MINUTES } from '../shared/time.js';
import { checkBalances } from './balance.js';
import { cleanMemo, normalizeAccount, vietnamTime } from './text.js';
import { type ParsedStatement, type RejectedRow, StatementFormatError, type StatementRow } from './types.js';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['Stmt', 'Ntry', 'Bal', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

function node(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    const n = node(current);
    if (!n) return undefined;
    current = n[key];
  }
  return current;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const n = node(value);
  if (n && typeof n['#text'] === 'string') return n['#text'];
  return undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

type AmountCheck = { ok: true; value: number } | { ok: false; reason: string };

/** `<Amt Ccy="VND">150000.00</Amt>`: digits with an all-zero fraction, in VND. */
function readAmount(amt: unknown, what: string): AmountCheck {
  const value = text(amt)?.trim();
  const currency = node(amt)?.['@_Ccy'];
  if (value === undefined) return { ok: false, reason: `${what} is missing` };
  if (currency !== undefined && currency !== 'VND')
    return { ok: false, reason: `${what} is in ${String(currency)}, not VND` };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return { ok: false, reason: `${what} "${value}" is not an amount` };
  if (m[2] && /[1-9]/.test(m[2]))
    return { ok: false, reason: `${what} "${value}" is not a whole number of đồng` };
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) return { ok: false, reason: `${what} "${value}" is out of range` };
  return { ok: true, value: n };
}

/** `<Dt>2026-11-23</Dt>` (Vietnam midnight) or `<DtTm>2026-11-23T09:41:27+07:00</DtTm>` (no offset: Vietnam time). */
function readDate(value: unknown): Date | undefined {
  const dt = text(at(value, 'Dt'));
  const dtTm = text(at(value, 'DtTm'));
  if (dt) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dt.trim());
    return m ? vietnamTime(+m[1]!, +m[2]!, +m[3]!) : undefined;
  }
  if (dtTm) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      dtTm.trim(),
    );
    if (!m) return undefined;
    const local = vietnamTime(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    if (!local || !m[7]) return local;
    const offset =
      m[7] === 'Z'
        ? 0
        : (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6)));
    // vietnamTime assumed +07:00; shift to the offset actually written.
    return new Date(local.getTime() + (HO_CHI_MINH_OFFSET_MINUTES - offset) * 60_000);
  }
  return undefined;
}

function signedBalance(bal: unknown): number | undefined {
  const amount = readAmount(at(bal, 'Amt'), 'balance');
  if (!amount.ok) throw new StatementFormatError(amount.reason);
  return text(at(bal, 'CdtDbtInd')) === 'DBIT' ? -amount.value : amount.value;
}

function balanceOf(stmt: unknown, codes: readonly string[]): number | undefined {
  const bal = list(at(stmt, 'Bal')).find((b) => codes.includes(text(at(b, 'Tp', 'CdOrPrtry', 'Cd')) ?? ''));
  return bal === undefined ? undefined : signedBalance(bal);
}

function memoOf(entry: unknown): string {
  const parts: string[] = [];
  for (const details of list(at(entry, 'NtryDtls'))) {
    for (const tx of list(at(details, 'TxDtls'))) {
      for (const u of list(at(tx, 'RmtInf', 'Ustrd'))) parts.push(text(u) ?? '');
      for (const s of list(at(tx, 'RmtInf', 'Strd'))) parts.push(text(at(s, 'CdtrRefInf', 'Ref')) ?? '');
      if (parts.length === 0) parts.push(text(at(tx, 'AddtlTxInf')) ?? '');
    }
  }
  const memo = cleanMemo(parts.join(' '));
  return memo || cleanMemo(text(at(entry, 'AddtlNtryInf')) ?? '');
}

function referenceOf(entry: unknown): string | undefined {
  const own = text(at(entry, 'AcctSvcrRef'))?.trim();
  if (own) return own;
  for (const details of list(at(entry, 'NtryDtls'))) {
    for (const tx of list(at(details, 'TxDtls'))) {
      const ref = text(at(tx, 'Refs', 'AcctSvcrRef'))?.trim();
      if (ref) return ref;
    }
  }
  return undefined;
}

/** 1-based line of each `<Ntry>` start tag, in document order (the order the parser keeps). */
function entryLines(xml: string): number[] {
  const lines: number[] = [];
  const re = /<(?:[\w.-]+:)?Ntry[\s>]/g;
  let line = 1;
  let last = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    for (let i = last; i < m.index; i++) if (xml.charCodeAt(i) === 10) line++;
    last = m.index;
    lines.push(line);
  }
  return lines;
}

/**
 * Reads a camt.053 document (one or more statements of one account).
 *
 * @example
 * const statement = parseCamt053(readFileSync('camt053.xml', 'utf8'));
 */
export function parseCamt053(xml: string): ParsedStatement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new StatementFormatError(`not well-formed XML: ${valid.err.msg}`, valid.err.line);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (error) {
    // Well-formed but refused by the parser: a DOCTYPE with external or too many entities (XXE,
    // "billion laughs"). A bank statement declares no entities.
    throw new StatementFormatError(`XML the statement reader refuses: ${(error as Error).message}`);
  }
  const statements = list(at(doc, 'Document', 'BkToCstmrStmt', 'Stmt'));
  if (statements.length === 0)
    throw new StatementFormatError('no camt.053 statement (Document/BkToCstmrStmt/Stmt)');

  const accounts = new Set(
    statements.map((s) =>
      normalizeAccount(text(at(s, 'Acct', 'Id', 'Othr', 'Id')) ?? text(at(s, 'Acct', 'Id', 'IBAN')) ?? ''),
    ),
  );
  if (accounts.size !== 1 || accounts.has(''))
    throw new StatementFormatError(
      `the file must be about one account (Stmt/Acct/Id), found ${[...accounts].join(', ') || 'none'}`,
    );
  const accountNumber = [...accounts][0]!;
  for (const s of statements) {
    const ccy = text(at(s, 'Acct', 'Ccy'));
    if (ccy !== undefined && ccy !== 'VND')
      throw new StatementFormatError(`the account is in ${ccy}, not VND`);
  }

  const lines = entryLines(xml);
  let index = 0;
  const rows: StatementRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const stmt of statements) {
    const closing = balanceOf(stmt, ['CLBD']);
    let lastRow: StatementRow | undefined;
    for (const entry of list(at(stmt, 'Ntry'))) {
      const line = lines[index++] ?? 0;
      const reject = (reason: string) =>
        rejected.push({
          line,
          reason,
          raw: cleanMemo(
            `${text(at(entry, 'Amt')) ?? ''} ${text(at(entry, 'CdtDbtInd')) ?? ''} ${memoOf(entry)}`,
          ),
        });
      const status = text(at(entry, 'Sts')) ?? text(at(entry, 'Sts', 'Cd'));
      if (status !== undefined && status !== 'BOOK') {
        reject(`entry status ${status} is not booked`);
        continue;
      }
      const indicator = text(at(entry, 'CdtDbtInd'));
      if (indicator !== 'CRDT' && indicator !== 'DBIT') {
        reject(`CdtDbtInd "${indicator ?? ''}" is neither CRDT nor DBIT`);
        continue;
      }
      const amount = readAmount(at(entry, 'Amt'), 'Amt');
      if (!amount.ok) {
        reject(amount.reason);
        continue;
      }
      if (amount.value === 0) {
        reject('Amt is zero');
        continue;
      }
      const bookedAt = readDate(at(entry, 'BookgDt')) ?? readDate(at(entry, 'ValDt'));
      if (!bookedAt) {
        reject('BookgDt (or ValDt) is missing or not a date');
        continue;
      }
      const reference = referenceOf(entry);
      lastRow = {
        line,
        direction: indicator === 'CRDT' ? 'credit' : 'debit',
        amount: amount.value,
        bookedAt,
        memo: memoOf(entry),
        accountNumber,
        ...(reference ? { bankReference: reference } : {}),
      };
      rows.push(lastRow);
    }
    // Each statement's last entry must land on that statement's closing balance.
    if (lastRow && closing !== undefined) lastRow.balanceAfter = closing;
  }
  const openingBalance = balanceOf(statements[0], ['OPBD', 'PRCD']);
  const closingBalance = balanceOf(statements[statements.length - 1], ['CLBD']);
  return {
    format: 'camt053',
    accountNumber,
    currency: 'VND',
    ...(openingBalance !== undefined ? { openingBalance } : {}),
    ...(closingBalance !== undefined ? { closingBalance } : {}),
    rows,
    rejected,
    balanceCheck: checkBalances(rows, openingBalance, closingBalance),
  };
}
