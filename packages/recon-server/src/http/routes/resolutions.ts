/**
 * @module The treasury's side of matching: the exception queue, one credit with suggestions, and the
 * hand-made decisions (match, unmatch, refund due, void), each with a reason, in the audit trail.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findCredit, listExceptions, suggestReceipts } from '../../exceptions/queue.js';
import { manualMatch, markRefundDue, reverseAllocation, voidReceipt } from '../../exceptions/resolutions.js';
import { listAuditEvents } from '../../ledger/audit.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, idParams, problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

const reason = z.string().trim().min(3, 'say why, in a few words').max(500);
const uuid = z.uuid();

export const manualMatchBody = z.strictObject({ receiptId: uuid, reason });
export const reasonBody = z.strictObject({ reason });
const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).catch(100).optional() });

const decision = (summary: string, path: string, roles: Operation['roles'], body: z.ZodType): Operation => ({
  method: 'post',
  path,
  summary,
  tags: ['resolutions'],
  security: 'apiKey',
  roles,
  params: idParams,
  body,
  responses: {
    201: { description: 'Recorded as a new row, in the audit trail' },
    400: problem('The body is invalid (a reason is required)'),
    ...authProblems,
    404: problem('Not found in this agency'),
    409: problem('The state does not allow it (already allocated, already paid, void, …)'),
  },
});

export const resolutionOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/exceptions',
    summary: 'The exception queue: credits not (fully) allocated, with reasons and candidate receipts',
    description:
      'Suggestions (amount, date, payer) are for a person to choose; they are never applied automatically.',
    tags: ['resolutions'],
    security: 'apiKey',
    roles: ['treasurer'],
    responses: { 200: { description: 'Items in the queue' }, ...authProblems },
  },
  {
    method: 'get',
    path: '/v1/credits/{id}',
    summary: 'One bank credit with its allocations, suggestions and history',
    tags: ['resolutions'],
    security: 'apiKey',
    roles: ['treasurer'],
    params: idParams,
    responses: { 200: { description: 'The credit' }, ...authProblems, 404: problem('No such credit') },
  },
  decision('Match a credit to a receipt by hand', '/v1/credits/{id}/match', ['treasurer'], manualMatchBody),
  decision(
    'Mark a credit’s unallocated money as to be refunded',
    '/v1/credits/{id}/refund-due',
    ['treasurer'],
    reasonBody,
  ),
  decision('Reverse (unmatch) an allocation', '/v1/allocations/{id}/reverse', ['treasurer'], reasonBody),
  decision(
    'Void a receipt that has no payment',
    '/v1/receipts/{id}/void',
    ['clerk', 'treasurer'],
    reasonBody,
  ),
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'The audit trail of the agency, newest first',
    tags: ['resolutions'],
    security: 'apiKey',
    roles: ['treasurer'],
    query: auditQuery,
    responses: { 200: { description: 'Audit events' }, ...authProblems },
  },
];

function idParam(value: unknown, what: string): string {
  const parsed = uuid.safeParse(value);
  if (!parsed.success) throw new AppError('not_found', { detail: `${what} ${String(value)}` });
  return parsed.data;
}

export function resolutionsRouter(deps: { db: Knex; clock: Clock }): Router {
  const router = Router();
  const { db, clock } = deps;
  const auth = requireApiKey(deps);
  const actorOf = (req: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(req);
    return { agencyId: p.agencyId, keyId: p.keyId };
  };

  router.get('/exceptions', auth, requireRole('treasurer'), async (req, res) => {
    const { agencyId } = principalOf(req);
    const items = await listExceptions(db, agencyId);
    res.json({
      items: await Promise.all(
        items.map(async (c) => ({ ...c, suggestions: await suggestReceipts(db, agencyId, c) })),
      ),
    });
  });

  router.get('/credits/:id', auth, requireRole('treasurer'), async (req, res) => {
    const { agencyId } = principalOf(req);
    const credit = await findCredit(db, agencyId, idParam(req.params.id, 'credit'));
    if (!credit) throw new AppError('not_found', { detail: `credit ${req.params.id}` });
    res.json({
      ...credit,
      suggestions: await suggestReceipts(db, agencyId, credit),
      history: await listAuditEvents(db, agencyId, { subjectId: credit.id }),
    });
  });

  router.post('/credits/:id/match', auth, requireRole('treasurer'), async (req, res) => {
    const body = parseBody(manualMatchBody, req.body);
    const result = await manualMatch(
      db,
      actorOf(req),
      { creditId: idParam(req.params.id, 'credit'), receiptId: body.receiptId, reason: body.reason },
      clock.now(),
    );
    res.status(201).json(result);
  });

  router.post('/credits/:id/refund-due', auth, requireRole('treasurer'), async (req, res) => {
    const body = parseBody(reasonBody, req.body);
    res
      .status(201)
      .json(
        await markRefundDue(
          db,
          actorOf(req),
          { creditId: idParam(req.params.id, 'credit'), reason: body.reason },
          clock.now(),
        ),
      );
  });

  router.post('/allocations/:id/reverse', auth, requireRole('treasurer'), async (req, res) => {
    const body = parseBody(reasonBody, req.body);
    res
      .status(201)
      .json(
        await reverseAllocation(
          db,
          actorOf(req),
          { allocationId: idParam(req.params.id, 'allocation'), reason: body.reason },
          clock.now(),
        ),
      );
  });

  router.post('/receipts/:id/void', auth, requireRole('clerk', 'treasurer'), async (req, res) => {
    const body = parseBody(reasonBody, req.body);
    const receiptId = idParam(req.params.id, 'receipt');
    await voidReceipt(db, actorOf(req), { receiptId, reason: body.reason }, clock.now());
    res.status(201).json({ receiptId, status: 'void' });
  });

  router.get('/audit', auth, requireRole('treasurer'), async (req, res) => {
    const { agencyId } = principalOf(req);
    const limit = z.coerce.number().int().min(1).max(1000).catch(100).parse(req.query.limit);
    res.json({ items: await listAuditEvents(db, agencyId, { limit }) });
  });

  return router;
}
