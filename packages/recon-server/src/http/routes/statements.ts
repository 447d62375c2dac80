/**
 * @module /v1/statements: a bank statement file (sao kê) uploaded as the raw request body, imported
 * through the same idempotent ingest as callbacks. Mounted before the app's JSON parser: the body is
 * a file, not JSON.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { importStatement, loadStatementImport } from '../../statements/import.js';
import { STATEMENT_FORMATS } from '../../statements/types.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, idParams, problem, vnd } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

/** Largest statement accepted: a month of a busy commune account is far below this. */
export const STATEMENT_BODY_LIMIT = '5mb';

export const STATEMENT_CONTENT_TYPES = [
  'text/csv',
  'text/plain',
  'application/xml',
  'text/xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
] as const;

export const statementImportQuery = z.strictObject({
  format: z
    .enum(STATEMENT_FORMATS)
    .optional()
    .describe('Read the file as this layout instead of recognising it'),
  account: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z./ -]{4,40}$/, 'an account number')
    .optional()
    .describe('The collection account, for a file that does not name it (generic CSV)'),
  filename: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .describe('The original file name, kept with the import'),
});

const lineResult = z.object({
  line: z.number().int(),
  outcome: z.enum(['matched', 'unmatched', 'duplicate', 'debit', 'rejected']),
  direction: z.enum(['credit', 'debit']).optional(),
  amount: vnd.optional(),
  bookedAt: z.string().optional(),
  memo: z.string().optional(),
  bankReference: z.string().optional(),
  creditId: z.uuid().optional(),
  receiptId: z.uuid().optional(),
  reason: z.string().optional(),
  raw: z.string().optional(),
});

export const statementImportResult = z.object({
  importId: z.uuid(),
  duplicateFile: z.boolean(),
  sha256: z.string(),
  filename: z.string().nullable(),
  format: z.enum(STATEMENT_FORMATS),
  accountNumber: z.string(),
  currency: z.string(),
  openingBalance: vnd.nullable(),
  closingBalance: vnd.nullable(),
  balanceCheck: z
    .object({
      ok: z.boolean(),
      opening: vnd,
      credits: vnd,
      debits: vnd,
      expected: vnd,
      actual: vnd,
      line: z.number().int().optional(),
    })
    .nullable(),
  counts: z.object({
    rows: z.number().int(),
    new: z.number().int(),
    duplicate: z.number().int(),
    matched: z.number().int(),
    unmatched: z.number().int(),
    rejected: z.number().int(),
    debits: z.number().int(),
  }),
  lines: z.array(lineResult),
  actor: z.string(),
  importedAt: z.string(),
});

function acceptStatementTypes(req: Request, _res: Response, next: NextFunction) {
  if (!req.is([...STATEMENT_CONTENT_TYPES])) throw new AppError('unsupported_statement_type');
  next();
}

export function statementsRouter(deps: { db: Knex; clock: Clock }): Router {
  const router = Router();
  const { db, clock } = deps;
  const auth = requireApiKey(deps);

  router.post(
    '/',
    auth,
    requireRole('treasurer'),
    acceptStatementTypes,
    // The file is read only after the key and role are checked.
    express.raw({ type: () => true, limit: STATEMENT_BODY_LIMIT }),
    async (req, res) => {
      const query = parseBody(statementImportQuery, req.query);
      const principal = principalOf(req);
      const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await importStatement(db, {
        agencyId: principal.agencyId,
        bytes,
        filename: query.filename,
        format: query.format,
        account: query.account,
        actor: principal.keyId,
        now: clock.now(),
      });
      res.status(result.duplicateFile ? 200 : 201).json(result);
    },
  );

  router.get('/:id', auth, requireRole('treasurer'), async (req, res) => {
    const { id } = idParams.safeParse(req.params).data ?? {};
    const found = id ? await loadStatementImport(db, principalOf(req).agencyId, id) : undefined;
    if (!found) throw new AppError('not_found', { detail: `statement import ${req.params.id}` });
    res.json({ ...found, duplicateFile: false });
  });

  return router;
}

export const statementOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/statements',
    summary: 'Import a bank statement file (sao kê)',
    description:
      'The file is the raw body: the generic CSV, a Vietcombank, BIDV or VietinBank export (CSV or XLSX), SWIFT MT940 or ISO 20022 camt.053. Credit lines already known (from callbacks or an earlier statement) are duplicates; new ones are recorded and matched; unreadable lines are listed with their line number. The identical file again answers 200 with `duplicateFile: true` and changes nothing. A file whose balances do not add up, or that is not for one of the agency’s collection accounts, is refused whole.',
    tags: ['statements'],
    security: 'apiKey',
    roles: ['treasurer'],
    query: statementImportQuery,
    bodyContentType: 'text/csv',
    responses: {
      201: { description: 'Imported', schema: statementImportResult },
      200: {
        description: 'This file was imported before: that import’s result',
        schema: statementImportResult,
      },
      ...authProblems,
      413: problem('The file is larger than 5 MB'),
      415: problem('Not a statement content type'),
      422: problem('The file cannot be read, its balances do not add up, or it is for another account'),
    },
  },
  {
    method: 'get',
    path: '/v1/statements/{id}',
    summary: 'One statement import with the outcome of each line',
    tags: ['statements'],
    security: 'apiKey',
    roles: ['treasurer'],
    params: idParams,
    responses: {
      200: { description: 'The import', schema: statementImportResult },
      ...authProblems,
      404: problem('No such import in this agency'),
    },
  },
];
