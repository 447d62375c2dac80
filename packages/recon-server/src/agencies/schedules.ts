/**
 * @module An agency's fee schedules: the shipped layers, the versions uploaded for the whole platform (operator)
 * and for the agency (its admin), resolved on the agency's unit for a date; and the sets receipts were priced
 * with. Versions are append-only: the one in force of a layer is its newest upload, older ones stay readable.
 */
import {
  type AdministrativeUnit,
  checkSchedule,
  resolveSchedules,
  type Schedule,
  type ScheduleSet,
  scheduleHash,
  scheduleSetHash,
  unitRef,
} from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { AppError } from '../shared/errors.js';
import { agencyUnitOn } from './units.js';

/** An uploaded layer version, without its content. */
export interface ScheduleVersion {
  id: number;
  /** `null`: platform-wide (uploaded by the operator). */
  agencyId: string | null;
  scheduleId: string;
  level: Schedule['level'];
  hash: string;
  uploadedBy: string;
  uploadedAt: string;
}

interface VersionRow {
  id: number | string;
  agency_id: string | null;
  schedule_id: string;
  level: Schedule['level'];
  hash: string;
  content?: unknown;
  source_text?: string;
  uploaded_by: string;
  uploaded_at: Date | string;
}

function toVersion(row: VersionRow): ScheduleVersion {
  return {
    id: Number(row.id),
    agencyId: row.agency_id,
    scheduleId: row.schedule_id,
    level: row.level,
    hash: row.hash,
    uploadedBy: row.uploaded_by,
    uploadedAt: new Date(row.uploaded_at).toISOString(),
  };
}

// Versions never change, so a parsed layer can be kept by its hash. Bounded: the oldest entry goes first.
const PARSED_LIMIT = 500;
const parsed = new Map<string, Schedule>();

function layerOf(row: VersionRow): Schedule {
  let schedule = parsed.get(row.hash);
  if (schedule === undefined) {
    const content = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
    const check = checkSchedule(content);
    // Only validated layers are ever stored; a row that no longer validates is a bug, not input.
    if (!check.ok)
      throw new Error(`schedule version ${row.id} does not validate: ${check.issues[0]?.message}`);
    schedule = check.schedule;
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(row.hash, schedule);
  }
  return schedule;
}

/** The newest version of each layer of a scope (`null` = platform), oldest layer first. */
async function currentRows(db: Knex | Knex.Transaction, agencyId: string | null): Promise<VersionRow[]> {
  const latest = db('schedule_versions')
    .max('id as id')
    .modify((q) => (agencyId === null ? q.whereNull('agency_id') : q.where({ agency_id: agencyId })))
    .groupBy('schedule_id');
  return db('schedule_versions').whereIn('id', latest).orderBy('id');
}

/**
 * The layers in force for an agency, before placing them on its territory: the shipped ones, replaced by a
 * platform upload with the same id, then the agency's own uploads (which replace either by id). With `null`, the
 * platform's alone.
 *
 * @example
 * const layers = await layersForAgency(db, shippedSchedules, 'xa-ban-xeo');
 */
export async function layersForAgency(
  db: Knex | Knex.Transaction,
  base: readonly Schedule[],
  agencyId: string | null,
): Promise<{ layers: Schedule[]; versions: ScheduleVersion[] }> {
  const rows = [
    ...(await currentRows(db, null)),
    ...(agencyId === null ? [] : await currentRows(db, agencyId)),
  ];
  const byId = new Map<string, Schedule>(base.map((s) => [s.id, s]));
  for (const row of rows) byId.set(row.schedule_id, layerOf(row));
  return { layers: [...byId.values()], versions: rows.map(toVersion) };
}

/** An agency's schedules for a date: the set, its version (set hash) and the unit it was resolved on. */
export interface AgencySchedules {
  set: ScheduleSet;
  version: string;
  unit: AdministrativeUnit;
}

/**
 * Resolves the agency's schedule set on its unit in force on `date`.
 *
 * @throws AppError `agency_has_no_unit` when no unit is recorded for that date
 * @example
 * const { set, version } = await agencySchedules(db, shippedSchedules, 'demo', '2026-12-04');
 */
export async function agencySchedules(
  db: Knex | Knex.Transaction,
  base: readonly Schedule[],
  agencyId: string,
  date: string,
): Promise<AgencySchedules> {
  const record = await agencyUnitOn(db, agencyId, date);
  if (record === undefined) {
    throw new AppError('agency_has_no_unit', {
      detail: `agency "${agencyId}" on ${date}`,
      extensions: { agencyId, date },
    });
  }
  const { layers } = await layersForAgency(db, base, agencyId);
  const set = resolveSchedules(layers, record.unit);
  return { set, version: scheduleSetHash(set), unit: record.unit };
}

