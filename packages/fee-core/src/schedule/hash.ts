/**
 * @module Content hashes of schedules: the version a receipt stores.
 *
 * The hash is taken over the validated schedule (defaults filled in, dates as strings) written as canonical JSON
 * (object keys sorted, no whitespace), so the same content hashes the same whether it came as YAML or JSON, with
 * its keys in any order, with or without the defaults written out. Comments and formatting do not count.
 */
import { createHash } from 'node:crypto';
import type { ScheduleSet } from './merge.js';
import type { Schedule } from './schema.js';

/**
 * Canonical JSON: keys sorted at every level, `undefined` members dropped, no whitespace.
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * @public
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('not a finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/**
 * The content hash of one validated schedule layer: `sha256:` + 64 hex digits.
 * @example
 * scheduleHash(nationalSchedule) // 'sha256:3f…'
 * @public
 */
export function scheduleHash(schedule: Schedule): string {
  // Validated schedules are deeply frozen, so a schedule's hash never changes: compute it once.
  let hash = hashes.get(schedule);
  if (hash === undefined) {
    hash = sha256(canonicalJson(schedule));
    if (Object.isFrozen(schedule)) hashes.set(schedule, hash);
  }
  return hash;
}

const hashes = new WeakMap<Schedule, string>();

/**
 * The content hash of a resolved set: its unit (codes) and its layers' hashes and windows, in order. Two sets
 * with the same hash price every request the same.
 * @example
 * scheduleSetHash(resolveSchedules(layers, unit))
 * @public
 */
export function scheduleSetHash(set: ScheduleSet): string {
  return sha256(
    canonicalJson({
      unit:
        set.unit === undefined
          ? null
          : {
              province: set.unit.province.code,
              commune: set.unit.commune?.code ?? null,
              formerProvince: set.unit.formerProvince.code,
              example: set.unit.example,
            },
      layers: set.layers.map((s) => ({ hash: scheduleHash(s), window: set.windows.get(s.id) ?? null })),
    }),
  );
}
