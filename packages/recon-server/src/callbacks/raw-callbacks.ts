/**
 * @module Raw callbacks: every request a provider sends is stored as received, before it is verified or
 * parsed, and later given its outcome (`accepted`, `duplicate`, `ignored`, `rejected:<code>`).
 */
import type { Knex } from 'knex';
import { type ProviderSettings, toProviderSettings } from '../agencies/agencies.js';
import { prepared } from '../db/prepared.js';
import type { ProviderName } from './providers/types.js';

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

export interface StoredRawCallback {
  /** False for an unknown agency: nothing was stored. */
  stored: boolean;
  /** The agency's settings for the provider in force now; undefined when none are configured. */
  settings: ProviderSettings | undefined;
}

/**
 * Stores a raw callback and reads the provider settings that verify it.
 *
 * @example
 * const { stored, settings } = await storeRawCallback(db, { id, provider: 'generic', agencyId: 'demo', headers, rawBody, receivedAt });
 */
export async function storeRawCallback(
  db: Knex,
  input: {
    id: string;
    provider: ProviderName;
    agencyId: string;
    headers: Record<string, string>;
    rawBody: Buffer;
    receivedAt: Date;
  },
): Promise<StoredRawCallback> {
  const row = (
    await prepared(
      'store_raw_callback',
      db.raw(STORE_RAW_SQL, {
        agencyId: input.agencyId,
        id: input.id,
        provider: input.provider,
        headers: JSON.stringify(input.headers),
        // Stored as text: bytes that are not UTF-8 already become U+FFFD; so does NUL, which PostgreSQL
        // text cannot hold (no provider's JSON contains one raw). Verification uses the exact bytes.
        body: input.rawBody.toString('utf8').replaceAll('\u0000', '\ufffd'),
        receivedAt: input.receivedAt,
      }),
    )
  ).rows[0] as { stored: boolean; secret: string | null } & Parameters<typeof toProviderSettings>[0];
  return {
    stored: row.stored,
    settings: row.secret === null ? undefined : toProviderSettings(row),
  };
}

/** Records what became of a raw callback that no credit's transaction settled. */
export async function settleRawCallback(db: Knex, id: string, outcome: string): Promise<void> {
  await db('raw_callbacks').where({ id }).update({ outcome });
}
