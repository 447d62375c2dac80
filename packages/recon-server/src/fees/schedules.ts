/**
 * @module Changing rates without a deploy, never silently: a schedule file is validated (every problem with its
 * path), previewed (which procedures change, old → new, from which date, on each territory it reaches) and then
 * applied as a new version, only with the hash its preview showed. Old versions stay readable; receipts keep
 * the version and the assessment that priced them.
 */
import {
  type AdministrativeUnit,
  administrativeUnit,
  checkScheduleText,
  diffScheduleSets,
  mergeSchedules,
  provinceBySlug,
  resolveSchedules,
  type Schedule,
  type ScheduleDiff,
  type ScheduleSet,
  unitRef,
} from '@thuphi/fee-core';
import type { Knex } from 'knex';
import {
  currentScheduleVersion,
  layersForAgency,
  recordScheduleVersion,
  type ScheduleVersion,
} from '../agencies/schedules.js';
import { agencyUnitOn } from '../agencies/units.js';
import { audit } from '../ledger/audit.js';
import { AppError } from '../shared/errors.js';

/** Who uploads, for which scope: the operator for the platform (`agencyId: null`) or an agency's admin. */
export interface UploadScope {
  agencyId: string | null;
  /** The API key id of the admin, or `operator`. */
  actor: string;
}

/** What applying a file would change on one territory. */
export interface TerritoryPreview {
  /** The unit the preview was resolved on (`null`: a national layer, shown without province layers). */
  unit: ReturnType<typeof unitRef> | null;
  procedures: ScheduleDiff['procedures'];
  rules: ScheduleDiff['rules'];
}

/** The preview of an upload. Apply it with `previewedHash: hash`. */
export interface SchedulePreview {
  hash: string;
  scheduleId: string;
  level: Schedule['level'];
  name: string;
  territory: Schedule['territory'] | null;
  /** The hash of the version in force for this layer id in this scope, if any. */
  previous: string | null;
  /** True when the file is exactly the version in force: applying it changes nothing. */
  unchanged: boolean;
  /** Periods ending before this date are left out of the previews. */
  since: string;
  previews: TerritoryPreview[];
}

function parseUpload(text: string): { schedule: Schedule; hash: string } {
  const check = checkScheduleText(text);
  if (!check.ok) {
    throw new AppError('schedule_invalid', {
      detail: `${check.issues.length} problem(s)`,
      errors: check.issues.map((i) => ({ path: i.path || '(root)', message: i.message })),
    });
  }
  return { schedule: check.schedule, hash: check.hash };
}

async function placeFor(
  db: Knex | Knex.Transaction,
  base: readonly Schedule[],
  scope: UploadScope,
  schedule: Schedule,
  today: string,
): Promise<{ units: (AdministrativeUnit | undefined)[]; current: Schedule[] }> {
  if (scope.agencyId === null) {
    // The platform: the shipped layers as replaced by platform uploads (no agency's own layers).
    const { layers } = await layersForAgency(db, base, null);
    if (schedule.level === 'national') return { units: [undefined], current: layers };
    if (schedule.level === 'agency') {
      throw new AppError('schedule_out_of_scope', { detail: 'an agency layer is uploaded by that agency' });
    }
    if (schedule.example) {
      throw new AppError('schedule_out_of_scope', { detail: 'the example province ships with the code' });
    }
    const province = provinceBySlug(schedule.territory!.province)!;
    const t = schedule.territory!;
    const formers =
      t.formerProvince !== undefined
        ? [t.formerProvince]
        : (t.covers?.map((c) => c.formerProvince) ?? province.formerProvinces.map((f) => f.slug));
    return {
      units: formers.map((f) => administrativeUnit({ province: province.slug, formerProvince: f })),
      current: layers,
    };
  }
  const record = await agencyUnitOn(db, scope.agencyId, today);
  if (record === undefined)
    throw new AppError('agency_has_no_unit', { detail: `agency "${scope.agencyId}"` });
  const unit = record.unit;
  if (schedule.level === 'national') {
    throw new AppError('schedule_out_of_scope', { detail: 'national layers are uploaded by the operator' });
  }
  if (schedule.example !== unit.example) {
    throw new AppError('schedule_out_of_scope', {
      detail: schedule.example
        ? 'an example layer is for the demo agency only'
        : 'the demo agency takes example layers only',
    });
  }
  if (schedule.level === 'province' && !unit.example && schedule.territory?.province !== unit.province.slug) {
    throw new AppError('schedule_out_of_scope', {
      detail: `the layer is for "${schedule.territory?.province}", the agency is in ${unit.province.fullName}`,
    });
  }
  const { layers } = await layersForAgency(db, base, scope.agencyId);
  return { units: [unit], current: layers };
}

