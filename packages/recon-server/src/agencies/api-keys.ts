/**
 * @module API key lifecycle of an agency: issuing keys by role, listing them (never the key or its
 * hash), rotating with an overlap window and revoking. Expiries are rows of `key_expiries`, only
 * ever added: a key stops working at the earliest of its expiries.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from './agencies.js';
import { generateApiKey, hashApiKey } from './keys.js';

export const ROLES = ['integration', 'clerk', 'treasurer', 'admin'] as const satisfies readonly Role[];

/** A key as its agency's admin sees it: enough to tell keys apart, nothing to use one with. */
export interface ApiKeyInfo {
  id: string;
  role: Role;
  label: string | null;
  createdAt: string;
  /** When it stops (or stopped) working; null while open-ended. */
  expiresAt: string | null;
  lastFour: string | null;
}

export interface IssuedApiKey extends ApiKeyInfo {
  /** The key itself: shown once, only its hash is kept. */
  apiKey: string;
}

/**
 * Creates a key of `role` for the agency and returns it once.
 *
 * @example
 * const { apiKey } = await issueApiKey(db, { agencyId: 'demo', role: 'clerk', label: 'Quầy 1', at: clock.now() });
 */
export async function issueApiKey(
  db: Knex,
  input: { agencyId: string; role: Role; label?: string | null; createdByKey?: string | null; at: Date },
): Promise<IssuedApiKey> {
  const apiKey = generateApiKey();
  const id = randomUUID();
  const lastFour = apiKey.slice(-4);
  await db('api_keys').insert({
    id,
    agency_id: input.agencyId,
    key_hash: hashApiKey(apiKey),
    role: input.role,
    label: input.label ?? null,
    last_four: lastFour,
    created_by_key: input.createdByKey ?? null,
    created_at: input.at,
  });
  return {
    id,
    role: input.role,
    label: input.label ?? null,
    createdAt: input.at.toISOString(),
    expiresAt: null,
    lastFour,
    apiKey,
  };
}

/** Earliest expiry per key, folding in the legacy `revoked_at` column. */
function keysWithExpiry(db: Knex) {
  return db('api_keys as k')
    .leftJoin(
      db('key_expiries').select('key_id').min({ expires_at: 'expires_at' }).groupBy('key_id').as('e'),
      'e.key_id',
      'k.id',
    )
    .select(
      'k.id',
      'k.agency_id',
      'k.role',
      'k.label',
      'k.last_four',
      'k.created_at',
      db.raw('least(e.expires_at, k.revoked_at) as expires_at'),
    );
}

function toInfo(row: Record<string, unknown>): ApiKeyInfo {
  return {
    id: row.id as string,
    role: row.role as Role,
    label: (row.label as string | null) ?? null,
    createdAt: new Date(row.created_at as string).toISOString(),
    expiresAt: row.expires_at ? new Date(row.expires_at as string).toISOString() : null,
    lastFour: (row.last_four as string | null) ?? null,
  };
}

/**
 * The agency's keys, oldest first, expired ones included (so an admin sees what rotation left behind).
 *
 * @example
 * const keys = await listApiKeys(db, 'demo');
 */
export async function listApiKeys(db: Knex, agencyId: string): Promise<ApiKeyInfo[]> {
  const rows = await keysWithExpiry(db)
    .where('k.agency_id', agencyId)
    .orderBy([{ column: 'k.created_at' }, { column: 'k.id' }]);
  return rows.map(toInfo);
}

/** One key of the agency, or undefined when it has no such key (another agency's key included). */
export async function findApiKey(db: Knex, agencyId: string, keyId: string): Promise<ApiKeyInfo | undefined> {
  const row = await keysWithExpiry(db).where({ 'k.agency_id': agencyId, 'k.id': keyId }).first();
  return row ? toInfo(row) : undefined;
}

export type KeyChangeResult<T> = { ok: true; value: T } | { ok: false; reason: 'not_found' | 'expired' };

/**
 * Issues a new key with the same role and label and gives the old one `overlapSeconds` to live, so
 * the integration can switch over without downtime.
 *
 * @example
 * const r = await rotateApiKey(db, { agencyId: 'demo', keyId, overlapSeconds: 86400, at: clock.now() });
 * if (r.ok) console.log(r.value.apiKey);
 */
export async function rotateApiKey(
  db: Knex,
  input: { agencyId: string; keyId: string; overlapSeconds: number; byKey?: string | null; at: Date },
): Promise<KeyChangeResult<{ key: IssuedApiKey; old: ApiKeyInfo }>> {
  return db.transaction(async (trx) => {
    // Serialises rotations of one key: two concurrent ones would otherwise both issue a successor.
    const locked = await trx('api_keys')
      .where({ agency_id: input.agencyId, id: input.keyId })
      .forUpdate()
      .first('id');
    if (!locked) return { ok: false, reason: 'not_found' } as const;
    const current = (await findApiKey(trx, input.agencyId, input.keyId))!;
    if (current.expiresAt && new Date(current.expiresAt) <= input.at) return { ok: false, reason: 'expired' };
    const key = await issueApiKey(trx, {
      agencyId: input.agencyId,
      role: current.role,
      label: current.label,
      createdByKey: input.byKey ?? null,
      at: input.at,
    });
    await trx('key_expiries').insert({
      key_id: input.keyId,
      agency_id: input.agencyId,
      expires_at: new Date(input.at.getTime() + input.overlapSeconds * 1000),
      reason: 'rotated',
      created_by_key: input.byKey ?? null,
      created_at: input.at,
    });
    return { ok: true, value: { key, old: (await findApiKey(trx, input.agencyId, input.keyId))! } };
  });
}

/**
 * Ends a key now. Revoking an already expired key changes nothing and says so.
 *
 * @example
 * await revokeApiKey(db, { agencyId: 'demo', keyId, at: clock.now() });
 */
export async function revokeApiKey(
  db: Knex,
  input: { agencyId: string; keyId: string; byKey?: string | null; at: Date },
): Promise<KeyChangeResult<ApiKeyInfo>> {
  return db.transaction(async (trx) => {
    const locked = await trx('api_keys')
      .where({ agency_id: input.agencyId, id: input.keyId })
      .forUpdate()
      .first('id');
    if (!locked) return { ok: false, reason: 'not_found' } as const;
    const current = (await findApiKey(trx, input.agencyId, input.keyId))!;
    if (current.expiresAt && new Date(current.expiresAt) <= input.at) return { ok: false, reason: 'expired' };
    await trx('key_expiries').insert({
      key_id: input.keyId,
      agency_id: input.agencyId,
      expires_at: input.at,
      reason: 'revoked',
      created_by_key: input.byKey ?? null,
      created_at: input.at,
    });
    return { ok: true, value: (await findApiKey(trx, input.agencyId, input.keyId))! };
  });
}
