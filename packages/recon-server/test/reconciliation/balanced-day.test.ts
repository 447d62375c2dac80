/**
 * One constructed day at the demo agency with every kind of money movement, and the report it must
 * give to the đồng: through the API (run, read back as JSON, CSV and XLSX), the fee ledger page, and
 * who may see it.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/agencies/keys.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addKey, callback, depositBatch, type Key, openReceipt, payCash, statementLine } from './support.js';

const DAY = '2026-11-23';

describe('a balanced day', () => {
  let t: TestApp;
  let clerk: Key;
  let treasurer: Key;
  let integration: Key;
  // biome-ignore lint/suspicious/noExplicitAny: the report is read loosely, as the treasury page would.
  let report: any;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-23T02:00:00Z' });
    clerk = await addKey(t, 'clerk', 'clerk');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    integration = await addKey(t, 'integration', 'integration');

    // 09:00 local: seven receipts opened at the counter.
    const r1 = await openReceipt(t, 5, 'Trần Thị Bình'); // 7.000
    const r2 = await openReceipt(t, 10, 'Lê Văn Cường'); // 12.000
    const r3 = await openReceipt(t, 1, 'Phạm Thị Dung'); // 2.000
    const r4 = await openReceipt(t, 5, 'Hoàng Văn Em'); // 7.000
    const r5 = await openReceipt(t, 1, 'Vũ Thị Gấm'); // 2.000
    const r6 = await openReceipt(t, 1, 'Đỗ Văn Hải'); // 2.000, withdrawn
    const r7 = await openReceipt(t, 5, 'Ngô Thị Lan'); // 7.000, paid short
    expect([r1, r2, r3, r4, r5, r6, r7].map((r) => r.amount)).toEqual([
      7000, 12000, 2000, 7000, 2000, 2000, 7000,
    ]);

    t.clock.set('2026-11-23T03:00:00Z'); // 10:00 local
    await callback(t, 7000, `MBVCB.1.${r1.reference} TRAN THI BINH`);
    t.clock.set('2026-11-23T03:30:00Z');
    const over = await callback(t, 15000, `${r2.reference} LE VAN CUONG`); // 3.000 too much

    t.clock.set('2026-11-23T04:00:00Z'); // 11:00 local: cash at the counter
    await payCash(t, clerk, r3.id, 2000);
    await payCash(t, clerk, r4.id, 7000);

    t.clock.set('2026-11-23T06:00:00Z'); // 13:00 local
    const voided = await request(t.app)
      .post(`/v1/receipts/${r6.id}/void`)
      .set(t.auth)
      .send({ reason: 'hồ sơ rút lại' });
    expect(voided.status).toBe(201);
    await callback(t, 5000, `${r7.reference}`); // 2.000 short

    t.clock.set('2026-11-23T08:00:00Z'); // 15:00 local: the clerk's cash goes to the bank
    const batch = await depositBatch(t, clerk);
    expect(batch.amount).toBe(9000);
    t.clock.set('2026-11-23T09:00:00Z');
    await callback(t, 9000, `${batch.code} NOP TIEN THU HO`);

    t.clock.set('2026-11-23T10:00:00Z');
    // A transfer at 12:00 local that no callback ever reported, found in the statement.
    await statementLine(t, 2000, `${r5.reference} VU THI GAM`, '2026-11-23T05:00:00Z');
    const refund = await request(t.app)
      .post(`/v1/credits/${over.creditId}/refund-due`)
      .set(treasurer.auth)
      .send({ reason: 'chuyển thừa, hoàn lại người nộp' });
    expect(refund.status).toBe(201);

    t.clock.set('2026-11-23T16:30:00Z'); // 23:30 local
    const res = await request(t.app).post('/v1/reconciliations').set(treasurer.auth).send({ date: DAY });
    expect(res.status).toBe(201);
    report = res.body;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts receipts opened, paid, partly paid and void', () => {
    expect(report.agencyId).toBe('demo');
    expect(report.date).toBe(DAY);
    expect(report.window).toEqual({ from: '2026-11-22T17:00:00.000Z', to: '2026-11-23T17:00:00.000Z' });
    expect(report.receipts).toEqual({
      opened: 7,
      exempt: 0,
      openedAmount: 39000,
      paid: 5,
      paidAmount: 30000,
      partiallyPaid: 1,
      void: 1,
      outstanding: 1,
      outstandingAmount: 2000,
      overdue: 0,
      overdueAmount: 0,
    });
  });

  it('accounts for every credit, and shows the one only the statement knew', () => {
    expect(report.credits).toEqual({
      received: { count: 5, amount: 38000 },
      matched: { count: 5, amount: 35000 },
      matchedToReceipts: { count: 4, amount: 26000 },
      matchedToDeposits: { count: 1, amount: 9000 },
      unmatched: { count: 0, amount: 0 },
      statementOnly: { count: 1, amount: 2000 },
      refundDue: { count: 1, amount: 3000 },
    });
    expect(report.overpayments).toEqual({ count: 1, amount: 3000 });
    expect(report.underpayments).toEqual({ count: 1, amount: 2000 });
  });

  it('follows the cash from the counter to the bank', () => {
    expect(report.cash.collected).toEqual({ count: 2, amount: 9000 });
    expect(report.cash.deposited).toEqual({ count: 2, amount: 9000 });
    expect(report.cash.inCustody).toEqual({ count: 0, amount: 0 });
    expect(report.cash.awaitingBank).toEqual({ count: 0, amount: 0 });
    expect(report.cash.shortDeposits).toEqual([]);
    expect(report.cash.overdueCustody).toEqual([]);
  });

  it('splits the money by method and by local hour', () => {
    expect(report.byMethod).toEqual({ bank_transfer: 26000, cash: 9000 });
    const hours = Object.fromEntries(
      report.byHour
        .filter((h: { bank_transfer: number; cash: number }) => h.bank_transfer || h.cash)
        .map((h: { hour: number; bank_transfer: number; cash: number }) => [
          h.hour,
          [h.bank_transfer, h.cash],
        ]),
    );
    expect(hours).toEqual({ 10: [19000, 0], 11: [0, 9000], 12: [2000, 0], 13: [5000, 0] });
    expect(report.byHour).toHaveLength(24);
  });

  it('balances, every check passing with its figures shown', () => {
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(report.balanced).toBe(true);
    const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName.credits_accounted).toMatchObject({ expected: 38000, actual: 38000 });
    expect(byName.paid_receipts_funded).toMatchObject({ expected: 30000, actual: 30000 });
    expect(byName.receipt_numbers_contiguous).toMatchObject({ expected: 5, actual: 5 });
    expect(byName.cash_accounted).toMatchObject({ expected: 9000, actual: 9000 });
    // Things to look at that leave the money accounted for.
    expect(report.flags.map((f: { name: string }) => f.name).sort()).toEqual([
      'refund_due',
      'statement_only_credits',
      'underpayments',
    ]);
  });

  it('answers the latest run on GET, and keeps a rerun as a new run', async () => {
    const got = await request(t.app).get(`/v1/reconciliations/${DAY}`).set(treasurer.auth);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(report);
    t.clock.set('2026-11-23T16:45:00Z');
    const rerun = await request(t.app).post('/v1/reconciliations').set(t.auth).send({ date: DAY });
    expect(rerun.status).toBe(201);
    expect(rerun.body.run.id).not.toBe(report.run.id);
    const latest = await request(t.app).get(`/v1/reconciliations/${DAY}`).set(treasurer.auth);
    expect(latest.body.run.id).toBe(rerun.body.run.id);
    const runs = await t.database.db('reconciliation_runs').where({ agency_id: 'demo', date: DAY });
    expect(runs).toHaveLength(2);
    const list = await request(t.app).get('/v1/reconciliations').set(treasurer.auth);
    expect(list.body.items).toEqual([
      {
        id: rerun.body.run.id,
        date: DAY,
        generatedAt: '2026-11-23T16:45:00.000Z',
        actor: expect.any(String),
        balanced: true,
      },
    ]);
    // Runs are records: never edited.
    await expect(t.database.db('reconciliation_runs').update({ balanced: false })).rejects.toThrow(
      /append-only/,
    );
  });

  it('exports CSV that parses back to the same totals', async () => {
    const res = await request(t.app).get(`/v1/reconciliations/${DAY}?format=csv`).set(treasurer.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(`doi-soat-demo-${DAY}.csv`);
    const records = parseCsv(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual([
      'Mục',
      'Chỉ tiêu',
      'Mã',
      'Số lượng',
      'Số tiền (đồng)',
      'Ghi chú',
    ]);
    const byCode = (code: string) => records.find((r) => r.Mã === code)!;
    expect(byCode('balanced')['Ghi chú']).toBe('Có');
    expect(Number(byCode('credits.received')['Số tiền (đồng)'])).toBe(38000);
    expect(Number(byCode('credits.received')['Số lượng'])).toBe(5);
    expect(Number(byCode('credits.statementOnly')['Số tiền (đồng)'])).toBe(2000);
    expect(Number(byCode('cash.collected')['Số tiền (đồng)'])).toBe(9000);
    expect(Number(byCode('byMethod.bank_transfer')['Số tiền (đồng)'])).toBe(26000);
    expect(Number(byCode('receipts.paid')['Số tiền (đồng)'])).toBe(30000);
    expect(records.filter((r) => r.Mã?.startsWith('check.'))).toHaveLength(report.checks.length);
  });

  it('exports XLSX that reads back with exceljs to the same totals and the day’s ledger', async () => {
    const res = await request(t.app)
      .get(`/v1/reconciliations/${DAY}?format=xlsx`)
      .set(treasurer.auth)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const bytes = res.body as Buffer;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Kiểm tra', 'Theo giờ', 'Sổ thu']);
    const summary = workbook.getWorksheet('Tổng hợp')!;
    expect(summary.getRow(1).values).toEqual([
      undefined,
      'Mục',
      'Chỉ tiêu',
      'Mã',
      'Số lượng',
      'Số tiền (đồng)',
      'Ghi chú',
    ]);
    const amounts = new Map<string, unknown>();
    summary.eachRow((row, n) => {
      if (n > 1) amounts.set(String(row.getCell(3).value), row.getCell(5).value);
    });
    expect(amounts.get('credits.received')).toBe(38000);
    expect(amounts.get('credits.matched')).toBe(35000);
    expect(amounts.get('cash.deposited')).toBe(9000);
    expect(amounts.get('receipts.paid')).toBe(30000);
    const ledger = workbook.getWorksheet('Sổ thu')!;
    // Header, five numbered receipts, the total row.
    expect(ledger.rowCount).toBe(7);
    expect(ledger.getRow(7).getCell(9).value).toBe(30000);
    const checks = workbook.getWorksheet('Kiểm tra')!;
    expect(checks.rowCount).toBe(report.checks.length + 1);
  });

  it('prints the fee ledger of the day with its totals', async () => {
    const res = await request(t.app).get(`/v1/reconciliations/${DAY}/ledger`).set(treasurer.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('SỔ THEO DÕI THU PHÍ, LỆ PHÍ');
    expect(res.text).toContain('Ngày 23/11/2026');
    expect(res.text).toContain('Cộng (5 biên lai)');
    expect(res.text).toContain('30.000');
    expect(res.text).toContain('Ba mươi nghìn đồng');
    // Self-contained: no script, no external resource.
    expect(res.text).not.toMatch(/<script|<link|src=|https?:\/\//i);
    const json = await request(t.app)
      .get(`/v1/reconciliations/${DAY}/ledger?format=json`)
      .set(treasurer.auth);
    expect(json.body.totals).toMatchObject({ count: 5, amount: 30000, bankTransfer: 21000, cash: 9000 });
    expect(json.body.entries.map((e: { number: number }) => e.number)).toEqual([1, 2, 3, 4, 5]);
    expect(json.body.entries.map((e: { method: string }) => e.method)).toEqual([
      'bank_transfer',
      'bank_transfer',
      'cash',
      'cash',
      'bank_transfer',
    ]);
  });

  it('lets only a treasurer or an admin see or run it', async () => {
    for (const key of [clerk, integration]) {
      const get = await request(t.app).get(`/v1/reconciliations/${DAY}`).set(key.auth);
      expect(get.status).toBe(403);
      expect(get.headers['content-type']).toMatch(/problem\+json/);
      expect(
        (await request(t.app).post('/v1/reconciliations').set(key.auth).send({ date: DAY })).status,
      ).toBe(403);
      expect((await request(t.app).get(`/v1/reconciliations/${DAY}/ledger`).set(key.auth)).status).toBe(403);
    }
    expect((await request(t.app).get(`/v1/reconciliations/${DAY}`)).status).toBe(401);
    expect((await request(t.app).get(`/v1/reconciliations/${DAY}`).set(t.auth)).status).toBe(200);
  });

  it('shows each agency only its own day', async () => {
    const db = t.database.db;
    await db('agencies').insert({
      id: 'xa-khac',
      name: 'UBND xã Khác',
      receipt_series: 'BLXK-26',
      created_at: t.clock.now(),
    });
    const otherKey = 'tp_recon_test_other_agency_treasurer';
    await db('api_keys').insert({
      id: randomUUID(),
      agency_id: 'xa-khac',
      key_hash: hashApiKey(otherKey),
      role: 'treasurer',
      created_at: t.clock.now(),
    });
    const other = { Authorization: `Bearer ${otherKey}` };
    // Demo's run exists, but not for this agency.
    const before = await request(t.app).get(`/v1/reconciliations/${DAY}`).set(other);
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('not_reconciled');
    const run = await request(t.app).post('/v1/reconciliations').set(other).send({ date: DAY });
    expect(run.status).toBe(201);
    expect(run.body.agencyId).toBe('xa-khac');
    expect(run.body.receipts.opened).toBe(0);
    expect(run.body.credits.received).toEqual({ count: 0, amount: 0 });
    expect(run.body.cash.collected).toEqual({ count: 0, amount: 0 });
    expect(run.body.balanced).toBe(true);
    const ledger = await request(t.app).get(`/v1/reconciliations/${DAY}/ledger?format=json`).set(other);
    expect(ledger.body.entries).toEqual([]);
    const demo = await request(t.app).get(`/v1/reconciliations/${DAY}`).set(treasurer.auth);
    expect(demo.body.agencyId).toBe('demo');
    expect(demo.body.receipts.opened).toBe(7);
  });

  it('refuses bad dates and says when a day was never run, changing nothing', async () => {
    const before = await t.database.db('reconciliation_runs').count({ n: '*' }).first();
    const never = await request(t.app).get('/v1/reconciliations/2026-11-20').set(treasurer.auth);
    expect(never.status).toBe(404);
    expect(never.body.code).toBe('not_reconciled');
    expect(never.body.message.vi).toMatch(/chưa được đối soát/);
    for (const date of ['2026-02-30', '23/11/2026', '']) {
      const res = await request(t.app).post('/v1/reconciliations').set(treasurer.auth).send({ date });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('date');
    }
    const future = await request(t.app)
      .post('/v1/reconciliations')
      .set(treasurer.auth)
      .send({ date: '2026-11-25' });
    expect(future.status).toBe(400);
    const extra = await request(t.app)
      .post('/v1/reconciliations')
      .set(treasurer.auth)
      .send({ date: DAY, balanced: true });
    expect(extra.status).toBe(400);
    expect((await request(t.app).get('/v1/reconciliations/2026-13-01').set(treasurer.auth)).status).toBe(400);
    expect(
      (await request(t.app).get(`/v1/reconciliations/${DAY}?format=pdf`).set(treasurer.auth)).status,
    ).toBe(400);
    expect(
      (await request(t.app).get(`/v1/reconciliations/${DAY}/ledger?to=2026-11-01`).set(treasurer.auth))
        .status,
    ).toBe(400);
    const after = await t.database.db('reconciliation_runs').count({ n: '*' }).first();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });
});
