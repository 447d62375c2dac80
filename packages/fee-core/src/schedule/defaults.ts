import { readdirSync } from 'node:fs';
import { DEMO_UNIT } from '../map/index.js';
import type { AdministrativeUnit } from '../map/types.js';
import { loadScheduleFile } from './load.js';
import type { ScheduleSet } from './merge.js';
import { resolveSchedules } from './resolve.js';
import type { Schedule } from './schema.js';

// Resolved against this module, so it works from src/schedule/ (tests, `source` condition) and from
// dist/schedule/ alike: both are two levels under the package root, where `schedules/` ships.
const dataFile = (name: string) => new URL(`../../schedules/${name}`, import.meta.url);

/**
 * The shipped national schedule (each value citing its document and article, with its confidence).
 * @public
 */
export const nationalSchedule: Schedule = loadScheduleFile(dataFile('national.yaml'));

/**
 * The shipped EXAMPLE provincial schedule ("Tỉnh Mẫu"): civil-status charges with made-up amounts, to show
 * how a province layer looks. Not a real resolution; the resolver uses it for the demo unit only.
 * @public
 */
export const exampleProvinceSchedule: Schedule = loadScheduleFile(dataFile('example-province.yaml'));

/**
 * The shipped province layers (`schedules/provinces/*.yaml`): what could be sourced for the provinces of the
 * field reports, in their 2025 forms, including the former provinces' resolutions on their old territories.
 * @public
 */
export const provinceSchedules: readonly Schedule[] = Object.freeze(
  readdirSync(dataFile('provinces/'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => loadScheduleFile(dataFile(`provinces/${f}`))),
);

/**
 * Every shipped layer: national, the example province, the province layers. Give it to `resolveSchedules`
 * with a unit; the resolver keeps only what is in force on that unit's territory.
 * @public
 */
export const shippedSchedules: readonly Schedule[] = Object.freeze([
  nationalSchedule,
  exampleProvinceSchedule,
  ...provinceSchedules,
]);

/**
 * The shipped layers resolved for a unit (plus the agency's own layers, if any).
 *
 * @example
 * schedulesFor(administrativeUnit({ province: 'lai-chau' }))
 * @public
 */
export function schedulesFor(unit: AdministrativeUnit, agencyLayers: readonly Schedule[] = []): ScheduleSet {
  return resolveSchedules([...shippedSchedules, ...agencyLayers], unit);
}

/**
 * The demo unit's set: national + the example province. Every assessment with it says "đơn vị mẫu / biểu phí
 * ví dụ".
 *
 * @example
 * assess(demoSchedules, { date: '2024-05-10', items: [{ procedure: 'chung-thuc-chu-ky',
 *   quantities: { documents: 1 } }] }).total // 10000
 * @public
 */
export const demoSchedules: ScheduleSet = resolveSchedules(shippedSchedules, DEMO_UNIT);

/**
 * @deprecated The demo unit's set under its old name; a real agency must be priced with `schedulesFor(unit)`.
 * @public
 */
export const defaultSchedules: ScheduleSet = demoSchedules;
