/**
 * @module Statement import: a bank statement file's lines fed through the same idempotent ingest as
 * callbacks. A line whose money is already known (from a callback, or an earlier overlapping file)
 * is a duplicate of that credit; a new one is recorded and matched. The file and every line's
 * outcome are kept, append-only; the identical file again returns the first import's result.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { audit } from '../ledger/audit.js';
import { lockSameMoney } from '../ledger/same-money.js';
import { ingestCredit } from '../matching/ingest.js';
import { AppError } from '../shared/errors.js';
import {
  type BalanceCheck,
  type ParsedStatement,
  parseStatement,
  type StatementFormat,
  StatementFormatError,
  type StatementRow,
} from './index.js';
import { normalizeAccount, normalizeLabel } from './text.js';

export type StatementLineOutcome = 'matched' | 'unmatched' | 'duplicate' | 'debit' | 'rejected';

export interface StatementLineResult {
  line: number;
  outcome: StatementLineOutcome;
  direction?: 'credit' | 'debit';
  amount?: number;
  bookedAt?: string;
  memo?: string;
  bankReference?: string;
  creditId?: string;
  receiptId?: string;
  /** Why a line was rejected, or why matching left it for a person. */
  reason?: string;
  /** The rejected line as it was in the file. */
  raw?: string;
}

export interface StatementImportCounts {
  /** Lines read (credits and debits), rejected ones not included. */
  rows: number;
  /** Credits recorded by this import: `matched` + `unmatched`. */
  new: number;
  /** Credits already known, from a callback or an earlier statement. */
  duplicate: number;
  matched: number;
  unmatched: number;
  rejected: number;
  debits: number;
}

export interface StatementImportResult {
  importId: string;
  /** True when this very file was imported before: this is that import's result, and nothing changed. */
  duplicateFile: boolean;
  sha256: string;
  filename: string | null;
  format: StatementFormat;
  accountNumber: string;
  currency: string;
  openingBalance: number | null;
  closingBalance: number | null;
  balanceCheck: BalanceCheck | null;
  counts: StatementImportCounts;
  lines: StatementLineResult[];
  actor: string;
  importedAt: string;
}

export interface ImportStatementInput {
  agencyId: string;
  bytes: Buffer;
  filename?: string | undefined;
  format?: StatementFormat | string | undefined;
  /** The collection account the file is for, when the file does not say (a generic CSV). */
  account?: string | undefined;
  /** An API key id, or `cli:<user>`. */
  actor: string;
  now: Date;
}

/** Statement credits are ingested under this provider name; their id is the line's key. */
export const STATEMENT_PROVIDER = 'statement';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Resolves the statement's account against the agency's collection accounts, or refuses the file. */
async function resolveAccount(
  db: Knex,
  agencyId: string,
  parsed: ParsedStatement,
  requested: string | undefined,
): Promise<string> {
  const accounts: string[] = (
    await db('collection_accounts').where({ agency_id: agencyId }).pluck('account_number')
  ).map(String);
  const find = (written: string) => {
    const n = normalizeAccount(written);
    // Some banks prefix the account with letters (a bank code or IBAN-like form): VCB1023456789.
    return accounts.find((a) => {
      const own = normalizeAccount(a);
      return n === own || (n.endsWith(own) && /^[A-Z]+$/.test(n.slice(0, n.length - own.length)));
    });
  };
  const named = new Set(
    [parsed.accountNumber, ...parsed.rows.map((r) => r.accountNumber)].filter((a): a is string => !!a),
  );
  if (requested) {
    const chosen = find(requested);
    if (!chosen)
      throw new AppError('statement_wrong_account', {
        detail: `account ${requested} is not a collection account of this agency`,
      });
    for (const a of named) {
      if (find(a) !== chosen)
        throw new AppError('statement_wrong_account', {
          detail: `the file is for account ${a}, not ${requested}`,
        });
    }
    return chosen;
  }
  if (named.size === 0) {
    if (accounts.length === 1) return accounts[0]!;
    throw new AppError('statement_wrong_account', {
      detail: 'the file does not name its account and the agency has several: say which one (account)',
    });
  }
  if (named.size > 1)
    throw new AppError('statement_wrong_account', {
      detail: `the file names several accounts: ${[...named].join(', ')}`,
    });
  const [only] = named;
  const chosen = find(only!);
  if (!chosen)
    throw new AppError('statement_wrong_account', {
      detail: `account ${only} is not a collection account of this agency`,
    });
  return chosen;
}

