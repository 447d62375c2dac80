/** Each statement layout read from a realistic fixture, and the rows no parser may guess. */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileSeparator, parseVndAmount } from '../../src/statements/amount.js';
import { parseStatement, StatementFormatError, sniffContainer } from '../../src/statements/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const summary = (rows: { line: number; direction: string; amount: number; bankReference?: string }[]) =>
  rows.map((r) => [r.line, r.direction, r.amount, r.bankReference ?? null]);

describe('generic CSV', () => {
  it('reads credits and debits, references, Vietnamese memos and running balances', async () => {
    const s = await parseStatement(fixture('generic.csv'));
    expect(s.format).toBe('csv');
    expect(s.accountNumber).toBeUndefined();
    expect(summary(s.rows)).toEqual([
      [2, 'credit', 150000, 'FT26327000101'],
      [3, 'credit', 7000, 'FT26327000102'],
      [4, 'debit', 22000, 'FT26327000103'],
      [5, 'credit', 50000, null],
    ]);
    expect(s.rows[1]!.memo).toBe('Chứng thực bản sao hồ sơ H23.25-261123-0001, Trần Thị Bình');
    // 23/11/2026 08:15:02 in Vietnam is 01:15:02 UTC.
    expect(s.rows[0]!.bookedAt.toISOString()).toBe('2026-11-23T01:15:02.000Z');
    expect(s.rejected).toEqual([]);
    expect(s.balanceCheck).toEqual({
      ok: true,
      opening: 19_077_000,
      credits: 207_000,
      debits: 22_000,
      expected: 19_262_000,
      actual: 19_262_000,
    });
  });

  it('reports every unreadable row with its line and never reads it as 0', async () => {
    const s = await parseStatement(fixture('generic-rejects.csv'));
    expect(summary(s.rows)).toEqual([[2, 'credit', 15000, null]]);
    expect(s.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, expect.stringContaining('ambiguous')],
      [4, '"31/11/2026" is not a date (DD/MM/YYYY)'],
      [5, expect.stringContaining('both Nợ/debit and Có/credit')],
      [6, expect.stringContaining('no amount')],
      [7, 'credit: "abc" is not an amount'],
      [8, 'credit: "-5000" is not an amount'],
      [9, '"hôm qua" is not a date (DD/MM/YYYY)'],
    ]);
    expect(s.rejected[0]!.raw).toContain('12.000');
  });

  it('notices a running balance that does not follow, at its line', async () => {
    const text = fixture('generic.csv').toString('utf8').replace('19234000', '19244000');
    const s = await parseStatement(Buffer.from(text));
    expect(s.balanceCheck).toMatchObject({ ok: false, line: 3, expected: 19_244_000, actual: 19_234_000 });
  });

  it('reads UTF-16 with a byte order mark (Excel "Unicode text", tab-separated)', async () => {
    const tsv = 'date\tcredit\tdebit\tmemo\n23/11/2026\t150000\t\tnộp phí hộ tịch\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    const s = await parseStatement(bytes);
    expect(s.rows).toMatchObject([{ line: 2, amount: 150000, memo: 'nộp phí hộ tịch' }]);
  });

  it('refuses text that is not UTF-8 rather than reading mojibake', async () => {
    const latin1 = Buffer.from('date,credit,debit,memo\n23/11/2026,1000,,n\xf4p ph\xed\n', 'latin1');
    await expect(parseStatement(latin1)).rejects.toThrow(/not UTF-8/);
  });

  it('refuses a file with no known header row', async () => {
    await expect(parseStatement(Buffer.from('a,b,c\n1,2,3\n'))).rejects.toBeInstanceOf(StatementFormatError);
  });
});

