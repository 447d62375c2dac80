/**
 * @module What the clerk's page and the host software ask before a receipt: the agency's catalogue of
 * procedures on a date, and the price of a dossier without opening a receipt.
 */
import {
  type Assessment,
  type AssessmentRequest,
  type CatalogueEntry,
  type CatalogueQuery,
  catalogue,
  DEMO_NOTICE,
  layersInForce,
  type Schedule,
  unitRef,
} from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { assessForAgency } from '../agencies/assessments.js';
import { agencySchedules, scheduleSetByHash } from '../agencies/schedules.js';

/** The catalogue answer: the procedures, and which unit, version and texts they come from. */
export interface AgencyCatalogue {
  date: string;
  unit: ReturnType<typeof unitRef>;
  scheduleVersion: string;
  /** The layers in force that day, most general first. */
  layers: { id: string; name: string; level: Schedule['level'] }[];
  /** Set for the demo agency: "đơn vị mẫu / biểu phí ví dụ". */
  notice: string | null;
  procedures: CatalogueEntry[];
}

/**
 * The agency's procedures on `date` (its unit that day, its schedules), filtered by national code or by name.
 *
 * @example
 * const c = await agencyCatalogue(db, shippedSchedules, 'demo', '2026-12-04', { q: 'khai sinh' });
 */
export async function agencyCatalogue(
  db: Knex,
  base: readonly Schedule[],
  agencyId: string,
  date: string,
  query: CatalogueQuery,
): Promise<AgencyCatalogue> {
  const { set, version, unit } = await agencySchedules(db, base, agencyId, date);
  return {
    date,
    unit: unitRef(unit),
    scheduleVersion: version,
    layers: layersInForce(set, date).map((s) => ({ id: s.id, name: s.name, level: s.level })),
    notice: set.example ? DEMO_NOTICE : null,
    procedures: catalogue(set, date, query),
  };
}

/** A priced dossier: the assessment and the schedule version that priced it. Nothing is stored. */
export interface PricedDossier {
  assessment: Assessment;
  scheduleVersion: string;
  notice: string | null;
}

/**
 * Prices a dossier for the agency without opening a receipt.
 *
 * @throws AppError `rate_not_set` (422, naming the procedure, the body that must set the rate and the date),
 *   `fee_assessment_failed` (422), `agency_has_no_unit` (422)
 * @example
 * const p = await priceDossier(db, shippedSchedules, 'demo', { items: [{ procedure: 'dang-ky-thuong-tru' }] }, '2026-12-04');
 */
export async function priceDossier(
  db: Knex,
  base: readonly Schedule[],
  agencyId: string,
  request: AssessmentRequest,
  today: string,
): Promise<PricedDossier> {
  const { assessment, schedules } = await assessForAgency(db, base, agencyId, request, today);
  return {
    assessment,
    scheduleVersion: schedules.version,
    notice: assessment.example ? DEMO_NOTICE : null,
  };
}

/**
 * A schedule set one of the agency's receipts was priced with (its unit and layer versions), or undefined: an
 * agency does not read sets it never used (another agency's unit).
 *
 * @example
 * const s = await usedScheduleSet(db, 'demo', receipt.scheduleVersion);
 */
export async function usedScheduleSet(db: Knex, agencyId: string, hash: string) {
  const used = await db('receipts').where({ agency_id: agencyId, schedule_version: hash }).first('id');
  return used ? scheduleSetByHash(db, hash) : undefined;
}
