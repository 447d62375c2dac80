/** Deposit batch codes (made, validated, found in mangled memos) and deposit deadlines per cadence. */
import { findReferences } from '@thuphi/fee-core';
import { describe, expect, it } from 'vitest';
import {
  depositBatchCode,
  depositDeadline,
  findDepositBatchCodes,
  isValidDepositBatchCode,
} from '../../src/ledger/deposit-rules.js';

describe('deposit batch codes', () => {
  it('are NT + date + sequence + a check character', () => {
    const code = depositBatchCode('2026-11-23', 7);
    expect(code).toMatch(/^NT261123007[0-9A-Z]$/);
    expect(isValidDepositBatchCode(code)).toBe(true);
    expect(() => depositBatchCode('2026-11-23', 1000)).toThrow(RangeError);
    expect(() => depositBatchCode('23/11/2026', 1)).toThrow(RangeError);
  });

  it('catch every single-character typo', () => {
    const code = depositBatchCode('2026-11-23', 42);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let i = 2; i < code.length; i++) {
      for (const ch of alphabet) {
        if (ch === code[i]) continue;
        expect(isValidDepositBatchCode(code.slice(0, i) + ch + code.slice(i + 1))).toBe(false);
      }
    }
  });

  it('are found however a bank relays the memo, and are never taken for payment references', () => {
    const code = depositBatchCode('2026-11-23', 3);
    const memos = [
      code,
      code.toLowerCase(),
      `MBVCB.6998628625.${code.slice(0, 4).toLowerCase()} ${code.slice(4, 9)}-${code.slice(9)}.nop tien`,
      `884114.231126.093001.Nộp tiền thu hộ ${code.slice(0, 6)} ${code.slice(6)}`,
      `FT26327123456 ${code}`,
    ];
    for (const memo of memos) {
      expect(findDepositBatchCodes(memo), memo).toEqual([code]);
      expect(findReferences(memo), memo).toEqual([]);
    }
    expect(findDepositBatchCodes('NOP TIEN THU HO NGAY 23/11')).toEqual([]);
  });
});

describe('deposit deadlines (Asia/Ho_Chi_Minh days)', () => {
  // Monday 23/11/2026 09:00 ICT.
  const monday = new Date('2026-11-23T02:00:00Z');
  // Friday 27/11/2026 16:30 ICT.
  const friday = new Date('2026-11-27T09:30:00Z');

  it('daily: the end of the collection day plus working days of grace', () => {
    expect(depositDeadline(monday, { cadence: 'daily', graceDays: 0 }).toISOString()).toBe(
      '2026-11-23T17:00:00.000Z',
    );
    expect(depositDeadline(monday, { cadence: 'daily', graceDays: 1 }).toISOString()).toBe(
      '2026-11-24T17:00:00.000Z',
    );
    // Friday's cash with one working day of grace is due by the end of Monday.
    expect(depositDeadline(friday, { cadence: 'daily', graceDays: 1 }).toISOString()).toBe(
      '2026-11-30T17:00:00.000Z',
    );
    // 23:30 ICT on Monday is still Monday.
    expect(
      depositDeadline(new Date('2026-11-23T16:30:00Z'), { cadence: 'daily', graceDays: 0 }).toISOString(),
    ).toBe('2026-11-23T17:00:00.000Z');
  });

  it('weekly: after the Sunday closing the week', () => {
    expect(depositDeadline(monday, { cadence: 'weekly', graceDays: 0 }).toISOString()).toBe(
      '2026-11-29T17:00:00.000Z',
    );
    expect(depositDeadline(friday, { cadence: 'weekly', graceDays: 2 }).toISOString()).toBe(
      '2026-12-01T17:00:00.000Z',
    );
  });

  it('monthly: by the 5th of the next month (TT 226/2016 Điều 6)', () => {
    expect(depositDeadline(monday, { cadence: 'monthly', graceDays: 0 }).toISOString()).toBe(
      '2026-12-05T17:00:00.000Z',
    );
    expect(
      depositDeadline(new Date('2026-12-31T16:00:00Z'), { cadence: 'monthly', graceDays: 0 }).toISOString(),
    ).toBe('2027-01-05T17:00:00.000Z');
  });
});
