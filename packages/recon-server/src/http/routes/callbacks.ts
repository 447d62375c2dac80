/**
 * @module /v1/callbacks: bank credits pushed by a provider, read raw and handed to the receive use
 * case (callbacks/receive: store, verify, parse, ingest, settle); the provider hears "received" only
 * after the commit.
 */
import express, { type Request, type Response, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { z } from 'zod';
import { cassoV2Body } from '../../callbacks/providers/casso.js';
import { genericCallbackBody } from '../../callbacks/providers/generic.js';
import { providers } from '../../callbacks/providers/index.js';
import { payosWebhookBody } from '../../callbacks/providers/payos.js';
import { sepayWebhookBody } from '../../callbacks/providers/sepay.js';
import type { ProviderName } from '../../callbacks/providers/types.js';
import { receiveCallback } from '../../callbacks/receive.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';

const callbackAnswer = z.object({
  received: z.literal(true),
  duplicate: z.boolean().describe('Every credit in it was already known'),
  credits: z.array(
    z.object({
      providerTxnId: z.string(),
      creditId: z.uuid(),
      duplicate: z.boolean(),
      match: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  ignored: z.array(z.object({ providerTxnId: z.string().optional(), reason: z.string() })),
});

const callbackProblems = {
  400: problem('Not JSON, or not the provider’s documented shape'),
  401: problem('Signature missing, invalid, or outside the time tolerance'),
  404: problem('Unknown agency or provider'),
  409: problem('The same transaction id was received before with another amount or account'),
  413: problem('Body too large'),
};

const agencyParams = z.object({ agencyId: z.string().min(1).max(64) });

const providerBodies = {
  generic: genericCallbackBody,
  payos: payosWebhookBody,
  sepay: sepayWebhookBody,
  casso: cassoV2Body,
} satisfies Record<ProviderName, z.ZodType>;

export const callbackOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/callbacks/generic',
    summary: 'A bank credit in the generic signed format, for the default agency',
    tags: ['callbacks'],
    security: 'callbackSignature',
    body: genericCallbackBody,
    responses: {
      200: { description: 'Recorded (or already known)', schema: callbackAnswer },
      ...callbackProblems,
    },
  },
  ...(Object.keys(providerBodies) as ProviderName[]).map(
    (provider): Operation => ({
      method: 'post',
      path: `/v1/callbacks/${provider}/{agencyId}`,
      summary: `A ${provider} callback for one agency (verified with that agency’s ${provider} secret)`,
      description:
        'The raw request is stored before anything else; the answer is sent only after the credits are committed. Re-deliveries are idempotent.',
      tags: ['callbacks'],
      security: 'callbackSignature',
      params: agencyParams,
      body: providerBodies[provider],
      responses: {
        200: {
          description: 'Recorded (or already known), in the shape the provider expects',
          schema: callbackAnswer,
        },
        ...callbackProblems,
      },
    }),
  ),
];

function lowerCaseHeaders(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function isProvider(name: string): name is ProviderName {
  return Object.hasOwn(providers, name);
}

export interface CallbacksDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  defaultAgencyId: string;
  toleranceSeconds: number;
  bodyLimit: string;
}

export function callbacksRouter(deps: CallbacksDeps): Router {
  const router = Router();
  // Signatures cover the exact bytes sent, so the body is read raw, whatever its content type.
  router.use(express.raw({ type: () => true, limit: deps.bodyLimit }));

  // The foundation's URL: the generic format, for the default agency.
  router.post('/generic', (req, res) => receive(deps, 'generic', deps.defaultAgencyId, req, res));
  // Each agency's URL per provider: the path says whose secret verifies the request.
  router.post('/:provider/:agencyId', (req, res) => {
    const { provider, agencyId } = req.params as { provider: string; agencyId: string };
    if (!isProvider(provider))
      throw new AppError('not_found', { detail: `no callback provider "${provider}"` });
    return receive(deps, provider, agencyId, req, res);
  });
  return router;
}

async function receive(
  deps: CallbacksDeps,
  provider: ProviderName,
  agencyId: string,
  req: Request,
  res: Response,
) {
  const answer = await receiveCallback(deps, {
    provider,
    agencyId,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    headers: lowerCaseHeaders(req),
  });
  res.status(answer.status).json(answer.body);
}
