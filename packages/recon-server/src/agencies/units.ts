/**
 * @module Where an agency sits on the 2025 map: its commune (or province-level body), province and former
 * province, as dated append-only records. The unit in force on a date decides which province layers price the
 * agency's fees.
 */
import {
  type AdministrativeUnit,
  AdministrativeUnitError,
  administrativeUnit,
  DEMO_UNIT,
  unitRef,
} from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { AppError } from '../shared/errors.js';

/**
 * The `effectiveFrom` of the unit an agency is created with: it holds for every date (a dossier may be assessed at
 * an earlier date) until a dated change says otherwise.
 */
export const FIRST_UNIT_FROM = '0001-01-01';

/** How a caller names a unit (the body of `POST /v1/agencies` and of a unit change). */
export interface UnitInput {
  province: string;
  commune?: string | undefined;
  formerProvince?: string | undefined;
}

/** One record of an agency's unit. */
export interface AgencyUnitRecord {
  id: number;
  unit: AdministrativeUnit;
  effectiveFrom: string;
  reason: string;
  recordedBy: string;
  recordedAt: string;
}

/**
 * Builds a real unit from what a caller sent, or throws `validation_failed` naming the field (under `at`). The
 * demo province is refused: only the seeded demo agency sits on it.
 *
 * @example
 * const unit = unitFromInput({ province: 'lai-chau', commune: '03388' }, 'unit');
 */
export function unitFromInput(input: UnitInput, at: string): AdministrativeUnit {
  let unit: AdministrativeUnit;
  try {
    unit = administrativeUnit(input);
  } catch (error) {
    if (error instanceof AdministrativeUnitError) {
      throw new AppError('validation_failed', {
        errors: [{ path: `${at}.${error.field}`, message: error.message }],
        cause: error,
      });
    }
    throw error;
  }
  if (unit.example) {
    throw new AppError('validation_failed', {
      errors: [
        {
          path: `${at}.province`,
          message:
            'Tỉnh Mẫu là đơn vị mẫu, chỉ dành cho đơn vị demo / the demo province is for the demo agency only',
        },
      ],
    });
  }
  return unit;
}

/**
 * Records the agency's unit from a date (inside the caller's transaction). Earlier records stay: they price the
 * dates before it.
 *
 * @example
 * await recordAgencyUnit(trx, { agencyId, unit, effectiveFrom: '2026-12-04', reason: 'tạo đơn vị', recordedBy: 'operator', at });
 */
export async function recordAgencyUnit(
  db: Knex | Knex.Transaction,
  entry: {
    agencyId: string;
    unit: AdministrativeUnit;
    effectiveFrom: string;
    reason: string;
    recordedBy: string;
    at: Date;
  },
): Promise<AgencyUnitRecord> {
  const [row] = await db('agency_units')
    .insert({
      agency_id: entry.agencyId,
      province_code: entry.unit.province.code,
      commune_code: entry.unit.commune?.code ?? null,
      former_province_code: entry.unit.formerProvince.code,
      example: entry.unit.example,
      unit: JSON.stringify(unitRef(entry.unit)),
      effective_from: entry.effectiveFrom,
      reason: entry.reason,
      recorded_by: entry.recordedBy,
      recorded_at: entry.at,
    })
    .returning('id');
  return {
    id: Number(row.id),
    unit: entry.unit,
    effectiveFrom: entry.effectiveFrom,
    reason: entry.reason,
    recordedBy: entry.recordedBy,
    recordedAt: entry.at.toISOString(),
  };
}

interface UnitRow {
  id: number | string;
  province_code: string;
  commune_code: string | null;
  former_province_code: string;
  example: boolean;
  effective_from: string;
  reason: string;
  recorded_by: string;
  recorded_at: Date | string;
}

function toRecord(row: UnitRow): AgencyUnitRecord {
  const unit = row.example
    ? DEMO_UNIT
    : administrativeUnit({
        province: row.province_code,
        commune: row.commune_code ?? undefined,
        formerProvince: row.former_province_code,
      });
  return {
    id: Number(row.id),
    unit,
    effectiveFrom: row.effective_from,
    reason: row.reason,
    recordedBy: row.recorded_by,
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}

/**
 * The agency's unit in force on `date` (`YYYY-MM-DD`), or undefined when none is recorded yet for that date.
 *
 * @example
 * const u = await agencyUnitOn(db, 'xa-ban-xeo', '2026-12-04');
 */
export async function agencyUnitOn(
  db: Knex | Knex.Transaction,
  agencyId: string,
  date: string,
): Promise<AgencyUnitRecord | undefined> {
  const row = await db('agency_units')
    .where({ agency_id: agencyId })
    .andWhere('effective_from', '<=', date)
    .orderBy([
      { column: 'effective_from', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first<UnitRow | undefined>();
  return row && toRecord(row);
}

/**
 * Every unit record of the agency, oldest first (the history the agency page shows).
 * @example
 * const history = await agencyUnitHistory(db, 'demo');
 */
export async function agencyUnitHistory(db: Knex, agencyId: string): Promise<AgencyUnitRecord[]> {
  const rows = await db('agency_units').where({ agency_id: agencyId }).orderBy('id');
  return rows.map((r: UnitRow) => toRecord(r));
}