describe('Vietnamese bank exports', () => {
  it('Vietcombank: bilingual headers with line breaks, dot thousands, totals row skipped, wrapped memo', async () => {
    const s = await parseStatement(fixture('vietcombank.csv'));
    expect(s).toMatchObject({
      format: 'vietcombank',
      accountNumber: '1023456789',
      openingBalance: 19_077_000,
      closingBalance: 20_705_000,
    });
    expect(summary(s.rows)).toEqual([
      [14, 'credit', 150000, 'FT26324000201'],
      [15, 'debit', 22000, 'FT26325000202'],
      [16, 'credit', 1_500_000, 'FT26326000203'],
    ]);
    expect(s.rows[2]!.memo).toBe('IBFT Nộp lệ phí cấp GCN QSDĐ hồ sơ H23.25-261122-0007 Phạm Thị Hoa');
    expect(s.rejected).toEqual([]);
    expect(s.balanceCheck?.ok).toBe(true);
  });

  it('BIDV: Nợ is money out, Có money in; DƯ ĐẦU/DƯ CUỐI rows; the old account number is skipped', async () => {
    const s = await parseStatement(fixture('bidv.csv'));
    expect(s).toMatchObject({ format: 'bidv', accountNumber: '1023456789', openingBalance: 5_000_000 });
    expect(summary(s.rows)).toEqual([
      [9, 'credit', 200_000, 'BIDV26325A0001'],
      [10, 'debit', 33_000, 'BIDV26326A0002'],
    ]);
    expect(s.balanceCheck).toMatchObject({ ok: true, expected: 5_167_000 });
  });

  it('VietinBank: a date printed once covers the rows below it', async () => {
    const s = await parseStatement(fixture('vietinbank.csv'));
    expect(s.format).toBe('vietinbank');
    expect(summary(s.rows)).toEqual([
      [6, 'credit', 300_000, 'VTB26326X0001'],
      [7, 'credit', 12_000, 'VTB26326X0002'],
      [8, 'debit', 11_000, 'VTB26327X0003'],
    ]);
    expect(s.rows[1]!.bookedAt).toEqual(s.rows[0]!.bookedAt);
    expect(s.balanceCheck?.ok).toBe(true);
  });

  it('reads the same layout from an XLSX workbook with number and date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('VCBACCOUNTDETAIL');
    sheet.addRow(['SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT']);
    sheet.addRow(['Số tài khoản/ Account number:', '1023456789']);
    sheet.addRow(['Số dư đầu kỳ/ Opening balance:', 19_077_000]);
    sheet.addRow([
      'Ngày GD/\nTNX Date',
      'Số CT/\nDoc No',
      'Số tiền ghi nợ/\nDebit',
      'Số tiền ghi có/\nCredit',
      'Số dư/\nBalance',
      'Nội dung chi tiết/\nTransactions in detail',
    ]);
    // Excel keeps wall-clock dates; exceljs hands them over as UTC.
    sheet.addRow([
      new Date(Date.UTC(2026, 10, 23, 8, 15, 2)),
      'FT26327000101',
      null,
      150_000,
      19_227_000,
      'nop phi HS000123',
    ]);
    sheet.addRow([
      new Date(Date.UTC(2026, 10, 23, 10, 30, 0)),
      'FT26327000103',
      22_000,
      null,
      19_205_000,
      'Phí quản lý tài khoản',
    ]);
    sheet.addRow([
      new Date(Date.UTC(2026, 10, 23, 11, 0, 0)),
      'FT26327000104',
      null,
      1500.5,
      19_206_500,
      'lẻ đồng',
    ]);
    sheet.addRow(['Số dư cuối kỳ/ Closing balance:', 19_205_000]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(sniffContainer(bytes)).toBe('xlsx');

    const s = await parseStatement(bytes);
    expect(s.format).toBe('vietcombank');
    expect(summary(s.rows)).toEqual([
      [5, 'credit', 150_000, 'FT26327000101'],
      [6, 'debit', 22_000, 'FT26327000103'],
    ]);
    expect(s.rows[0]!.bookedAt.toISOString()).toBe('2026-11-23T01:15:02.000Z');
    expect(s.rejected).toMatchObject([
      { line: 7, reason: expect.stringContaining('not a whole number of đồng') },
    ]);
    expect(s.balanceCheck?.ok).toBe(true);
  });

  it('takes an explicit format at its word', async () => {
    await expect(parseStatement(fixture('vietcombank.csv'), 'bidv')).rejects.toThrow(/no header row/);
    await expect(parseStatement(fixture('generic.csv'), 'nope')).rejects.toThrow(/unknown format/);
  });
});

describe('SWIFT MT940', () => {
  it('reads :61: lines with their :86: details, the // bank reference and the balances', async () => {
    const s = await parseStatement(fixture('statement.mt940'));
    expect(s).toMatchObject({ format: 'mt940', accountNumber: '1023456789', currency: 'VND' });
    expect(summary(s.rows)).toEqual([
      [5, 'credit', 150_000, 'FT26327000101'],
      [8, 'debit', 22_000, 'FT26327000103'],
      [10, 'credit', 7_000, 'FT26327000102'],
    ]);
    expect(s.rows[0]!.memo).toBe(
      'MBVCB.9876543210.KB123456 NGUYEN VAN A nop phi HS000123 .CT tu 0901234567 NGUYEN VAN A toi 1023456789',
    );
    expect(s.rows[2]!.memo).toBe('Chứng thực bản sao hồ sơ H23.25-261123-0001 Trần Thị Bình');
    expect(s.balanceCheck).toMatchObject({ ok: true, opening: 19_077_000, expected: 19_212_000 });
  });

  it('rejects a line with a fraction of a đồng or an impossible date, keeping the rest', async () => {
    const s = await parseStatement(fixture('statement-rejects.mt940'));
    expect(summary(s.rows)).toEqual([[9, 'credit', 45_000, 'FT26328000203']]);
    expect(s.rows[0]!.memo).toBe('nop phi ho tich Nông Văn Dền');
    expect(s.rejected.map((r) => [r.line, r.reason])).toEqual([
      [5, 'amount "150000,50" is not a whole number of đồng'],
      [7, 'value date 261131 does not exist'],
    ]);
    expect(s.balanceCheck?.ok).toBe(false);
  });

  it('says when opening + credits − debits is not the closing balance', async () => {
    const text = fixture('statement.mt940')
      .toString('utf8')
      .replace(':62F:C261123VND19212000,', ':62F:C261123VND19213000,');
    const s = await parseStatement(Buffer.from(text));
    expect(s.rejected).toEqual([]);
    expect(s.balanceCheck).toMatchObject({ ok: false, expected: 19_213_000, actual: 19_212_000, line: 10 });
  });

  it('refuses a statement in another currency', async () => {
    const text = fixture('statement.mt940').toString('utf8').replaceAll('VND', 'USD');
    await expect(parseStatement(Buffer.from(text))).rejects.toThrow(/USD, not VND/);
  });
});

