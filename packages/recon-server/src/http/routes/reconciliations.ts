/**
 * @module /v1/reconciliations: run the daily reconciliation on demand, read a day's latest run (JSON,
 * CSV or XLSX), list recent runs, and print the fee ledger (sổ theo dõi thu phí, lệ phí).
 *
 * GET of a day answers the newest stored run, or 404 `not_reconciled` when the day was never run: a
 * report is a record of what the treasury saw at a moment, so it is made by a POST (or the nightly
 * job) and kept, never silently computed on a read. The ledger, a listing of receipts, is read live.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { reportCsv, reportXlsx } from '../../reconciliation/export.js';
import { feeLedger, MAX_LEDGER_DAYS, renderFeeLedgerHtml } from '../../reconciliation/fee-ledger.js';
import {
  latestReconciliation,
  listReconciliationRuns,
  type ReconciliationRun,
  runReconciliation,
} from '../../reconciliation/runs.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { dayWindow, HO_CHI_MINH_TZ, localDateOf } from '../../shared/time.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, problem, vnd } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

const localDate = z.iso.date().refine((d) => dayWindow(d) !== undefined, 'not a calendar date');

export const runReconciliationBody = z.strictObject({
  date: localDate.describe('The day to reconcile, YYYY-MM-DD in Asia/Ho_Chi_Minh'),
});

export const reconciliationDateParams = z.object({ date: localDate });

export const reconciliationQuery = z.object({
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

export const ledgerQuery = z.object({
  to: localDate
    .optional()
    .describe(`Last day of the period (default: the day itself; at most ${MAX_LEDGER_DAYS} days)`),
  format: z.enum(['html', 'json']).default('html'),
});

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(366).default(31),
});

const tally = z.object({ count: z.number().int(), amount: vnd });

/** The report's JSON (documentation of the response; built by `computeReconciliation`). */
export const reconciliationReportSchema = z.object({
  agencyId: z.string(),
  date: z.iso.date(),
  timezone: z.literal(HO_CHI_MINH_TZ),
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  generatedAt: z.iso.datetime(),
  balanced: z.boolean().describe('Every check passed: every đồng of the day is accounted for'),
  receipts: z.object({
    opened: z.number().int(),
    exempt: z.number().int(),
    openedAmount: vnd,
    paid: z.number().int(),
    paidAmount: vnd,
    partiallyPaid: z.number().int(),
    void: z.number().int(),
    outstanding: z.number().int(),
    outstandingAmount: vnd,
    overdue: z.number().int(),
    overdueAmount: vnd,
  }),
  credits: z.object({
    received: tally,
    matched: tally,
    matchedToReceipts: tally,
    matchedToDeposits: tally,
    unmatched: tally,
    statementOnly: tally.describe(
      'Credits no callback reported, recovered from a statement: a health signal',
    ),
    refundDue: tally,
  }),
  cash: z.object({
    collected: tally,
    deposited: tally,
    inCustody: tally,
    awaitingBank: tally,
    shortDeposits: z.array(
      z.object({ batchCode: z.string(), clerk: z.string(), expected: vnd, received: vnd, missing: vnd }),
    ),
    overdueCustody: z.array(
      z.object({
        clerk: z.string(),
        amount: vnd,
        count: z.number().int(),
        since: z.iso.datetime(),
        dueBy: z.iso.datetime(),
      }),
    ),
  }),
  overpayments: tally,
  underpayments: tally,
  byMethod: z.object({ bank_transfer: vnd, cash: vnd }),
  byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), bank_transfer: vnd, cash: vnd })),
  checks: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      expected: z.number().int(),
      actual: z.number().int(),
      unit: z.enum(['vnd', 'count']).describe('vnd: amounts in đồng; count: numbers of items'),
      detail: z.string(),
    }),
  ),
  flags: z.array(z.object({ name: z.string(), count: z.number().int(), amount: vnd, detail: z.string() })),
  run: z.object({ id: z.uuid(), actor: z.string(), generatedAt: z.iso.datetime() }),
});

const runSummary = z.object({
  id: z.uuid(),
  date: z.iso.date(),
  generatedAt: z.iso.datetime(),
  actor: z.string(),
  balanced: z.boolean(),
});

function present(run: ReconciliationRun) {
  return { ...run.report, run: { id: run.id, actor: run.actor, generatedAt: run.generatedAt } };
}

function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  return parseBody(schema, input);
}

function dateParam(value: unknown): string {
  const parsed = localDate.safeParse(value);
  if (!parsed.success) {
    throw new AppError('validation_failed', {
      errors: [{ path: 'date', message: 'must be a calendar date YYYY-MM-DD' }],
    });
  }
  return parsed.data;
}

function attachmentName(agencyId: string, date: string, ext: string): string {
  // Agency ids are plain identifiers, but keep the header safe whatever they hold.
  return `doi-soat-${agencyId.replace(/[^\w-]/g, '_')}-${date}.${ext}`;
}