const VIETNAM_DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A callback credit for this line's money that the bank reference did not already tie to it: same
 * account, amount and memo (one contains the other, accents and case aside), booked within a day,
 * references not contradicting each other (either side has none, or they are equal), and not yet
 * claimed by a statement line. Identical ones are claimed in order. The caller holds the same-money
 * lock, so a callback being recorded right now is waited for, not missed.
 */
async function findUnreferencedTwin(
  trx: Knex.Transaction,
  agencyId: string,
  row: StatementRow & { accountNumber: string },
  claimed: ReadonlySet<string>,
): Promise<{ id: string; provider: string } | undefined> {
  const query = trx('bank_credits as c')
    .where({ 'c.agency_id': agencyId, 'c.account_number': row.accountNumber, 'c.amount': row.amount })
    .whereNot('c.provider', STATEMENT_PROVIDER)
    .where('c.booked_at', '>=', new Date(row.bookedAt.getTime() - VIETNAM_DAY_MS))
    .where('c.booked_at', '<', new Date(row.bookedAt.getTime() + 2 * VIETNAM_DAY_MS))
    .whereNotExists(trx('statement_lines as l').whereRaw('l.credit_id = c.id'))
    .orderBy([{ column: 'c.booked_at' }, { column: 'c.created_at' }]);
  // A line without a reference may be the transfer a callback reported with one (the generic CSV's
  // reference column may be empty); a line with one is not the transfer of another reference.
  if (row.bankReference) {
    query.where((q) => q.whereNull('c.bank_reference').orWhere('c.bank_reference', row.bankReference!));
  }
  const candidates: { id: string; provider: string; memo: string }[] = await query.select(
    'c.id',
    'c.provider',
    'c.memo',
  );
  const memo = normalizeLabel(row.memo);
  return candidates.find((c) => {
    if (claimed.has(c.id)) return false;
    const other = normalizeLabel(c.memo);
    return other !== '' && memo !== '' && (memo.includes(other) || other.includes(memo));
  });
}

/**
 * A line's identity across files: the bank reference when there is one, else a hash of what the
 * line says and how many identical lines came before it in the same file (two equal transfers on
 * one day are two lines).
 */
function lineKey(row: StatementRow & { accountNumber: string }, occurrence: number): string {
  if (row.bankReference) return `ref:${row.bankReference}`;
  const content = [
    row.accountNumber,
    row.bookedAt.toISOString(),
    row.amount,
    normalizeLabel(row.memo),
    occurrence,
  ].join('|');
  return `hash:${createHash('sha256').update(content).digest('hex').slice(0, 40)}`;
}

function countsOf(lines: readonly StatementLineResult[]): StatementImportCounts {
  const n = (o: StatementLineOutcome) => lines.filter((l) => l.outcome === o).length;
  return {
    rows: lines.filter((l) => l.outcome !== 'rejected').length,
    new: n('matched') + n('unmatched'),
    duplicate: n('duplicate'),
    matched: n('matched'),
    unmatched: n('unmatched'),
    rejected: n('rejected'),
    debits: n('debit'),
  };
}

/** An import as stored, with its lines. */
export async function loadStatementImport(
  db: Knex,
  agencyId: string,
  importId: string,
): Promise<Omit<StatementImportResult, 'duplicateFile'> | undefined> {
  const row = await db('statement_imports').where({ id: importId, agency_id: agencyId }).first();
  if (!row) return undefined;
  const lineRows = await db('statement_lines').where({ import_id: importId }).orderBy('position');
  const lines: StatementLineResult[] = lineRows.map((l) => ({
    line: l.line,
    outcome: l.outcome,
    ...(l.direction ? { direction: l.direction } : {}),
    ...(l.amount !== null ? { amount: l.amount } : {}),
    ...(l.booked_at ? { bookedAt: new Date(l.booked_at).toISOString() } : {}),
    ...(l.memo !== null ? { memo: l.memo } : {}),
    ...(l.bank_reference ? { bankReference: l.bank_reference } : {}),
    ...(l.credit_id ? { creditId: l.credit_id } : {}),
    ...(l.receipt_id ? { receiptId: l.receipt_id } : {}),
    ...(l.reason ? { reason: l.reason } : {}),
    ...(l.raw ? { raw: l.raw } : {}),
  }));
  const balanceCheck =
    typeof row.balance_check === 'string' ? JSON.parse(row.balance_check) : row.balance_check;
  return {
    importId: row.id,
    sha256: row.sha256,
    filename: row.filename,
    format: row.format,
    accountNumber: row.account_number,
    currency: row.currency,
    openingBalance: row.opening_balance === null ? null : row.opening_balance,
    closingBalance: row.closing_balance === null ? null : row.closing_balance,
    balanceCheck: balanceCheck ?? null,
    counts: countsOf(lines),
    lines,
    actor: row.actor,
    importedAt: new Date(row.created_at).toISOString(),
  };
}

