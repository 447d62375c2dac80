/** UTC+7 in ms. Viet Nam has had no daylight-saving time since 1975, so a fixed offset is exact. */
const HCM_OFFSET_MS = 7 * 60 * 60 * 1000;

/**
 * The calendar date in Asia/Ho_Chi_Minh at instant `now`, as `YYYY-MM-DD`.
 *
 * @example
 * todayInVietnam(new Date('2026-11-22T18:30:00Z')) // '2026-11-23'
 * @public
 */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + HCM_OFFSET_MS).toISOString().slice(0, 10);
}