/**
 * Stores a validated layer as a new version of its scope.
 *
 * @example
 * await recordScheduleVersion(trx, { agencyId: null, schedule, hash, sourceText, uploadedBy: 'operator', at });
 */
export async function recordScheduleVersion(
  db: Knex | Knex.Transaction,
  entry: {
    agencyId: string | null;
    schedule: Schedule;
    hash: string;
    sourceText: string;
    uploadedBy: string;
    at: Date;
  },
): Promise<ScheduleVersion> {
  const [row] = await db('schedule_versions')
    .insert({
      agency_id: entry.agencyId,
      schedule_id: entry.schedule.id,
      level: entry.schedule.level,
      hash: entry.hash,
      content: JSON.stringify(entry.schedule),
      source_text: entry.sourceText,
      uploaded_by: entry.uploadedBy,
      uploaded_at: entry.at,
    })
    .returning(['id', 'agency_id', 'schedule_id', 'level', 'hash', 'uploaded_by', 'uploaded_at']);
  return toVersion(row as VersionRow);
}

/**
 * The version of a layer in force in a scope, or undefined.
 * @example
 * const v = await currentScheduleVersion(db, 'xa-a', 'lai-chau-ho-tich');
 */
export async function currentScheduleVersion(
  db: Knex | Knex.Transaction,
  agencyId: string | null,
  scheduleId: string,
): Promise<ScheduleVersion | undefined> {
  const row = await db('schedule_versions')
    .modify((q) => (agencyId === null ? q.whereNull('agency_id') : q.where({ agency_id: agencyId })))
    .where({ schedule_id: scheduleId })
    .orderBy('id', 'desc')
    .first<VersionRow | undefined>();
  return row && toVersion(row);
}

/**
 * Every version uploaded in a scope, newest first, without content.
 * @example
 * const versions = await listScheduleVersions(db, null);
 */
export async function listScheduleVersions(
  db: Knex,
  agencyId: string | null,
): Promise<(ScheduleVersion & { current: boolean })[]> {
  const rows: VersionRow[] = await db('schedule_versions')
    .modify((q) => (agencyId === null ? q.whereNull('agency_id') : q.where({ agency_id: agencyId })))
    .orderBy('id', 'desc')
    .select('id', 'agency_id', 'schedule_id', 'level', 'hash', 'uploaded_by', 'uploaded_at');
  const seen = new Set<string>();
  return rows.map((row) => {
    const current = !seen.has(row.schedule_id);
    seen.add(row.schedule_id);
    return { ...toVersion(row), current };
  });
}

/**
 * One uploaded version of a scope with its content and the text as uploaded, by hash (the newest if uploaded twice).
 * @example
 * const v = await scheduleVersionByHash(db, null, 'sha256:…');
 */
export async function scheduleVersionByHash(
  db: Knex,
  agencyId: string | null,
  hash: string,
): Promise<(ScheduleVersion & { schedule: Schedule; sourceText: string }) | undefined> {
  const row = await db('schedule_versions')
    .modify((q) => (agencyId === null ? q.whereNull('agency_id') : q.where({ agency_id: agencyId })))
    .where({ hash })
    .orderBy('id', 'desc')
    .first<VersionRow | undefined>();
  return row && { ...toVersion(row), schedule: layerOf(row), sourceText: row.source_text ?? '' };
}

/**
 * Remembers a resolved set by its hash (once), so a receipt's `scheduleVersion` can always be read back as the
 * unit and the layer versions that priced it.
 *
 * @example
 * await rememberScheduleSet(trx, set, version, clock.now());
 */
export async function rememberScheduleSet(
  db: Knex | Knex.Transaction,
  set: ScheduleSet,
  version: string,
  at: Date,
): Promise<void> {
  await db('schedule_sets')
    .insert({
      hash: version,
      unit: set.unit === undefined ? null : JSON.stringify(unitRef(set.unit)),
      layers: JSON.stringify(
        set.layers.map((s) => ({
          id: s.id,
          level: s.level,
          hash: scheduleHash(s),
          window: set.windows.get(s.id) ?? null,
        })),
      ),
      created_at: at,
    })
    .onConflict('hash')
    .ignore();
}

/**
 * A remembered set: its unit and layers (id, level, hash, window), or undefined.
 * @example
 * const s = await scheduleSetByHash(db, receipt.scheduleVersion);
 */
export async function scheduleSetByHash(
  db: Knex,
  hash: string,
): Promise<{ hash: string; unit: unknown; layers: unknown[] } | undefined> {
  const row = await db('schedule_sets').where({ hash }).first();
  if (!row) return undefined;
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return { hash: row.hash, unit: parse(row.unit), layers: parse(row.layers) as unknown[] };
}