export function reconciliationsRouter(deps: { db: Knex; clock: Clock }): Router {
  const router = Router();
  const { db, clock } = deps;
  router.use(requireApiKey(deps), requireRole('treasurer'));

  router.post('/', async (req, res) => {
    const { agencyId, keyId } = principalOf(req);
    const { date } = parseBody(runReconciliationBody, req.body);
    const now = clock.now();
    if (date > localDateOf(now)) {
      throw new AppError('validation_failed', {
        errors: [{ path: 'date', message: 'the day has not begun yet in Asia/Ho_Chi_Minh' }],
      });
    }
    const outcome = await runReconciliation(db, { agencyId, date, actor: keyId, now });
    if (outcome.status !== 'ran') throw new Error(`an on-demand run cannot be ${outcome.status}`);
    res.status(201).location(`/v1/reconciliations/${date}`).json(present(outcome.run));
  });

  router.get('/', async (req, res) => {
    const { agencyId } = principalOf(req);
    const { limit } = parseQuery(listQuery, req.query);
    // The newest run of each of the most recent days.
    res.json({ items: await listReconciliationRuns(db, agencyId, limit) });
  });

  router.get('/:date', async (req, res) => {
    const { agencyId } = principalOf(req);
    const date = dateParam(req.params.date);
    const { format } = parseQuery(reconciliationQuery, req.query);
    const run = await latestReconciliation(db, agencyId, date);
    if (!run) throw new AppError('not_reconciled', { detail: date });
    if (format === 'csv') {
      res
        .type('text/csv; charset=utf-8')
        .attachment(attachmentName(agencyId, date, 'csv'))
        .send(reportCsv(run.report));
      return;
    }
    if (format === 'xlsx') {
      const ledger = await feeLedger(db, agencyId, date, date, clock.now());
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(attachmentName(agencyId, date, 'xlsx'))
        .send(await reportXlsx(run.report, ledger));
      return;
    }
    res.json(present(run));
  });

  router.get('/:date/ledger', async (req, res) => {
    const { agencyId } = principalOf(req);
    const from = dateParam(req.params.date);
    const query = parseQuery(ledgerQuery, req.query);
    const to = query.to ?? from;
    const days = (Date.parse(to) - Date.parse(from)) / 86400_000 + 1;
    if (days < 1 || days > MAX_LEDGER_DAYS) {
      throw new AppError('validation_failed', {
        errors: [
          { path: 'to', message: `must be on or after the day, at most ${MAX_LEDGER_DAYS} days in all` },
        ],
      });
    }
    const ledger = await feeLedger(db, agencyId, from, to, clock.now());
    if (query.format === 'json') {
      res.json(ledger);
      return;
    }
    // A self-contained page: nothing to load, nothing to run.
    res
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .type('html')
      .send(renderFeeLedgerHtml(ledger));
  });

  return router;
}

const treasurer = ['treasurer'] as const;

export const reconciliationOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/reconciliations',
    summary: 'Reconcile a day now (a new run; earlier runs are kept)',
    description:
      'Computes the day in Asia/Ho_Chi_Minh as the records stand now and stores it as a new run. The nightly job does the same at THUPHI_RECONCILE_AT.',
    tags: ['reconciliation'],
    security: 'apiKey',
    roles: treasurer,
    body: runReconciliationBody,
    responses: {
      201: { description: 'The report of the new run', schema: reconciliationReportSchema },
      400: problem('The date is not a calendar day, or is in the future'),
      ...authProblems,
    },
  },
  {
    method: 'get',
    path: '/v1/reconciliations',
    summary: 'The latest run of each recent day',
    tags: ['reconciliation'],
    security: 'apiKey',
    roles: treasurer,
    query: listQuery,
    responses: {
      200: { description: 'Newest day first', schema: z.object({ items: z.array(runSummary) }) },
      ...authProblems,
    },
  },
  {
    method: 'get',
    path: '/v1/reconciliations/{date}',
    summary: 'The latest run of a day: JSON, or CSV / XLSX with Vietnamese headings',
    tags: ['reconciliation'],
    security: 'apiKey',
    roles: treasurer,
    params: reconciliationDateParams,
    query: reconciliationQuery,
    responses: {
      200: { description: 'The report (format=json)', schema: reconciliationReportSchema },
      400: problem('Bad date or format'),
      ...authProblems,
      404: problem('The day was never reconciled (not_reconciled)'),
    },
  },
  {
    method: 'get',
    path: '/v1/reconciliations/{date}/ledger',
    summary: 'The fee ledger (sổ theo dõi thu phí, lệ phí) as a printable page',
    description:
      'Receipts collected from the day to `to`, in receipt-number order, with phí and lệ phí amounts, payment method and totals per fee. HTML by default (self-contained, Vietnamese), or JSON.',
    tags: ['reconciliation'],
    security: 'apiKey',
    roles: treasurer,
    params: reconciliationDateParams,
    query: ledgerQuery,
    responses: {
      200: {
        description: 'The ledger page (text/html), or its data with format=json',
        contentType: 'text/html',
      },
      400: problem('Bad date or period'),
      ...authProblems,
    },
  },
];
