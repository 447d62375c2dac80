import { loadScheduleFile } from './load.js';
import { mergeSchedules, type ScheduleSet } from './merge.js';
import type { Schedule } from './schema.js';

// Resolved against this module, so it works from src/schedule/ (tests, `source` condition) and from
// dist/schedule/ alike: both are two levels under the package root, where `schedules/` ships.
const dataFile = (name: string) => new URL(`../../schedules/${name}`, import.meta.url);

/**
 * The shipped national schedule (fees in fee-rules.md, each citing its document and article).
 * @public
 */
export const nationalSchedule: Schedule = loadScheduleFile(dataFile('national.yaml'));

/**
 * The shipped EXAMPLE provincial schedule ("Tỉnh Mẫu"): civil-status charges with made-up amounts, to show
 * how a province layer looks. Not a real resolution.
 * @public
 */
export const exampleProvinceSchedule: Schedule = loadScheduleFile(dataFile('example-province.yaml'));

/**
 * National schedule + the example province, loaded and validated once at import.
 *
 * @example
 * assess(defaultSchedules, { date: '2024-05-10', items: [{ procedure: 'chung-thuc-chu-ky',
 *   quantities: { documents: 1 } }] }).total // 10000
 * @public
 */
export const defaultSchedules: ScheduleSet = mergeSchedules(nationalSchedule, exampleProvinceSchedule);
