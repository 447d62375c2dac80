/** @module Creating an agency on behalf of the platform operator: the agency, its account, its first admin key. */
import { randomUUID } from 'node:crypto';
import type { AdministrativeUnit } from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/errors.js';
import { type AgencyOverview, agencyOverview } from './agencies.js';
import { type IssuedApiKey, issueApiKey } from './api-keys.js';
import { FIRST_UNIT_FROM, recordAgencyUnit } from './units.js';

export interface NewAgency {
  id: string;
  name: string;
  collectionAccount: { bankBin: string; accountNumber: string; accountName: string };
  /** Ký hiệu biên lai; defaults to `BLTP-<yy>` of the creation year. */
  receiptSeries?: string | undefined;
  /**
   * Where it sits on the 2025 map (from `unitFromInput`); it holds for every date until a dated change. Without
   * one the agency cannot assess fees (`agency_has_no_unit`) until the operator records it.
   */
  unit?: AdministrativeUnit | undefined;
  /** Who records the unit (`operator` for the operator API). */
  recordedBy?: string | undefined;
}

export type CreateAgencyResult =
  | { ok: true; agency: AgencyOverview; key: IssuedApiKey }
  | { ok: false; reason: 'agency_exists' | 'collection_account_taken' };

/**
 * Creates an agency with its default collection account and a first admin key (returned once).
 * Receipt numbering and callback providers need nothing more: the series counter starts with the
 * first receipt, and the admin sets provider secrets through `PUT /v1/agency/providers/{provider}`.
 *
 * @example
 * const r = await createAgency(db, { id: 'xa-binh-an', name: 'UBND xã Bình An',
 *   collectionAccount: { bankBin: '970436', accountNumber: '0011223344', accountName: 'UBND XA BINH AN' } }, clock.now());
 */
export async function createAgency(db: Knex, input: NewAgency, at: Date): Promise<CreateAgencyResult> {
  try {
    return await db.transaction(async (trx) => {
      if (await trx('agencies').where({ id: input.id }).first('id')) {
        return { ok: false, reason: 'agency_exists' } as const;
      }
      const taken = await trx('collection_accounts')
        .where({
          bank_bin: input.collectionAccount.bankBin,
          account_number: input.collectionAccount.accountNumber,
        })
        .first('id');
      if (taken) return { ok: false, reason: 'collection_account_taken' } as const;
      const series = input.receiptSeries ?? `BLTP-${String(at.getUTCFullYear()).slice(-2)}`;
      await trx('agencies').insert({
        id: input.id,
        name: input.name,
        receipt_series: series,
        created_at: at,
      });
      await trx('collection_accounts').insert({
        id: randomUUID(),
        agency_id: input.id,
        bank_bin: input.collectionAccount.bankBin,
        account_number: input.collectionAccount.accountNumber,
        account_name: input.collectionAccount.accountName,
        is_default: true,
        created_at: at,
      });
      if (input.unit !== undefined) {
        await recordAgencyUnit(trx, {
          agencyId: input.id,
          unit: input.unit,
          effectiveFrom: FIRST_UNIT_FROM,
          reason: 'Đơn vị hành chính khi tạo đơn vị thu / unit at creation',
          recordedBy: input.recordedBy ?? 'operator',
          at,
        });
      }
      const key = await issueApiKey(trx, { agencyId: input.id, role: 'admin', label: 'first admin key', at });
      return { ok: true, agency: (await agencyOverview(trx, input.id))!, key } as const;
    });
  } catch (error) {
    // Two operators creating the same agency (or account) at once: the loser gets the same answer
    // as if it had come second.
    if (isUniqueViolation(error, 'agencies_pkey')) return { ok: false, reason: 'agency_exists' };
    if (isUniqueViolation(error)) return { ok: false, reason: 'collection_account_taken' };
    throw error;
  }
}
