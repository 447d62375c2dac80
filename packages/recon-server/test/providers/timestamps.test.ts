/** Bank times: offset-less means Vietnam time; impossible dates are refused, not rolled over. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { providers } from '../../src/callbacks/providers/index.js';
import { formatBankTime, parseBankTime } from '../../src/callbacks/providers/timestamps.js';
import { arbitrary } from './samples.js';

describe('bank times', () => {
  it('reads the forms providers send', () => {
    expect(parseBankTime('2026-07-15 09:41:27')?.toISOString()).toBe('2026-07-15T02:41:27.000Z');
    expect(parseBankTime('2026-07-15T09:41:27+07:00')?.toISOString()).toBe('2026-07-15T02:41:27.000Z');
    expect(parseBankTime('2026-07-15T02:41:27.5Z')?.toISOString()).toBe('2026-07-15T02:41:27.500Z');
    expect(parseBankTime('2026-07-15T09:41:27+0700')?.toISOString()).toBe('2026-07-15T02:41:27.000Z');
    expect(parseBankTime('2026-07-15 09:41')?.toISOString()).toBe('2026-07-15T02:41:00.000Z');
  });

  it('refuses impossible or foreign forms', () => {
    for (const bad of [
      '2026-02-30 10:00:00',
      '2026-07-15 24:00:00',
      '15/07/2026 09:41:27',
      '2026-07-15',
      '',
      '2026-07-15T09:41:27+07:99',
    ]) {
      expect(parseBankTime(bad)).toBeUndefined();
    }
  });

  it('formats and reads back any whole-second time', () => {
    fc.assert(
      fc.property(arbitrary.bookedAt, (at) => {
        expect(parseBankTime(formatBankTime(at))).toEqual(at);
      }),
    );
    expect(formatBankTime(new Date('2026-07-15T02:41:27Z'))).toBe('2026-07-15 09:41:27');
  });
});

describe('provider registry', () => {
  it('has one adapter per provider name, named as keyed', () => {
    expect(Object.keys(providers).sort()).toEqual(['casso', 'generic', 'payos', 'sepay']);
    for (const [name, adapter] of Object.entries(providers)) expect(adapter.name).toBe(name);
  });
});
