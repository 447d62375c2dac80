/**
 * @module /v1/deposits: a clerk's undeposited cash put into a deposit batch (its code goes in the
 * deposit memo), and the batch read back with the bank credit that proved it.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { createDepositBatch, findDepositBatch } from '../../cash/deposits.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, idParams, problem, vnd } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

export const createDepositBody = z.strictObject({
  clerkKeyId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Whose cash: required for a treasurer; a clerk may only name itself (or omit it)'),
});

export const depositBatchResponse = z.object({
  id: z.uuid(),
  code: z.string().describe('Write it first in the deposit memo, e.g. "NT2611230017 NOP TIEN THU HO"'),
  clerkKeyId: z.string(),
  amount: vnd.describe('Deposit exactly this amount'),
  count: z.number().int(),
  memo: z.string(),
  depositTo: z.object({ bankBin: z.string(), accountNumber: z.string(), accountName: z.string() }).nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  status: z.enum(['awaiting_credit', 'deposited', 'short', 'excess']),
  credit: z
    .object({
      id: z.uuid(),
      amount: vnd,
      bookedAt: z.iso.datetime(),
      bankReference: z.string().nullable(),
      matchedAmount: vnd,
      outcome: z.enum(['exact', 'short', 'excess']),
    })
    .nullable(),
  difference: vnd.nullable().describe('Credit minus batch amount (negative: short)'),
  items: z.array(
    z.object({
      cashPaymentId: z.uuid(),
      receiptId: z.uuid(),
      receiptNumber: z.string().nullable(),
      amount: vnd,
      payerName: z.string(),
      collectedAt: z.iso.datetime(),
    }),
  ),
});

export const depositOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/deposits',
    summary: 'Make a deposit batch of a clerk’s undeposited cash',
    description:
      'All cash the clerk holds goes into one batch with a code for the deposit memo. The bank credit carrying the code is matched to the batch: exact clears it; short or excess goes to the exception queue.',
    tags: ['cash'],
    security: 'apiKey',
    roles: ['clerk', 'treasurer'],
    body: createDepositBody,
    responses: {
      201: { description: 'The batch: its code and amount', schema: depositBatchResponse },
      400: problem('The body is invalid (a treasurer must name the clerk)'),
      ...authProblems,
      404: problem('No such clerk key in this agency'),
      409: problem('The clerk holds no undeposited cash'),
    },
  },
  {
    method: 'get',
    path: '/v1/deposits/{id}',
    summary: 'A deposit batch: its cash payments and the bank credit that proved it',
    tags: ['cash'],
    security: 'apiKey',
    roles: ['clerk', 'treasurer'],
    params: idParams,
    responses: {
      200: { description: 'The batch', schema: depositBatchResponse },
      ...authProblems,
      404: problem('No such batch in this agency (a clerk sees only batches of its own cash)'),
    },
  },
];

export function depositsRouter(deps: { db: Knex; clock: Clock }): Router {
  const router = Router();
  const auth = requireApiKey(deps);

  router.post('/deposits', auth, requireRole('clerk', 'treasurer'), async (req, res) => {
    const principal = principalOf(req);
    const body = parseBody(createDepositBody, req.body ?? {});
    let clerkKeyId: string;
    if (principal.role === 'treasurer') {
      if (!body.clerkKeyId) {
        throw new AppError('validation_failed', {
          errors: [
            { path: 'clerkKeyId', message: 'a treasurer must name the clerk whose cash is deposited' },
          ],
        });
      }
      clerkKeyId = body.clerkKeyId;
    } else if (principal.role === 'clerk') {
      if (body.clerkKeyId && body.clerkKeyId !== principal.keyId) {
        throw new AppError('forbidden', { detail: 'a clerk deposits only the cash in its own custody' });
      }
      clerkKeyId = principal.keyId;
    } else {
      // An admin acts as either: its own cash unless it names a clerk.
      clerkKeyId = body.clerkKeyId ?? principal.keyId;
    }
    const batch = await createDepositBatch(
      deps.db,
      { agencyId: principal.agencyId, actorKeyId: principal.keyId, clerkKeyId },
      deps.clock.now(),
    );
    res.status(201).location(`/v1/deposits/${batch.id}`).json(batch);
  });

  router.get('/deposits/:id', auth, requireRole('clerk', 'treasurer'), async (req, res) => {
    const principal = principalOf(req);
    const id = z.uuid().safeParse(req.params.id);
    const batch = id.success ? await findDepositBatch(deps.db, principal.agencyId, id.data) : undefined;
    // A clerk reads only batches of its own cash; anything else answers like a missing batch.
    if (!batch || (principal.role === 'clerk' && batch.clerkKeyId !== principal.keyId)) {
      throw new AppError('not_found', { detail: `deposit ${req.params.id}` });
    }
    res.json(batch);
  });

  return router;
}
