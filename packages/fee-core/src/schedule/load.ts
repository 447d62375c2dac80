/**
 * @module Loading schedule files: YAML text → validated, deeply frozen {@link Schedule}.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { ScheduleError, type ScheduleIssue } from '../errors.js';
import { scheduleHash } from './hash.js';
import { type Schedule, scheduleSchema } from './schema.js';

/** The outcome of checking a schedule without throwing: the schedule and its hash, or every problem. */
export type ScheduleCheck =
  | { readonly ok: true; readonly schedule: Schedule; readonly hash: string }
  | { readonly ok: false; readonly issues: readonly ScheduleIssue[] };

/** `['fees', 2, 'values', 0, 'to']` → `fees[2].values[0].to` */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates already-parsed schedule data. Every problem is reported with its path.
 *
 * @param data - the parsed file (e.g. from YAML or JSON)
 * @param source - a name for messages, usually the file path
 * @returns the schedule, deeply frozen
 * @throws {@link ScheduleError} listing each problem's path
 * @example
 * const s = validateSchedule({ id: 'x', name: 'X', level: 'agency', jurisdiction: 'UBND xã A', fees: [] });
 * @public
 */
export function validateSchedule(data: unknown, source = '<data>'): Schedule {
  const check = checkSchedule(data);
  if (!check.ok) throw new ScheduleError(source, check.issues);
  return check.schedule;
}

/**
 * Checks already-parsed schedule data without throwing: every problem with its path, or the schedule (deeply
 * frozen) and its content hash.
 *
 * @example
 * const c = checkSchedule(JSON.parse(body));
 * if (!c.ok) for (const i of c.issues) console.log(i.path, i.message);
 * @public
 */
export function checkSchedule(data: unknown): ScheduleCheck {
  const result = scheduleSchema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      issues: result.error.issues.map(
        (i): ScheduleIssue => ({ path: formatPath(i.path), message: i.message }),
      ),
    };
  }
  const schedule = deepFreeze(result.data);
  return { ok: true, schedule, hash: scheduleHash(schedule) };
}

/**
 * Checks schedule text (YAML, or JSON — YAML reads both) without throwing. Syntax errors come with their line.
 *
 * @example
 * const c = checkScheduleText(readFileSync('lai-chau.yaml', 'utf8'));
 * @public
 */
export function checkScheduleText(text: string): ScheduleCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: `line ${line}:${col}`, message: e.message };
      }),
    };
  }
  return checkSchedule(doc.toJS());
}

/**
 * Parses and validates a schedule written in YAML.
 *
 * @throws {@link ScheduleError} for YAML syntax errors (with line) or schema problems (with path)
 * @example
 * const s = parseSchedule(readFileSync('province.yaml', 'utf8'), 'province.yaml');
 * @public
 */
export function parseSchedule(text: string, source = '<string>'): Schedule {
  const check = checkScheduleText(text);
  if (!check.ok) throw new ScheduleError(source, check.issues);
  return check.schedule;
}

/**
 * Reads, parses and validates a schedule file. The only fee-core function that touches the file system.
 *
 * @example
 * const agency = loadScheduleFile(new URL('./my-agency.yaml', import.meta.url));
 * @public
 */
export function loadScheduleFile(file: string | URL): Schedule {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  return parseSchedule(readFileSync(path, 'utf8'), path);
}
