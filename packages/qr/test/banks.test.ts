import { readFileSync } from 'node:fs';
import { bankByBin, findBank, listBanks, searchBanks } from '@thuphi/qr';
import { describe, expect, test } from 'vitest';

const reference = JSON.parse(readFileSync(new URL('./fixtures/banks.json', import.meta.url), 'utf8')) as {
  merged: Record<string, { bin: string; name: string; vietqrIoCode: string | null }>;
};

describe('bank directory', () => {
  test('ships every BIN of the reference list, keyed by BIN, no duplicates', () => {
    const bins = listBanks().map((b) => b.bin);
    expect(new Set(bins).size).toBe(bins.length);
    const expected = Object.values(reference.merged).map((m) => m.bin);
    expect([...bins].sort()).toEqual([...expected].sort());
    for (const m of Object.values(reference.merged)) {
      const b = bankByBin(m.bin)!;
      expect(b.name).toBe(m.name);
      if (m.vietqrIoCode) expect(b.code).toBe(m.vietqrIoCode);
      expect(b.bin).toMatch(/^\d{6}$/);
    }
  });

  test.each([
    ['970436', '970436'],
    ['vcb', '970436'],
    ['VCB', '970436'],
    ['ngoai thuong', '970436'],
    ['Ngoại Thương', '970436'],
    ['vietcombank', '970436'],
    ['icb', '970415'],
    ['ctg', '970415'],
    ['vietinbank', '970415'],
    ['vba', '970405'],
    ['agribank', '970405'],
    ['bidv', '970418'],
    ['970401', '970418'],
    ['mb', '970422'],
    ['mbb', '970422'],
    ['seab', '970440'],
    ['ssb', '970440'],
    ['bvb', '970438'],
    ['banviet', '970454'],
    ['oceanbank', '970414'],
    ['dong a', '970406'],
    ['lien viet', '970449'],
    ['momo', '971025'],
    ['Kỹ thương', '970407'],
  ])('findBank(%j) → %s', (query, bin) => {
    expect(findBank(query)?.bin).toBe(bin);
  });

  test('code collision BVB: NAPAS code wins, the other bank is still listed', () => {
    expect(searchBanks('BVB').map((b) => b.bin)).toEqual(['970438', '970454']);
  });

  test('ambiguous or unknown queries give undefined', () => {
    expect(findBank('cong thuong')).toBeUndefined();
    expect(searchBanks('cong thuong').map((b) => b.bin)).toEqual(['970400', '970415']);
    // 'Quân đội' is in MB's name and in Viettel Money's (Tập đoàn ... Quân Đội).
    expect(findBank('Quân đội')).toBeUndefined();
    expect(searchBanks('Quân đội').map((b) => b.bin)).toEqual(['970422', '971005']);
    expect(findBank('zzz')).toBeUndefined();
    expect(findBank('')).toBeUndefined();
    expect(findBank(42 as never)).toBeUndefined();
    expect(bankByBin('000000')).toBeUndefined();
  });

  test('State Treasury usual banks are flagged', () => {
    expect(
      listBanks()
        .filter((b) => b.stateTreasuryUsualBank)
        .map((b) => b.code),
    ).toEqual(['VBA', 'ICB', 'BIDV', 'VCB']);
  });
});
