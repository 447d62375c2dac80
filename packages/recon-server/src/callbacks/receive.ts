/**
 * @module Receiving a bank callback, the use case behind `POST /v1/callbacks/…`: store the raw request,
 * verify it with the agency's secret for that provider, parse it, ingest each credit that is for one of
 * the configured accounts (one transaction per credit, opened here), and settle the raw callback's
 * outcome. The answer for the provider is made only once every credit is committed.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { collectionAccountNumbers } from '../agencies/agencies.js';
import { type IngestOutcome, ingestCredit } from '../matching/ingest.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { CallbackVerificationError } from '../shared/signing.js';
import { CallbackPayloadError, providers } from './providers/index.js';
import type { IgnoredItem, ProviderName } from './providers/types.js';
import { settleRawCallback, storeRawCallback } from './raw-callbacks.js';

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

export interface ReceiveDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** How far a signed timestamp may be from now, either way. */
  toleranceSeconds: number;
}

export interface CallbackInput {
  provider: ProviderName;
  agencyId: string;
  /** The exact bytes received. */
  rawBody: Buffer;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
}

export interface CallbackCreditAnswer {
  providerTxnId: string;
  creditId: string;
  duplicate: boolean;
  match?: unknown;
}

/** What the provider is answered: its expected status and body, with our receipt of the credits. */
export interface CallbackAnswer {
  status: number;
  body: Record<string, unknown> & {
    received: true;
    duplicate: boolean;
    credits: CallbackCreditAnswer[];
    ignored: IgnoredItem[];
  };
}

/**
 * Receives one callback. Throws an AppError (`unknown_agency`, `invalid_signature`, `malformed_json`,
 * `validation_failed`, `credit_conflict`, …) after recording it as the raw callback's outcome; a
 * re-delivery changes nothing and says `duplicate: true`.
 *
 * @example
 * const answer = await receiveCallback(deps, { provider: 'generic', agencyId: 'demo', rawBody, headers });
 * res.status(answer.status).json(answer.body);
 */
export async function receiveCallback(deps: ReceiveDeps, input: CallbackInput): Promise<CallbackAnswer> {
  const { provider, agencyId, rawBody, headers } = input;
  const adapter = providers[provider];
  const receivedAt = deps.clock.now();
  const rawId = randomUUID();
  const { stored, settings } = await storeRawCallback(deps.db, {
    id: rawId,
    provider,
    agencyId,
    headers: Object.fromEntries(STORED_HEADERS.flatMap((h) => (headers[h] ? [[h, headers[h]]] : []))),
    rawBody,
    receivedAt,
  });
  if (!stored) throw new AppError('unknown_agency');

  try {
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
      const outcome = await deps.db.transaction((trx) =>
        ingestCredit(
          trx,
          agencyId,
          credit,
          rawId,
          receivedAt,
          last ? { settleRawCallback: { ifDuplicate: allDuplicate ? 'duplicate' : 'accepted' } } : {},
        ),
      );
      results.push({ providerTxnId: credit.providerTxnId, ...outcome });
    }
    const duplicate = results.length > 0 && results.every((r) => r.status === 'duplicate');
    if (results.length === 0) await settleRawCallback(deps.db, rawId, 'ignored');

    // Only now, with every credit committed, does the provider hear "received".
    const ack = adapter.acknowledge();
    return {
      status: ack.status,
      body: {
        ...(typeof ack.body === 'object' && ack.body !== null ? ack.body : {}),
        received: true,
        duplicate,
        credits: results.map((r) =>
          r.status === 'duplicate'
            ? { providerTxnId: r.providerTxnId, creditId: r.creditId, duplicate: true }
            : { providerTxnId: r.providerTxnId, creditId: r.creditId, duplicate: false, match: r.match },
        ),
        ignored,
      },
    };
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'internal';
    await settleRawCallback(deps.db, rawId, `rejected:${code}`).catch((e) =>
      deps.logger.error({ err: e }, 'could not settle a raw callback'),
    );
    throw error;
  }
}