async function previousImport(db: Knex, agencyId: string, hash: string) {
  const row = await db('statement_imports').where({ agency_id: agencyId, sha256: hash }).first('id');
  if (!row) return undefined;
  const loaded = await loadStatementImport(db, agencyId, row.id);
  return loaded ? { ...loaded, duplicateFile: true } : undefined;
}

/** Parses the file or refuses it as a whole (422 with the reasons, per line where known). */
async function parseOrRefuse(bytes: Buffer, format: string | undefined): Promise<ParsedStatement> {
  let parsed: ParsedStatement;
  try {
    parsed = await parseStatement(bytes, format);
  } catch (error) {
    if (error instanceof StatementFormatError) {
      throw new AppError('statement_unreadable', {
        detail: error.message,
        errors: [{ ...(error.line ? { path: `line ${error.line}` } : {}), message: error.message }],
        cause: error,
      });
    }
    throw error;
  }
  if (parsed.rows.length === 0 && parsed.rejected.length > 0) {
    throw new AppError('statement_unreadable', {
      detail: `none of its ${parsed.rejected.length} lines could be read`,
      errors: parsed.rejected.map((r) => ({ path: `line ${r.line}`, message: r.reason })),
    });
  }
  // Balances that do not add up with every line read mean the file itself is wrong. With rejected
  // lines the gap is theirs: the readable lines are imported and the rejected ones reported.
  const check = parsed.balanceCheck;
  if (check && !check.ok && parsed.rejected.length === 0) {
    throw new AppError('statement_balance_mismatch', {
      detail: `opening ${check.opening} + credits ${check.credits} − debits ${check.debits} = ${check.actual}, but the file says ${check.expected}${check.line ? ` at line ${check.line}` : ''}`,
      errors: [
        {
          ...(check.line ? { path: `line ${check.line}` } : {}),
          message: `expected ${check.expected}, rows add up to ${check.actual}`,
        },
      ],
    });
  }
  return parsed;
}

/**
 * Imports a bank statement file for an agency: every credit line goes through `ingestCredit`
 * (provider `statement`), debit lines are counted, unreadable lines are reported with their line.
 * All in one transaction: a refused file changes nothing.
 *
 * @example
 * const result = await importStatement(db, { agencyId: 'demo', bytes: readFileSync('sao-ke.csv'), actor: keyId, now: new Date() });
 * result.counts; // { rows: 12, new: 3, duplicate: 8, matched: 2, unmatched: 1, rejected: 0, debits: 1 }
 */
