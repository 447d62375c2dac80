/** @module /v1/agencies: the platform operator creates agencies (and gets each one's first admin key). */
import { bankByBin } from '@thuphi/qr';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { createAgency } from '../../agencies/onboarding.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { requireOperatorKey } from '../middleware/operator.js';
import { problem, problemSchema } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

export const createAgencyBody = z.strictObject({
  // Appears in callback URLs (/v1/callbacks/{provider}/{agencyId}): a plain slug.
  id: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$/, '3–50 lower-case letters, digits or hyphens (a slug)'),
  name: z.string().trim().min(1).max(200),
  collectionAccount: z.strictObject({
    bankBin: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit NAPAS BIN')
      .refine((bin) => bankByBin(bin) !== undefined, 'not a known NAPAS BIN'),
    accountNumber: z.string().regex(/^[A-Za-z0-9]{1,19}$/, '1–19 letters or digits'),
    accountName: z.string().trim().min(1).max(100),
  }),
  // Ký hiệu biên lai as printed before the receipt number.
  receiptSeries: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9/-]{0,19}$/, '1–20 upper-case letters, digits, "-" or "/"')
    .optional(),
});

const createdAgencySchema = z.object({
  agency: z.object({
    id: z.string(),
    name: z.string(),
    receiptSeries: z.string(),
    collectionAccounts: z.array(
      z.object({ id: z.string(), bankBin: z.string(), accountNumber: z.string(), accountName: z.string() }),
    ),
  }),
  apiKey: z.string().describe('The first admin key: shown this once, only its hash is kept'),
  keyId: z.string(),
  role: z.literal('admin'),
});

const operatorProblems = {
  401: problem('Missing or wrong operator key'),
  403: problem('No operator key is configured on this server (THUPHI_ADMIN_KEY)'),
  429: problem('Too many failed authentications from this client; see Retry-After'),
} as const;

export const agencyAdminOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/agencies',
    summary: 'Create an agency with its collection account and first admin key (platform operator)',
    tags: ['operator'],
    security: 'operatorKey',
    body: createAgencyBody,
    responses: {
      201: { description: 'Created; the admin key is shown once', schema: createdAgencySchema },
      400: problem('The body is invalid (unknown bank BIN included)'),
      ...operatorProblems,
      409: { description: 'The id or the collection account is taken', schema: problemSchema },
    },
  },
];

export function agenciesRouter(deps: { db: Knex; clock: Clock; operatorKey: string | undefined }): Router {
  const router = Router();
  router.post('/', requireOperatorKey(deps.operatorKey), async (req, res) => {
    const body = parseBody(createAgencyBody, req.body);
    const result = await createAgency(deps.db, body, deps.clock.now());
    if (!result.ok) {
      throw new AppError(result.reason, {
        detail:
          result.reason === 'agency_exists'
            ? `agency "${body.id}"`
            : `${body.collectionAccount.bankBin}/${body.collectionAccount.accountNumber}`,
      });
    }
    res
      .status(201)
      .location('/v1/agency')
      .json({ agency: result.agency, apiKey: result.key.apiKey, keyId: result.key.id, role: 'admin' });
  });
  return router;
}
