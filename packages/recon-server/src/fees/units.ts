/**
 * @module Changing where an agency sits on the map: only as a dated record (from when, why, who), audited.
 * The earlier record keeps pricing the dates before it.
 */
import type { Knex } from 'knex';
import { agencyExists } from '../agencies/agencies.js';
import { type AgencyUnitRecord, recordAgencyUnit, type UnitInput, unitFromInput } from '../agencies/units.js';
import { audit } from '../ledger/audit.js';
import { AppError } from '../shared/errors.js';

/**
 * Records the agency's new unit from `effectiveFrom` (a Vietnam date), with the reason, and audits it.
 *
 * @throws AppError `unknown_agency` (404), `validation_failed` (400, the unit's field)
 * @example
 * await changeAgencyUnit(db, { agencyId: 'xa-a', unit: { province: 'lao-cai', commune: '04465' },
 *   effectiveFrom: '2027-01-01', reason: 'Quyết định …', actor: 'operator', at: clock.now() });
 */
export async function changeAgencyUnit(
  db: Knex,
  change: {
    agencyId: string;
    unit: UnitInput;
    effectiveFrom: string;
    reason: string;
    actor: string;
    at: Date;
  },
): Promise<AgencyUnitRecord> {
  const unit = unitFromInput(change.unit, 'unit');
  return db.transaction(async (trx) => {
    if (!(await agencyExists(trx, change.agencyId))) {
      throw new AppError('unknown_agency', { detail: change.agencyId });
    }
    const record = await recordAgencyUnit(trx, {
      agencyId: change.agencyId,
      unit,
      effectiveFrom: change.effectiveFrom,
      reason: change.reason,
      recordedBy: change.actor,
      at: change.at,
    });
    await audit(trx, {
      agencyId: change.agencyId,
      actor: change.actor,
      action: 'agency.unit_changed',
      subjectType: 'agency',
      subjectId: change.agencyId,
      reason: change.reason,
      data: { unitRecord: record.id, effectiveFrom: change.effectiveFrom, unit: change.unit },
      at: change.at,
    });
    return record;
  });
}