export async function importStatement(db: Knex, input: ImportStatementInput): Promise<StatementImportResult> {
  const hash = sha256(input.bytes);
  const seen = await previousImport(db, input.agencyId, hash);
  if (seen) return seen;

  const parsed = await parseOrRefuse(input.bytes, input.format);
  const accountNumber = await resolveAccount(db, input.agencyId, parsed, input.account);
  const rows = parsed.rows.map((r) => ({ ...r, accountNumber }));
  const importId = randomUUID();

  const outcome = await db.transaction(async (trx) => {
    const inserted = await trx('statement_imports')
      .insert({
        id: importId,
        agency_id: input.agencyId,
        sha256: hash,
        filename: input.filename ?? null,
        format: parsed.format,
        account_number: accountNumber,
        currency: parsed.currency ?? 'VND',
        opening_balance: parsed.openingBalance ?? null,
        closing_balance: parsed.closingBalance ?? null,
        balance_check: parsed.balanceCheck ? JSON.stringify(parsed.balanceCheck) : null,
        credit_rows: rows.filter((r) => r.direction === 'credit').length,
        debit_rows: rows.filter((r) => r.direction === 'debit').length,
        rejected_rows: parsed.rejected.length,
        actor: input.actor,
        created_at: input.now,
      })
      .onConflict(['agency_id', 'sha256'])
      .ignore()
      .returning('id');
    // The same file uploaded concurrently: the other upload committed it first.
    if (inserted.length === 0) return 'raced' as const;

    type Entry = { position: number; line: number } & (
      | { kind: 'row'; row: (typeof rows)[number] }
      | { kind: 'rejected'; reason: string; raw: string }
    );
    const entries: Entry[] = [
      ...rows.map((row) => ({ kind: 'row' as const, row, line: row.line, position: 0 })),
      ...parsed.rejected.map((r) => ({
        kind: 'rejected' as const,
        reason: r.reason,
        raw: r.raw,
        line: r.line,
        position: 0,
      })),
    ].sort((a, b) => a.line - b.line);

    const occurrences = new Map<string, number>();
    const claimed = new Set<string>();
    const records: Record<string, unknown>[] = [];
    for (const [position, entry] of entries.entries()) {
      const base = { import_id: importId, agency_id: input.agencyId, position, line: entry.line };
      if (entry.kind === 'rejected') {
        records.push({ ...base, outcome: 'rejected', reason: entry.reason, raw: entry.raw });
        continue;
      }
      const { row } = entry;
      const content = [row.bookedAt.toISOString(), row.amount, normalizeLabel(row.memo), row.direction].join(
        '|',
      );
      const occurrence = occurrences.get(content) ?? 0;
      occurrences.set(content, occurrence + 1);
      const key = lineKey(row, occurrence);
      const line = {
        ...base,
        direction: row.direction,
        amount: row.amount,
        booked_at: row.bookedAt,
        memo: row.memo,
        bank_reference: row.bankReference ?? null,
        line_key: key,
      };
      if (row.direction === 'debit') {
        records.push({ ...line, outcome: 'debit' });
        continue;
      }
      // 1. Seen in an earlier statement (an overlapping file).
      const earlier = await trx('statement_lines')
        .where({ agency_id: input.agencyId, line_key: key })
        .whereNotNull('credit_id')
        .first('credit_id');
      if (earlier) {
        claimed.add(earlier.credit_id);
        records.push({
          ...line,
          outcome: 'duplicate',
          credit_id: earlier.credit_id,
          reason: 'in an earlier statement',
        });
        continue;
      }
      // 2. Known from a callback the bank reference did not tie to this line; a callback being
      // recorded for the same money right now holds the lock until it commits.
      await lockSameMoney(trx, input.agencyId, row.accountNumber, row.amount);
      const twin = await findUnreferencedTwin(trx, input.agencyId, row, claimed);
      if (twin) {
        claimed.add(twin.id);
        records.push({
          ...line,
          outcome: 'duplicate',
          credit_id: twin.id,
          reason: `already received from ${twin.provider}`,
        });
        continue;
      }
      // 3. The one ingest path: the same bank reference from a callback is the same credit.
      try {
        // In a savepoint of the import's transaction: a line that conflicts leaves nothing behind.
        const result = await trx.transaction((savepoint) =>
          ingestCredit(
            savepoint,
            input.agencyId,
            {
              provider: STATEMENT_PROVIDER,
              providerTxnId: key,
              accountNumber,
              amount: row.amount,
              memo: row.memo,
              bookedAt: row.bookedAt,
              bankReference: row.bankReference,
            },
            null,
            input.now,
          ),
        );
        claimed.add(result.creditId);
        if (result.status === 'duplicate') {
          const known = await trx('bank_credits').where({ id: result.creditId }).first('provider');
          records.push({
            ...line,
            outcome: 'duplicate',
            credit_id: result.creditId,
            reason: `already received from ${known.provider}`,
          });
        } else if (result.match.matched) {
          const match = result.match;
          records.push({
            ...line,
            outcome: 'matched',
            credit_id: result.creditId,
            // A cash deposit's credit matches its deposit batch, not a receipt.
            ...(match.kind === 'receipt'
              ? { receipt_id: match.receiptId }
              : { reason: `deposit batch ${match.depositBatchCode}` }),
          });
        } else {
          records.push({
            ...line,
            outcome: 'unmatched',
            credit_id: result.creditId,
            receipt_id: result.match.receiptId ?? null,
            reason: result.match.reason,
          });
        }
      } catch (error) {
        // Same bank reference, different amount: a conflict for a person, never an overwrite.
        if (error instanceof AppError && error.code === 'credit_conflict') {
          records.push({
            ...line,
            outcome: 'rejected',
            reason: `credit_conflict: ${error.detail ?? error.message}`,
            raw: row.memo,
          });
          continue;
        }
        throw error;
      }
    }
    for (let i = 0; i < records.length; i += 500) {
      await trx('statement_lines').insert(records.slice(i, i + 500));
    }
    await audit(trx, {
      agencyId: input.agencyId,
      actor: input.actor,
      action: 'statement.imported',
      subjectType: 'agency',
      subjectId: input.agencyId,
      data: {
        importId,
        sha256: hash,
        format: parsed.format,
        accountNumber,
        filename: input.filename ?? null,
      },
      at: input.now,
    });
    return 'imported' as const;
  });

  if (outcome === 'raced') {
    const first = await previousImport(db, input.agencyId, hash);
    if (!first) throw new Error('a concurrent import of the same file left no import behind');
    return first;
  }
  const stored = await loadStatementImport(db, input.agencyId, importId);
  if (!stored) throw new Error(`statement import ${importId} vanished after commit`);
  return { ...stored, duplicateFile: false };
}
