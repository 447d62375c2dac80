/**
 * @module Pure rules of cash deposits: the batch code a clerk writes in the deposit memo (and finding
 * it again in whatever the bank relays), and the deadline by which collected cash must be deposited.
 */
import { mod3736CheckChar } from '@thuphi/fee-core';
import { localDayStart, localMonthStart, localWeekday } from '../shared/time.js';

/** `NT` (nộp tiền) + YYMMDD + 3-digit sequence of the agency's day + ISO 7064 MOD 37,36 check character. */
export const DEPOSIT_CODE_PREFIX = 'NT';
export const DEPOSIT_CODE_LENGTH = 12;
const CODE_RE = /^NT\d{9}[0-9A-Z]$/;

/**
 * Builds a deposit batch code. The check character is the same one payment references carry, so a
 * teller's typo in the memo is caught instead of matching another batch.
 *
 * @example
 * depositBatchCode('2026-11-23', 1) // 'NT261123001' + check char
 */
export function depositBatchCode(date: string, seq: number): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  if (!Number.isInteger(seq) || seq < 1 || seq > 999) throw new RangeError(`sequence out of 1–999: ${seq}`);
  const body = `${DEPOSIT_CODE_PREFIX}${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${String(seq).padStart(3, '0')}`;
  return body + mod3736CheckChar(body);
}

/** True for a well-formed code with the right check character. */
export function isValidDepositBatchCode(code: string): boolean {
  return CODE_RE.test(code) && mod3736CheckChar(code.slice(0, -1)) === code.slice(-1);
}

/** Upper-case, strip Vietnamese diacritics (đ → D), keep only [A-Z0-9]: how banks mangle memos. */
function compact(memo: string): string {
  return memo
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/**
 * Finds the valid deposit batch codes in a bank memo however it was relayed: lower-cased, split by
 * spaces or dots, behind trace prefixes. Like `findReferences` in fee-core, every 12-character
 * window starting with `NT` is checked, and the check character rejects the windows that merely
 * straddle words.
 *
 * @example
 * findDepositBatchCodes('MBVCB.123.nt2611 23001x nop tien thu ho') // ['NT261123001X'] if X is its check char
 */
export function findDepositBatchCodes(memo: string): string[] {
  const text = compact(memo);
  const found: string[] = [];
  for (let i = text.indexOf(DEPOSIT_CODE_PREFIX); i >= 0; i = text.indexOf(DEPOSIT_CODE_PREFIX, i + 1)) {
    const candidate = text.slice(i, i + DEPOSIT_CODE_LENGTH);
    if (isValidDepositBatchCode(candidate) && !found.includes(candidate)) found.push(candidate);
  }
  return found;
}

/**
 * How long collected cash may stay with a clerk. NĐ 120/2016/NĐ-CP Điều 3 k2 a (amended by NĐ 82/2023)
 * lets the competent authority fix the cadence "định kỳ hằng ngày, tuần hoặc tháng"; the per-fee
 * circulars (TT 226/2016, TT 244/2016, TT 281/2016, each Điều 6) set the outer bound "chậm nhất là
 * ngày 05 hàng tháng" for the previous month.
 */
export interface DepositRule {
  cadence: 'daily' | 'weekly' | 'monthly';
  /** Working days allowed after the period closes (daily, weekly); unused for monthly. */
  graceDays: number;
}

const DAY_MS = 86400_000;

/** The start of the day after the `n`-th working day following the day starting at `dayStart`. */
function endOfNthWorkingDayAfter(dayStart: Date, n: number): Date {
  let day = dayStart;
  let left = n;
  while (left > 0) {
    day = new Date(day.getTime() + DAY_MS);
    const wd = localWeekday(day);
    // Saturday and Sunday only: public holidays (Tết, 30/4, 2/9 …) are not known to the server yet,
    // so a deadline across a holiday is flagged early rather than late.
    if (wd !== 0 && wd !== 6) left--;
  }
  return new Date(day.getTime() + DAY_MS);
}

/**
 * The instant by which cash collected at `collectedAt` must be deposited, under the agency's rule;
 * cash still held at or after it is overdue. Days are calendar days in Asia/Ho_Chi_Minh.
 *
 * @example
 * // Collected Monday 23/11/2026 10:00 ICT, daily with 1 working day of grace: due by the end of Tuesday.
 * depositDeadline(new Date('2026-11-23T03:00:00Z'), { cadence: 'daily', graceDays: 1 })
 * // → 2026-11-24T17:00:00.000Z (midnight starting Wednesday, ICT)
 */
export function depositDeadline(collectedAt: Date, rule: DepositRule): Date {
  const day = localDayStart(collectedAt);
  switch (rule.cadence) {
    case 'daily':
      return endOfNthWorkingDayAfter(day, rule.graceDays);
    case 'weekly': {
      // The week closes on Sunday; grace counts working days from there.
      const toSunday = (7 - localWeekday(day)) % 7;
      return endOfNthWorkingDayAfter(new Date(day.getTime() + toSunday * DAY_MS), rule.graceDays);
    }
    case 'monthly':
      // End of the 5th of the next month = start of the 6th, local time.
      return localMonthStart(day, 1, 5);
  }
}
