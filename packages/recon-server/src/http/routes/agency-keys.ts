/** @module /v1/agency/keys: an agency admin issues, lists, rotates and revokes the agency's API keys. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { issueApiKey, listApiKeys, ROLES, revokeApiKey, rotateApiKey } from '../../agencies/api-keys.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, idParams, problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;

export const issueKeyBody = z.strictObject({
  role: z.enum(ROLES),
  label: z.string().trim().min(1).max(100),
});

export const rotateKeyBody = z.strictObject({
  overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(86400),
});

const keyInfoSchema = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  label: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastFour: z.string().nullable(),
});
const issuedKeySchema = keyInfoSchema.extend({
  apiKey: z.string().describe('The key itself: shown this once, only its hash is kept'),
});

export const agencyKeyOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/agency/keys',
    summary: 'Issue an API key with a role (integration, clerk, treasurer, admin)',
    tags: ['agency'],
    security: 'apiKey',
    roles: ['admin'],
    body: issueKeyBody,
    responses: {
      201: { description: 'Issued; the key is shown once', schema: issuedKeySchema },
      400: problem('The body is invalid'),
      ...authProblems,
    },
  },
  {
    method: 'get',
    path: '/v1/agency/keys',
    summary: 'The agency’s keys (never the keys or their hashes), expired ones included',
    tags: ['agency'],
    security: 'apiKey',
    roles: ['admin'],
    responses: {
      200: { description: 'Keys', schema: z.object({ keys: z.array(keyInfoSchema) }) },
      ...authProblems,
    },
  },
  {
    method: 'post',
    path: '/v1/agency/keys/{id}/rotate',
    summary: 'Issue a successor key with the same role; the old key keeps working for overlapSeconds',
    tags: ['agency'],
    security: 'apiKey',
    roles: ['admin'],
    params: idParams,
    body: rotateKeyBody,
    responses: {
      201: {
        description: 'The new key (shown once) and the old key with its expiry',
        schema: z.object({ key: issuedKeySchema, previous: keyInfoSchema }),
      },
      400: problem('The body is invalid'),
      ...authProblems,
      404: problem('The agency has no such key'),
      409: problem('The key has already expired or been revoked'),
    },
  },
  {
    method: 'post',
    path: '/v1/agency/keys/{id}/revoke',
    summary: 'Revoke a key now',
    tags: ['agency'],
    security: 'apiKey',
    roles: ['admin'],
    params: idParams,
    responses: {
      200: { description: 'Revoked', schema: keyInfoSchema },
      ...authProblems,
      404: problem('The agency has no such key'),
      409: problem('The key has already expired or been revoked'),
    },
  },
];

function keyId(raw: unknown): string {
  const parsed = idParams.safeParse({ id: raw });
  // Not a UUID cannot be one of the agency's keys.
  if (!parsed.success) throw new AppError('not_found', { detail: `API key ${String(raw)}` });
  return parsed.data.id;
}

export function agencyKeysRouter(deps: { db: Knex; clock: Clock }): Router {
  const router = Router();
  router.use(requireApiKey(deps), requireRole('admin'));

  router.post('/', async (req, res) => {
    const principal = principalOf(req);
    const body = parseBody(issueKeyBody, req.body);
    const key = await issueApiKey(deps.db, {
      agencyId: principal.agencyId,
      role: body.role,
      label: body.label,
      createdByKey: principal.keyId,
      at: deps.clock.now(),
    });
    res.status(201).json(key);
  });

  router.get('/', async (req, res) => {
    res.json({ keys: await listApiKeys(deps.db, principalOf(req).agencyId) });
  });

  router.post('/:id/rotate', async (req, res) => {
    const principal = principalOf(req);
    const id = keyId(req.params.id);
    const body = parseBody(rotateKeyBody, req.body ?? {});
    const result = await rotateApiKey(deps.db, {
      agencyId: principal.agencyId,
      keyId: id,
      overlapSeconds: body.overlapSeconds,
      byKey: principal.keyId,
      at: deps.clock.now(),
    });
    if (!result.ok) {
      throw new AppError(result.reason === 'not_found' ? 'not_found' : 'api_key_expired', {
        detail: `API key ${id}`,
      });
    }
    res.status(201).json({ key: result.value.key, previous: result.value.old });
  });

  router.post('/:id/revoke', async (req, res) => {
    const principal = principalOf(req);
    const id = keyId(req.params.id);
    const result = await revokeApiKey(deps.db, {
      agencyId: principal.agencyId,
      keyId: id,
      byKey: principal.keyId,
      at: deps.clock.now(),
    });
    if (!result.ok) {
      throw new AppError(result.reason === 'not_found' ? 'not_found' : 'api_key_expired', {
        detail: `API key ${id}`,
      });
    }
    res.json(result.value);
  });

  return router;
}
