/**
 * @module `GET /v1/cash/custody`: cash each clerk holds now, not yet deposited, with the agency's
 * deposit deadline applied. Read by the treasury page; the figures are `cashInCustody`'s.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { cashInCustody } from '../../domain/deposits.js';
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
    const custody = await cashInCustody(deps.db, agencyId, at);
    // A shared counter key carries the person's name on each cash record; show the latest one.
    const names = new Map<string, string>();
    if (custody.length > 0) {
      const rows = await deps
        .db('cash_payments')
        .where({ agency_id: agencyId })
        .whereIn(
          'clerk_key_id',
          custody.map((c) => c.clerkKeyId),
        )
        .whereNotNull('clerk_name')
        .orderBy('collected_at', 'desc')
        .select('clerk_key_id', 'clerk_name');
      for (const row of rows) if (!names.has(row.clerk_key_id)) names.set(row.clerk_key_id, row.clerk_name);
    }
    res.json({
      at: at.toISOString(),
      items: custody
        .map((c) => ({ ...c, clerkName: names.get(c.clerkKeyId) ?? null }))
        .sort((a, b) => b.amount - a.amount),
    });
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
