/**
 * @module Vietnam time, the one place that knows the offset. Asia/Ho_Chi_Minh is UTC+07:00 all year
 * (no daylight saving since 1975), so local days, hours and wall-clock readings are fixed shifts of
 * the instant; every "local" here means Asia/Ho_Chi_Minh. Fee law dates, the reconciliation day, the
 * cash deposit deadline, printed dates and bank times without an offset all go through it.
 */

export const HO_CHI_MINH_TZ = 'Asia/Ho_Chi_Minh';
export const HO_CHI_MINH_OFFSET_MINUTES = 7 * 60;
export const HO_CHI_MINH_OFFSET_MS = HO_CHI_MINH_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

/**
 * The local wall clock of an instant, as a Date whose UTC fields (`getUTCHours()`, …) read as Vietnam
 * time. Only for reading fields or formatting; never store it as an instant.
 *
 * @example
 * localWallClock(new Date('2026-11-23T02:05:00Z')).getUTCHours(); // 9
 */
export function localWallClock(at: Date): Date {
  return new Date(at.getTime() + HO_CHI_MINH_OFFSET_MS);
}

/**
 * The local calendar day of an instant, `YYYY-MM-DD`.
 *
 * @example
 * localDateOf(new Date('2026-11-22T17:00:00Z')); // '2026-11-23'
 */
export function localDateOf(at: Date): string {
  return localWallClock(at).toISOString().slice(0, 10);
}

/**
 * The local hour (0–23) of an instant.
 *
 * @example
 * localHourOf(new Date('2026-11-23T17:00:00Z')); // 0
 */
export function localHourOf(at: Date): number {
  return localWallClock(at).getUTCHours();
}

/**
 * Local midnight starting the day `days` after the local day containing `at`, as an instant.
 *
 * @example
 * localDayStart(new Date('2026-11-23T03:00:00Z')).toISOString(); // '2026-11-22T17:00:00.000Z'
 */
export function localDayStart(at: Date, days = 0): Date {
  const local = at.getTime() + HO_CHI_MINH_OFFSET_MS;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS + days * DAY_MS - HO_CHI_MINH_OFFSET_MS);
}

/**
 * Day of the week (0 = Sunday) of the local day containing `at`.
 *
 * @example
 * localWeekday(new Date('2026-11-22T17:00:00Z')); // 1 (Monday 23/11/2026)
 */
export function localWeekday(at: Date): number {
  return localWallClock(at).getUTCDay();
}

/**
 * The instant of local midnight starting the 1st of the month `months` after the local month
 * containing `at`, shifted by `days` days (`days = 5` is the start of the 6th).
 *
 * @example
 * localMonthStart(new Date('2026-11-23T03:00:00Z'), 1, 5).toISOString(); // '2026-12-05T17:00:00.000Z'
 */
export function localMonthStart(at: Date, months = 0, days = 0): Date {
  const local = localWallClock(at);
  return new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, 1 + days) - HO_CHI_MINH_OFFSET_MS,
  );
}

export interface DayWindow {
  /** `YYYY-MM-DD`, the local calendar day. */
  date: string;
  /** 00:00 local, inclusive. */
  start: Date;
  /** 00:00 local the next day, exclusive. */
  end: Date;
}

/**
 * The instants a local day covers, or `undefined` for something that is not a real calendar date.
 *
 * @example
 * dayWindow('2026-11-23'); // { start: 2026-11-22T17:00:00Z, end: 2026-11-23T17:00:00Z, … }
 */
export function dayWindow(date: string): DayWindow | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over into March; a real date survives the round trip.
  if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date)
    return undefined;
  const start = new Date(midnightUtc - HO_CHI_MINH_OFFSET_MS);
  return { date, start, end: new Date(start.getTime() + DAY_MS) };
}

/**
 * The local day before `date`.
 *
 * @example
 * previousDate('2026-12-01'); // '2026-11-30'
 */
export function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}