describe('ISO 20022 camt.053', () => {
  it('reads entries, AcctSvcrRef (entry or transaction level), Ustrd memos and OPBD/CLBD', async () => {
    const s = await parseStatement(fixture('statement.camt053.xml'));
    expect(s).toMatchObject({
      format: 'camt053',
      accountNumber: '1023456789',
      openingBalance: 19_077_000,
      closingBalance: 19_212_000,
    });
    expect(summary(s.rows)).toEqual([
      [27, 'credit', 150_000, 'FT26327000101'],
      [40, 'debit', 22_000, 'FT26327000103'],
      [48, 'credit', 7_000, 'FT26327000102'],
    ]);
    expect(s.rows[0]!.bookedAt.toISOString()).toBe('2026-11-23T01:15:02.000Z');
    expect(s.rows[2]!.memo).toBe('Chứng thực bản sao hồ sơ H23.25-261123-0001 Trần Thị Bình');
    expect(s.balanceCheck?.ok).toBe(true);
  });

  it('rejects an entry with a fraction or a foreign currency, and refuses broken XML as a whole', async () => {
    const xml = fixture('statement.camt053.xml').toString('utf8');
    const s = await parseStatement(
      Buffer.from(xml.replace('<Amt Ccy="VND">7000</Amt>', '<Amt Ccy="VND">7000.50</Amt>')),
    );
    expect(s.rejected).toMatchObject([{ line: 48, reason: 'Amt "7000.50" is not a whole number of đồng' }]);
    const usd = await parseStatement(
      Buffer.from(xml.replace('<Amt Ccy="VND">22000</Amt>', '<Amt Ccy="USD">22000</Amt>')),
    );
    expect(usd.rejected).toMatchObject([{ line: 40, reason: 'Amt is in USD, not VND' }]);
    await expect(parseStatement(Buffer.from(xml.replace('</Stmt>', '')))).rejects.toThrow(
      /not well-formed XML/,
    );
  });
});

describe('VND amounts', () => {
  it.each([
    ['1234567', undefined, 1_234_567],
    ['1.234.567', undefined, 1_234_567],
    ['1,234,567', undefined, 1_234_567],
    ['1 234 567', undefined, 1_234_567],
    ['1.234.567,00', undefined, 1_234_567],
    ['1,234,567.00', undefined, 1_234_567],
    ['150000,00', undefined, 150_000],
    ['12.000', '.', 12_000],
    ['12,000', ',', 12_000],
    ['1.150.000 VND', undefined, 1_150_000],
  ] as const)('reads %s', (text, separator, value) => {
    expect(parseVndAmount(text, separator)).toEqual({ ok: true, value });
  });

  it.each([
    '12.000',
    '1.234,5',
    '1.234.567,50',
    '1,234.56',
    '-5000',
    '1.2.3',
    '12,34,567',
    '',
    'abc',
    '1e6',
    '99999999999999999',
  ])('refuses %j', (text) => {
    expect(parseVndAmount(text).ok).toBe(false);
  });

  it('learns the separator only from unambiguous amounts, and not from contradicting ones', () => {
    expect(fileSeparator(['12.000', '1.500.000'])).toBe('.');
    expect(fileSeparator(['12.000', '34.000'])).toBeUndefined();
    expect(fileSeparator(['1.500.000', '2,500,000'])).toBeUndefined();
  });

  it('reads back exactly any amount written in any accepted way', () => {
    const group = (n: number, sep: string) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    const formats: [string, (n: number) => string, '.' | ',' | undefined][] = [
      ['plain', (n) => String(n), undefined],
      ['dot thousands', (n) => group(n, '.'), '.'],
      ['comma thousands', (n) => group(n, ','), ','],
      ['space thousands', (n) => group(n, ' '), undefined],
      ['dot thousands, ,00', (n) => `${group(n, '.')},00`, '.'],
      ['comma thousands, .00', (n) => `${group(n, ',')}.00`, ','],
      ['plain, ,0', (n) => `${n},0`, '.'],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000_000 }),
        fc.constantFrom(...formats),
        (n, [, format, separator]) => {
          expect(parseVndAmount(format(n), separator)).toEqual({ ok: true, value: n });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