function resolved(layers: readonly Schedule[], unit: AdministrativeUnit | undefined): ScheduleSet {
  return unit === undefined
    ? mergeSchedules(...layers.filter((s) => s.level === 'national'))
    : resolveSchedules(layers, unit);
}

/**
 * Validates and previews an upload: for each territory it reaches, the procedures whose rate changes (old → new
 * formula and sample amount, from which date) and the rules added, removed or changed. Writes nothing.
 *
 * @throws AppError `schedule_invalid` (422, every problem with its path), `schedule_out_of_scope` (403),
 *   `agency_has_no_unit` (422)
 * @example
 * const p = await previewSchedule(db, shippedSchedules, { agencyId: 'xa-a', actor: keyId }, text, '2026-12-04');
 * p.previews[0].procedures; // [{ procedure: 'dang-ky-khai-sinh-qua-han', from: '2026-12-05', periods: [...] }]
 */
export async function previewSchedule(
  db: Knex | Knex.Transaction,
  base: readonly Schedule[],
  scope: UploadScope,
  text: string,
  today: string,
): Promise<SchedulePreview> {
  const { schedule, hash } = parseUpload(text);
  const { units, current } = await placeFor(db, base, scope, schedule, today);
  const next = [...current.filter((s) => s.id !== schedule.id), schedule];
  const previews = units.map((unit): TerritoryPreview => {
    const diff = diffScheduleSets(resolved(current, unit), resolved(next, unit), { since: today });
    return {
      unit: unit === undefined ? null : unitRef(unit),
      procedures: diff.procedures,
      rules: diff.rules,
    };
  });
  const previous = (await currentScheduleVersion(db, scope.agencyId, schedule.id))?.hash ?? null;
  return {
    hash,
    scheduleId: schedule.id,
    level: schedule.level,
    name: schedule.name,
    territory: schedule.territory ?? null,
    previous,
    unchanged: previous === hash,
    since: today,
    previews,
  };
}

/**
 * Applies an upload as a new version, only if `previewedHash` is the hash its preview showed (so nobody applies
 * a file they have not seen previewed). Applying the version already in force changes nothing.
 *
 * @throws AppError `schedule_not_previewed` (409) and everything {@link previewSchedule} throws
 * @example
 * const r = await applySchedule(db, shippedSchedules, scope, text, p.hash, clock.now(), '2026-12-04');
 */
export async function applySchedule(
  db: Knex,
  base: readonly Schedule[],
  scope: UploadScope,
  text: string,
  previewedHash: string,
  at: Date,
  today: string,
): Promise<{ version: ScheduleVersion; created: boolean; preview: SchedulePreview }> {
  return db.transaction(async (trx) => {
    const preview = await previewSchedule(trx, base, scope, text, today);
    if (preview.hash !== previewedHash) {
      throw new AppError('schedule_not_previewed', {
        detail: `the file's hash is ${preview.hash}`,
        extensions: { hash: preview.hash },
      });
    }
    if (preview.unchanged) {
      const version = (await currentScheduleVersion(trx, scope.agencyId, preview.scheduleId))!;
      return { version, created: false, preview };
    }
    const { schedule } = parseUpload(text);
    const version = await recordScheduleVersion(trx, {
      agencyId: scope.agencyId,
      schedule,
      hash: preview.hash,
      sourceText: text,
      uploadedBy: scope.actor,
      at,
    });
    if (scope.agencyId !== null) {
      await audit(trx, {
        agencyId: scope.agencyId,
        actor: scope.actor,
        action: 'schedule.applied',
        subjectType: 'agency',
        subjectId: scope.agencyId,
        data: {
          scheduleId: preview.scheduleId,
          hash: preview.hash,
          previous: preview.previous,
          changes: preview.previews.flatMap((p) => p.procedures.map((c) => `${c.procedure}@${c.from}`)),
        },
        at,
      });
    }
    return { version, created: true, preview };
  });
}
