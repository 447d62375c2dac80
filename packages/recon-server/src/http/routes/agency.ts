/** @module /v1/agency: what a key holder's agency is, and its callback provider settings. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { agencyOverview, saveProviderSettings } from '../../agencies/agencies.js';
import { providerWarnings } from '../../callbacks/provider-warnings.js';
import { providers } from '../../callbacks/providers/index.js';
import { type CompiledPolicy, refusedEventUrl } from '../../events/destination.js';
import { eventEndpointStatus, saveEventEndpoint } from '../../events/endpoints.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

export const providerSettingsBody = z.strictObject({
  // A shared secret or API key as the provider issues it; printable ASCII, no spaces.
  secret: z.string().regex(/^[\x21-\x7e]{8,256}$/, '8–256 printable characters without spaces'),
  accountNumbers: z
    .array(z.string().regex(/^[A-Za-z0-9]{1,19}$/, '1–19 letters or digits'))
    .max(50)
    .default([]),
});

export const eventEndpointBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000),
  secret: z.string().regex(/^[\x21-\x7e]{16,256}$/, '16–256 printable characters without spaces'),
});

const providerParams = z.object({ provider: z.enum(Object.keys(providers) as [string, ...string[]]) });

export const agencyOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/agency',
    summary: 'The key holder’s agency: id, collection accounts, callback URLs, configured providers',
    description:
      '`warnings` lists callback modes the agency’s providers use that sign nothing (`sepay_api_key_mode`, `casso_v1_token`), each with a Vietnamese and English message.',
    tags: ['agency'],
    security: 'apiKey',
    responses: { 200: { description: 'The agency (never a secret)' }, ...authProblems },
  },
  {
    method: 'put',
    path: '/v1/agency/providers/{provider}',
    summary: 'Set a callback provider’s secret (or API key) and the account numbers it reports',
    tags: ['agency'],
    security: 'apiKey',
    roles: ['admin'],
    params: providerParams,
    body: providerSettingsBody,
    responses: {
      200: {
        description: 'Saved; the secret is not echoed',
        schema: z.object({
          provider: z.string(),
          accountNumbers: z.array(z.string()),
          callbackUrl: z.string(),
        }),
      },
      400: problem('The body is invalid'),
      ...authProblems,
      404: problem('No such provider'),
    },
  },
  {
    method: 'get',
    path: '/v1/agency/events',
    summary: 'Where the agency’s events go, and how many are pending, delivered, failed or dead',
    tags: ['events'],
    security: 'apiKey',
    roles: ['admin'],
    responses: { 200: { description: 'Endpoint URL (no secret) and counts by state' }, ...authProblems },
  },
  {
    method: 'put',
    path: '/v1/agency/events',
    summary: 'Set the URL and signing secret for events (receipt.paid, credit.unmatched, …)',
    description:
      'Events are POSTed as JSON `{ id, type, agencyId, subjectId, createdAt, data }`, signed in `X-Thuphi-Signature` exactly like a generic callback, with the stable id in `X-Thuphi-Event-Id`; failed deliveries are retried with backoff (10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h), then the event is dead.',
    tags: ['events'],
    security: 'apiKey',
    roles: ['admin'],
    body: eventEndpointBody,
    responses: {
      200: { description: 'Saved', schema: z.object({ url: z.string() }) },
      400: problem('The body is invalid'),
      ...authProblems,
    },
  },
];

export function agencyRouter(deps: { db: Knex; clock: Clock; eventDestinations: CompiledPolicy }): Router {
  const router = Router();
  router.use(requireApiKey(deps));

  router.get('/', async (req, res) => {
    const { agencyId } = principalOf(req);
    const overview = await agencyOverview(deps.db, agencyId);
    if (!overview) throw new AppError('unknown_agency');
    res.json({
      ...overview,
      callbackUrls: Object.fromEntries(
        Object.keys(providers).map((p) => [p, `/v1/callbacks/${p}/${encodeURIComponent(agencyId)}`]),
      ),
      // Callback modes in use that sign nothing (SePay API key, Casso v1), with what to do.
      warnings: await providerWarnings(deps.db, agencyId, deps.clock.now()),
    });
  });

  router.put('/providers/:provider', requireRole('admin'), async (req, res) => {
    const principal = principalOf(req);
    const provider = req.params.provider as string;
    if (!Object.hasOwn(providers, provider))
      throw new AppError('not_found', { detail: `no provider "${provider}"` });
    const body = parseBody(providerSettingsBody, req.body);
    await saveProviderSettings(deps.db, {
      agencyId: principal.agencyId,
      provider,
      secret: body.secret,
      accountNumbers: body.accountNumbers,
      keyId: principal.keyId,
      at: deps.clock.now(),
    });
    // The secret is never echoed back.
    res.json({
      provider,
      accountNumbers: body.accountNumbers,
      callbackUrl: `/v1/callbacks/${provider}/${encodeURIComponent(principal.agencyId)}`,
    });
  });

  router.get('/events', requireRole('admin'), async (req, res) => {
    res.json(await eventEndpointStatus(deps.db, principalOf(req).agencyId));
  });

  router.put('/events', requireRole('admin'), async (req, res) => {
    const principal = principalOf(req);
    const body = parseBody(eventEndpointBody, req.body);
    const refused = refusedEventUrl(body.url, deps.eventDestinations);
    if (refused) throw new AppError('validation_failed', { errors: [{ path: 'url', message: refused }] });
    await saveEventEndpoint(deps.db, {
      agencyId: principal.agencyId,
      url: body.url,
      secret: body.secret,
      keyId: principal.keyId,
      at: deps.clock.now(),
    });
    res.json({ url: body.url });
  });

  return router;
}
