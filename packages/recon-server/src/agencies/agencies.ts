/** @module Agencies: lookup by API key, collection accounts, callback secrets, and the demo seed. */
import { randomUUID } from 'node:crypto';
import { DEMO_NOTICE, DEMO_UNIT, unitRef } from '@thuphi/fee-core';
import type { Knex } from 'knex';
import type { Clock } from '../shared/clock.js';
import { generateApiKey, generateSecret, hashApiKey } from './keys.js';
import { agencyUnitHistory, FIRST_UNIT_FROM, recordAgencyUnit } from './units.js';

export type Role = 'admin' | 'integration' | 'clerk' | 'treasurer';

export interface AgencyPrincipal {
  agencyId: string;
  keyId: string;
  role: Role;
}

export interface CollectionAccount {
  id: string;
  agencyId: string;
  bankBin: string;
  accountNumber: string;
  accountName: string;
}

/**
 * Finds the live key matching a presented API key, or `undefined`: a key past any of its expiries
 * (rotation overlap over, or revoked) no longer counts.
 *
 * @example
 * const principal = await findPrincipalByApiKey(db, 'tp_…', clock.now());
 */
export async function findPrincipalByApiKey(
  db: Knex,
  key: string,
  now: Date,
): Promise<AgencyPrincipal | undefined> {
  const row = await db('api_keys')
    .where({ key_hash: hashApiKey(key) })
    .whereNull('revoked_at')
    .whereNotExists(
      db('key_expiries')
        .whereRaw('key_expiries.key_id = api_keys.id')
        .where('expires_at', '<=', now)
        .select(db.raw('1')),
    )
    .first('id', 'agency_id', 'role');
  return row ? { agencyId: row.agency_id, keyId: row.id, role: row.role } : undefined;
}

export async function agencyExists(db: Knex, agencyId: string): Promise<boolean> {
  return Boolean(await db('agencies').where({ id: agencyId }).first('id'));
}

/** The account a new receipt's QR points at. */
export async function defaultCollectionAccount(
  db: Knex,
  agencyId: string,
): Promise<CollectionAccount | undefined> {
  const row = await db('collection_accounts')
    .where({ agency_id: agencyId })
    .orderBy([
      { column: 'is_default', order: 'desc' },
      { column: 'created_at', order: 'asc' },
    ])
    .first();
  return row ? toAccount(row) : undefined;
}

/**
 * The agency's own collection account numbers: what a provider setting with no account list
 * accepts credits for.
 *
 * @example
 * await collectionAccountNumbers(db, 'demo'); // ['1023456789']
 */
export async function collectionAccountNumbers(db: Knex, agencyId: string): Promise<string[]> {
  const rows: { account_number: string }[] = await db('collection_accounts')
    .where({ agency_id: agencyId })
    .select('account_number');
  return rows.map((r) => r.account_number);
}

export async function collectionAccountById(db: Knex, id: string): Promise<CollectionAccount | undefined> {
  const row = await db('collection_accounts').where({ id }).first();
  return row ? toAccount(row) : undefined;
}

function toAccount(row: Record<string, string>): CollectionAccount {
  return {
    id: row.id!,
    agencyId: row.agency_id!,
    bankBin: row.bank_bin!,
    accountNumber: row.account_number!,
    accountName: row.account_name!,
  };
}

export interface ProviderSettings {
  provider: string;
  secret: string;
  /**
   * Collection account numbers this provider reports for; empty means the agency's own collection
   * accounts (never any account: a provider watching other accounts too must not pay our receipts).
   */
  accountNumbers: string[];
  updatedAt: Date;
}

/** The settings in force for an agency's callbacks from `provider` (the newest row). */
export async function currentProviderSettings(
  db: Knex,
  agencyId: string,
  provider: string,
): Promise<ProviderSettings | undefined> {
  const row = await db('provider_settings')
    .where({ agency_id: agencyId, provider })
    .orderBy('id', 'desc')
    .first('provider', 'secret', 'account_numbers', 'created_at');
  return row ? toProviderSettings(row) : undefined;
}

/** A provider_settings row (`provider, secret, account_numbers, created_at`) as {@link ProviderSettings}. */
export function toProviderSettings(row: {
  provider: string;
  secret: string;
  account_numbers: string | string[];
  created_at: string | Date;
}): ProviderSettings {
  return {
    provider: row.provider,
    secret: row.secret,
    accountNumbers:
      typeof row.account_numbers === 'string' ? JSON.parse(row.account_numbers) : row.account_numbers,
    updatedAt: new Date(row.created_at),
  };
}

/** Records new provider settings; the previous ones stay in the table as history. */
export async function saveProviderSettings(
  db: Knex,
  input: {
    agencyId: string;
    provider: string;
    secret: string;
    accountNumbers: string[];
    keyId?: string;
    at: Date;
  },
): Promise<void> {
  await db('provider_settings').insert({
    agency_id: input.agencyId,
    provider: input.provider,
    secret: input.secret,
    account_numbers: JSON.stringify(input.accountNumbers),
    created_by_key: input.keyId ?? null,
    created_at: input.at,
  });
}

export interface AgencyOverview {
  id: string;
  name: string;
  receiptSeries: string;
  collectionAccounts: Omit<CollectionAccount, 'agencyId'>[];
  /** Which providers are configured, and for which accounts: never the secrets. */
  providers: { provider: string; accountNumbers: string[]; updatedAt: string }[];
  /** Where it sits on the 2025 map, as dated records (oldest first); the last one on or before a date prices it. */
  units: {
    effectiveFrom: string;
    unit: ReturnType<typeof unitRef>;
    reason: string;
    recordedBy: string;
    recordedAt: string;
  }[];
  /** "đơn vị mẫu / biểu phí ví dụ" for the demo agency (priced with the example schedule), else null. */
  notice: string | null;
}

