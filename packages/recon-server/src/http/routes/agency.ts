/** @module /v1/agency: what a key holder's agency is, and its callback provider settings. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { providers } from '../../callbacks/providers/index.js';
import type { Clock } from '../../clock.js';
import { agencyOverview, saveProviderSettings } from '../../domain/agencies.js';
import { eventEndpointStatus, saveEventEndpoint } from '../../events/endpoints.js';
import { AppError } from '../errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
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

export function agencyRouter(deps: { db: Knex; clock: Clock }): Router {
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
