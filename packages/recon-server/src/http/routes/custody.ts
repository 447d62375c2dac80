/**
 * @module `GET /v1/cash/custody`: cash each clerk holds now, not yet deposited, with the agency's
 * deposit deadline applied. Read by the treasury page; the figures are `cashInCustody`'s.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { custodyReport } from '../../cash/custody.js';
import type { Clock } from '../../shared/clock.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, vnd } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';

export const custodyResponse = z.object({
  at: z.string().describe('The moment the figures are for (ISO 8601)'),
  items: z.array(
    z.object({
      clerkKeyId: z.string().describe('The API key the cash was recorded under'),
      clerkName: z.string().nullable().describe('The name the counter software last gave with that key'),
      amount: vnd,
      count: z.number().int(),
      oldestCollectedAt: z.string(),
      deadline: z.string().describe('When the oldest of it had to be deposited by'),
      overdue: z.boolean(),
      overdueAmount: vnd,
      overdueCount: z.number().int(),
    }),
  ),
});

export function custodyRouter(deps: { db: Knex; clock: Clock }): Router {
  const router = Router();
  router.get('/cash/custody', requireApiKey(deps), requireRole('treasurer'), async (req, res) => {
    const { agencyId } = principalOf(req);
    const at = deps.clock.now();
    res.json({ at: at.toISOString(), items: await custodyReport(deps.db, agencyId, at) });
  });
  return router;
}

/** OpenAPI description of the custody read. */
export const custodyOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/cash/custody',
    summary: 'Cash in custody per clerk: not yet deposited, and how much of it is overdue',
    tags: ['cash'],
    security: 'apiKey',
    roles: ['treasurer'],
    responses: { 200: { description: 'Per clerk, largest first', schema: custodyResponse }, ...authProblems },
  },
];
