/** Runs the example against the real app listening on a local port, on a fresh database, and checks its report. */
// The server's ambient typing of a dependency without its own types; a program that reaches the
// server's source through the package (as this test does) needs it named.
/// <reference path="../../../packages/recon-server/src/statements/swift-parser.d.ts" />
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, seedDemoAgency, systemClock } from '@thuphi/recon-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../packages/recon-server/test/support/db.js';
import { type DailyTreasuryResult, runDailyTreasury } from '../src/daily-treasury.js';

const apiKey = 'tp_daily_treasury_key_0123456789';
const callbackSecret = 'whsec_daily_treasury_secret_0123';

describe('examples/daily-treasury against a running server', () => {
  let database: TestDatabase;
  let server: Server;
  let result: DailyTreasuryResult;
  const output: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoAgency(database.db, systemClock, { apiKey, callbackSecret });
    const app = createApp({ db: database.db, clock: systemClock });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s)).once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    result = await runDailyTreasury({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey,
      callbackSecret,
      log: (line) => output.push(line),
    });
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await database?.drop();
  });

  it('reports the day honestly: the missed callback, the mistyped memo and the short deposit', () => {
    const { first, receipts } = result;
    const amounts = Object.fromEntries(Object.entries(receipts).map(([k, r]) => [k, r.amount]));
    expect(amounts).toEqual({ A: 7000, B: 16000, C: 12000, D: 8000, E: 2000, F: 7000 });
    expect(first.balanced).toBe(false);
    expect(first.receipts).toMatchObject({
      opened: 6,
      paid: 5,
      paidAmount: 45000,
      partiallyPaid: 0,
      void: 0,
    });
    // A, B, E (from the statement), F (unmatched) and the deposit of C + D less 2.000.
    expect(first.credits.received).toEqual({ count: 5, amount: 7000 + 16000 + 2000 + 7000 + 18000 });
    expect(first.credits.statementOnly).toEqual({ count: 1, amount: 2000 });
    expect(first.credits.unmatched).toEqual({ count: 1, amount: 7000 });
    expect(first.credits.matchedToDeposits).toEqual({ count: 1, amount: 18000 });
    expect(first.cash).toMatchObject({
      collected: { count: 2, amount: 20000 },
      deposited: { count: 2, amount: 20000 },
      inCustody: { count: 0, amount: 0 },
    });
    expect(first.cash.shortDeposits).toEqual([
      expect.objectContaining({ expected: 20000, received: 18000, missing: 2000 }),
    ]);
    expect(first.byMethod).toEqual({ bank_transfer: 25000, cash: 20000 });
    const failed = first.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);
    expect(failed.sort()).toEqual(['credits_attributed', 'deposits_complete']);
  });

  it('after the manual match only the short deposit is left, and the ledger lists six receipts', () => {
    const { second, ledgerHtml } = result;
    expect(second.credits.unmatched).toEqual({ count: 0, amount: 0 });
    expect(second.receipts.paid).toBe(6);
    expect(second.balanced).toBe(false);
    expect(second.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name)).toEqual([
      'deposits_complete',
    ]);
    expect(ledgerHtml).toContain('SỔ THEO DÕI THU PHÍ, LỆ PHÍ');
    expect(ledgerHtml).toContain('Cộng (6 biên lai)');
    const text = output.join('\n');
    expect(text).toContain('Chỉ có trong sao kê (kênh thông báo bỏ sót): 1 khoản 2.000 đ');
    expect(text).toContain('[KHÔNG ĐẠT] Nộp tiền mặt đủ số: kỳ vọng 0 đ, thực tế 2.000 đ');
  });
});
