/**
 * @module /v1/callbacks: bank credits pushed by a provider. The raw request is stored first, then
 * verified with the agency's secret for that provider, parsed, recorded idempotently and matched;
 * the provider hears "received" only after the commit.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CallbackVerificationError } from '../../callbacks/generic-signature.js';
import { cassoV2Body } from '../../callbacks/providers/casso.js';
import { genericCallbackBody } from '../../callbacks/providers/generic.js';
import { CallbackPayloadError, providers } from '../../callbacks/providers/index.js';
import { payosWebhookBody } from '../../callbacks/providers/payos.js';
import { sepayWebhookBody } from '../../callbacks/providers/sepay.js';
import type { ProviderName } from '../../callbacks/providers/types.js';
import type { Clock } from '../../clock.js';
import { prepared } from '../../db/prepared.js';
import { collectionAccountNumbers, toProviderSettings } from '../../domain/agencies.js';
import { type IngestOutcome, ingestCredit } from '../../domain/credits.js';
import { AppError } from '../errors.js';
import { problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';

/** Headers kept with the raw callback: what is needed to re-verify it later, never our own credentials. */
const STORED_HEADERS = [
  'content-type',
  'user-agent',
  'x-request-id',
  'x-thuphi-signature',
  'x-sepay-timestamp',
  'x-sepay-signature',
  'x-casso-signature',
];

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

/**
 * The raw callback stored if the agency exists, and the agency's current settings for the provider,
 * in one round trip. Storing comes before anything is verified or parsed; `stored` is false only
 * for an unknown agency (nothing is stored then).
 */
const STORE_RAW_SQL = `
  WITH agency AS (SELECT id FROM agencies WHERE id = :agencyId),
  stored AS (
    INSERT INTO raw_callbacks (id, provider, agency_id, headers, body, received_at)
    SELECT :id, :provider, id, CAST(:headers AS jsonb), :body, :receivedAt FROM agency
    RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM stored) AS stored, s.provider, s.secret, s.account_numbers, s.created_at
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (
    SELECT provider, secret, account_numbers, created_at FROM provider_settings
    WHERE agency_id = :agencyId AND provider = :provider
    ORDER BY id DESC LIMIT 1
  ) s ON true`;

async function receive(
  deps: CallbacksDeps,
  provider: ProviderName,
  agencyId: string,
  req: Request,
  res: Response,
) {
  const adapter = providers[provider];
  const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const headers = lowerCaseHeaders(req);
  const receivedAt = deps.clock.now();
  const rawId = randomUUID();
  const stored = (
    await prepared(
      'store_raw_callback',
      deps.db.raw(STORE_RAW_SQL, {
        agencyId,
        id: rawId,
        provider,
        headers: JSON.stringify(
          Object.fromEntries(STORED_HEADERS.flatMap((h) => (headers[h] ? [[h, headers[h]]] : []))),
        ),
        // Stored as text: bytes that are not UTF-8 already become U+FFFD; so does NUL, which PostgreSQL
        // text cannot hold (no provider's JSON contains one raw). Verification uses the exact bytes.
        body: rawBody.toString('utf8').replaceAll('\u0000', '\ufffd'),
        receivedAt,
      }),
    )
  ).rows[0] as { stored: boolean; secret: string | null } & Parameters<typeof toProviderSettings>[0];
  if (!stored.stored) throw new AppError('unknown_agency');
  const settle = (outcome: string) => deps.db('raw_callbacks').where({ id: rawId }).update({ outcome });

  try {
    const settings = stored.secret === null ? undefined : toProviderSettings(stored);
    if (!settings) {
      throw new AppError('invalid_signature', {
        detail: `no ${provider} secret is configured for this agency`,
      });
    }
    const request = { rawBody, headers };
    try {
      adapter.verify(request, {
        secret: settings.secret,
        now: receivedAt,
        toleranceSeconds: deps.toleranceSeconds,
      });
    } catch (error) {
      if (error instanceof CallbackVerificationError) {
        throw new AppError('invalid_signature', { detail: error.message, cause: error });
      }
      throw error;
    }
    let parsed: ReturnType<typeof adapter.parse>;
    try {
      parsed = adapter.parse(request);
    } catch (error) {
      if (error instanceof CallbackPayloadError && error.path === '') {
        // The body as a whole is unusable: not JSON, or not the object the provider sends.
        throw new AppError('malformed_json', { detail: error.message, cause: error });
      }
      if (error instanceof CallbackPayloadError) {
        throw new AppError('validation_failed', {
          errors: [{ path: error.path, message: error.message }],
          cause: error,
        });
      }
      throw error;
    }

    const ignored = [...parsed.ignored];
    // A provider watching several accounts reports all of them; only the configured ones are ours,
    // and with none configured, the agency's own collection accounts.
    const accepted =
      settings.accountNumbers.length > 0 || parsed.credits.length === 0
        ? settings.accountNumbers
        : await collectionAccountNumbers(deps.db, agencyId);
    const ours = parsed.credits.filter((credit) => {
      const configured = accepted.includes(credit.accountNumber);
      if (!configured)
        ignored.push({ providerTxnId: credit.providerTxnId, reason: 'account_not_configured' });
      return configured;
    });
    const results: (IngestOutcome & { providerTxnId: string })[] = [];
    for (const [i, credit] of ours.entries()) {
      // The last credit's transaction also settles the raw callback: its outcome commits with it.
      const last = i === ours.length - 1;
      const allDuplicate = results.every((r) => r.status === 'duplicate');
      const outcome = await ingestCredit(
        deps.db,
        agencyId,
        credit,
        rawId,
        receivedAt,
        last ? { settleRawCallback: { ifDuplicate: allDuplicate ? 'duplicate' : 'accepted' } } : {},
      );
      results.push({ providerTxnId: credit.providerTxnId, ...outcome });
    }
    const duplicate = results.length > 0 && results.every((r) => r.status === 'duplicate');
    if (results.length === 0) await settle('ignored');

    // Only now, with every credit committed, does the provider hear "received".
    const ack = adapter.acknowledge();
    res.status(ack.status).json({
      ...(typeof ack.body === 'object' && ack.body !== null ? ack.body : {}),
      received: true,
      duplicate,
      credits: results.map((r) =>
        r.status === 'duplicate'
          ? { providerTxnId: r.providerTxnId, creditId: r.creditId, duplicate: true }
          : { providerTxnId: r.providerTxnId, creditId: r.creditId, duplicate: false, match: r.match },
      ),
      ignored,
    });
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'internal';
    await settle(`rejected:${code}`).catch((e) =>
      deps.logger.error({ err: e }, 'could not settle a raw callback'),
    );
    throw error;
  }
}