export async function agencyOverview(db: Knex, agencyId: string): Promise<AgencyOverview | undefined> {
  const agency = await db('agencies').where({ id: agencyId }).first();
  if (!agency) return undefined;
  const accounts = await db('collection_accounts').where({ agency_id: agencyId }).orderBy('created_at');
  const units = await agencyUnitHistory(db, agencyId);
  const providers = await db('provider_settings')
    .distinctOn('provider')
    .where({ agency_id: agencyId })
    .orderBy([{ column: 'provider' }, { column: 'id', order: 'desc' }])
    .select('provider', 'account_numbers', 'created_at');
  return {
    id: agency.id,
    name: agency.name,
    receiptSeries: agency.receipt_series,
    collectionAccounts: accounts.map((row) => {
      const { agencyId: _, ...account } = toAccount(row);
      return account;
    }),
    providers: providers.map((row) => ({
      provider: row.provider,
      accountNumbers:
        typeof row.account_numbers === 'string' ? JSON.parse(row.account_numbers) : row.account_numbers,
      updatedAt: new Date(row.created_at).toISOString(),
    })),
    units: units.map((r) => ({
      effectiveFrom: r.effectiveFrom,
      unit: unitRef(r.unit),
      reason: r.reason,
      recordedBy: r.recordedBy,
      recordedAt: r.recordedAt,
    })),
    notice: units.some((r) => r.unit.example) ? DEMO_NOTICE : null,
  };
}

export interface DemoAgencyOptions {
  apiKey?: string | undefined;
  callbackSecret?: string | undefined;
}

export interface DemoAgencySeed {
  agencyId: string;
  created: boolean;
  /** Present when this call created or replaced it: shown once, then only its hash is kept. */
  apiKey?: string;
  callbackSecret?: string;
  account: { bankBin: string; accountNumber: string; accountName: string };
}

export const DEMO_AGENCY_ID = 'demo';

/** Vietcombank's NAPAS BIN; the account number is made up for the demo. */
const DEMO_ACCOUNT = { bankBin: '970436', accountNumber: '1023456789', accountName: 'UBND XA AN BINH' };

/**
 * Creates the demo agency on first start (with a collection account, an admin API key and a
 * callback secret), and on later starts makes sure a key or secret fixed by the environment is the
 * one in force. Keys and secrets generated here are returned so the caller can print them once.
 *
 * @example
 * const seed = await seedDemoAgency(db, systemClock, { apiKey: process.env.THUPHI_DEMO_API_KEY });
 */
export async function seedDemoAgency(
  db: Knex,
  clock: Clock,
  options: DemoAgencyOptions = {},
): Promise<DemoAgencySeed> {
  return db.transaction(async (trx) => {
    const now = clock.now();
    const existing = await trx('agencies').where({ id: DEMO_AGENCY_ID }).first('id');
    const seed: DemoAgencySeed = { agencyId: DEMO_AGENCY_ID, created: !existing, account: DEMO_ACCOUNT };
    if (!existing) {
      await trx('agencies').insert({
        id: DEMO_AGENCY_ID,
        name: 'UBND xã An Bình (đơn vị mẫu)',
        receipt_series: 'BLTP-26',
        created_at: now,
      });
      await trx('collection_accounts').insert({
        id: randomUUID(),
        agency_id: DEMO_AGENCY_ID,
        bank_bin: DEMO_ACCOUNT.bankBin,
        account_number: DEMO_ACCOUNT.accountNumber,
        account_name: DEMO_ACCOUNT.accountName,
        is_default: true,
        created_at: now,
      });
    }

    // The demo agency is the one unit on the example province ("đơn vị mẫu / biểu phí ví dụ"); a database that
    // had it before units were recorded gets its record now.
    if (!(await trx('agency_units').where({ agency_id: DEMO_AGENCY_ID }).first('id'))) {
      await recordAgencyUnit(trx, {
        agencyId: DEMO_AGENCY_ID,
        unit: DEMO_UNIT,
        effectiveFrom: FIRST_UNIT_FROM,
        reason: 'Đơn vị mẫu / demo agency',
        recordedBy: 'system:seed',
        at: now,
      });
    }

    const apiKey = options.apiKey ?? (existing ? undefined : generateApiKey());
    if (apiKey) {
      const known = await trx('api_keys')
        .where({ key_hash: hashApiKey(apiKey) })
        .first('id');
      if (!known) {
        await trx('api_keys').insert({
          id: randomUUID(),
          agency_id: DEMO_AGENCY_ID,
          key_hash: hashApiKey(apiKey),
          role: 'admin',
          created_at: now,
        });
      }
      seed.apiKey = apiKey;
    }

    const secret = options.callbackSecret ?? (existing ? undefined : generateSecret());
    if (secret) {
      if ((await currentProviderSettings(trx, DEMO_AGENCY_ID, 'generic'))?.secret !== secret) {
        await saveProviderSettings(trx, {
          agencyId: DEMO_AGENCY_ID,
          provider: 'generic',
          secret,
          accountNumbers: [],
          at: now,
        });
      }
      seed.callbackSecret = secret;
    }
    return seed;
  });
}
