/**
 * @module The treasury's side of matching: the exception queue, one credit with suggestions, and the
 * hand-made decisions (match, unmatch, refund due, void), each with a reason, in the audit trail.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { listAuditEvents } from '../../domain/audit.js';
import { findCredit, listExceptions, suggestReceipts } from '../../domain/exceptions.js';
import { manualMatch, markRefundDue, reverseAllocation, voidReceipt } from '../../domain/resolutions.js';
import { AppError } from '../errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { parseBody } from '../validate.js';

const reason = z.string().trim().min(3, 'say why, in a few words').max(500);
const uuid = z.uuid();

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
    const body = parseBody(z.strictObject({ receiptId: uuid, reason }), req.body);
    const result = await manualMatch(
      db,
      actorOf(req),
      { creditId: idParam(req.params.id, 'credit'), receiptId: body.receiptId, reason: body.reason },
      clock.now(),
    );
    res.status(201).json(result);
  });

  router.post('/credits/:id/refund-due', auth, requireRole('treasurer'), async (req, res) => {
    const body = parseBody(z.strictObject({ reason }), req.body);
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
    const body = parseBody(z.strictObject({ reason }), req.body);
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
    const body = parseBody(z.strictObject({ reason }), req.body);
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
