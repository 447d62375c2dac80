/**
 * @module Bank times. Providers send `YYYY-MM-DD HH:mm:ss` with no offset; the docs call it bank-side
 * time, so it is read as Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving). That is an inference the
 * docs never state as a timezone. ISO 8601 with an offset is read as written.
 */
import { z } from 'zod';
import { HO_CHI_MINH_OFFSET_MINUTES as VIETNAM_OFFSET_MINUTES } from '../../shared/time.js';

const BANK_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a bank time; `undefined` when it is not one or names a day or hour that does not exist
 * (`2026-02-30`, `24:00`), which `new Date()` would silently roll over.
 *
 * @example
 * parseBankTime('2026-07-15 09:41:27')?.toISOString(); // '2026-07-15T02:41:27.000Z'
 */
export function parseBankTime(value: string): Date | undefined {
  const m = BANK_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear undoes that.
  wall.setUTCFullYear(year);
  if (
    wall.getUTCFullYear() !== year ||
    wall.getUTCMonth() !== month - 1 ||
    wall.getUTCDate() !== day ||
    wall.getUTCHours() !== hour ||
    wall.getUTCMinutes() !== minute ||
    wall.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  const zone = m[8];
  let offsetMinutes = VIETNAM_OFFSET_MINUTES;
  if (zone === 'Z') offsetMinutes = 0;
  else if (zone) {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    if (Number(digits.slice(3, 5)) > 59 || Math.abs(offsetMinutes) > 14 * 60) return undefined;
  }
  return new Date(wall.getTime() - offsetMinutes * 60_000);
}

/**
 * Writes a time the way the providers do: `YYYY-MM-DD HH:mm:ss` in Vietnam time, whole seconds.
 *
 * @example
 * formatBankTime(new Date('2026-07-15T02:41:27Z')); // '2026-07-15 09:41:27'
 */
export function formatBankTime(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MINUTES * 60_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');
}

/** A zod string that must be a bank time, output as a Date. */
export const bankTimeSchema = z.string().transform((value, ctx) => {
  const at = parseBankTime(value);
  if (at) return at;
  ctx.addIssue({
    code: 'custom',
    message: 'expected a date-time like 2026-07-15 09:41:27 (Vietnam time) or 2026-07-15T09:41:27+07:00',
  });
  return z.NEVER;
});
