/** The treasury page in real Chromium: log in with a key, resolve the exception queue by hand. */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_API_KEY, type TestApp } from '../support/app.js';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { postGenericCallback } from '../support/callbacks.js';
import { testEngine } from '../support/db.js';
import { type Listening, listen } from '../support/listen.js';

const auth = { Authorization: `Bearer ${TEST_API_KEY}` };

describe('treasury page in Chromium', () => {
  let t: TestApp;
  let server: Listening;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const offSite: string[] = [];
  let receiptId: string;
  let unmatchedId: string;
  let strangerId: string;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: auth });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  const openReceipt = async (dossierCode: string, payer: string) => {
    const res = await fetch(`${server.url}/v1/receipts`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        dossierCode,
        payer: { name: payer },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; reference: string };
  };

  beforeAll(async () => {
    t = await createTestApp();
    server = await listen(t.app);
    const opened = await fetch(`${server.url}/v1/receipts`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        dossierCode: 'H23.25-261123-0401',
        payer: { name: 'Trần Thị Bình' },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      }),
    });
    expect(opened.status).toBe(201);
    receiptId = ((await opened.json()) as { id: string }).id;
    // A payment the ladder matches by itself, earlier in the morning.
    const paidByBank = await openReceipt('H23.25-261123-0402', 'Võ Văn Cường');
    const matched = await postGenericCallback(server.url, {
      transactionId: 'FT26327TREAS0000',
      accountNumber: '1023456789',
      amount: 7000,
      memo: `${paidByBank.reference} VO VAN CUONG`,
      bookedAt: '2026-11-23T08:15:00+07:00',
    });
    expect(matched.credits[0]!.match.matched).toBe(true);
    // The citizen forgot the reference: the ladder cannot match it, a person must.
    const unmatched = await postGenericCallback(server.url, {
      transactionId: 'FT26327TREAS0001',
      accountNumber: '1023456789',
      amount: 7000,
      memo: 'CHUYEN TIEN LE PHI TRAN THI BINH',
      bookedAt: '2026-11-23T09:00:00+07:00',
    });
    expect(unmatched.credits[0]!.match.matched).toBe(false);
    unmatchedId = unmatched.credits[0]!.creditId;
    // Money nobody owes us, with a memo that tries to be markup.
    const stranger = await postGenericCallback(server.url, {
      transactionId: 'FT26327TREAS0002',
      accountNumber: '1023456789',
      amount: 12_345,
      memo: '<img src=x onerror="window.__pwned=1">CK NHAM',
      bookedAt: '2026-11-23T09:10:00+07:00',
    });
    strangerId = stranger.credits[0]!.creditId;
    // Cash at the counter at 10:30, still with the clerk at the end of the day.
    t.clock.set('2026-11-23T03:30:00Z');
    const paidInCash = await openReceipt('H23.25-261123-0403', 'Đinh Văn Dũng');
    const cash = await fetch(`${server.url}/v1/receipts/${paidInCash.id}/cash-payments`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        amount: 7000,
        payer: { name: 'Đinh Văn Dũng' },
        idDocument: { type: 'cccd', number: '001099012345' },
        clerkName: 'Nguyễn Thị Hoa',
      }),
    });
    expect(cash.status, await cash.clone().text()).toBe(201);
    t.clock.set('2026-11-23T10:00:00Z');

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    page.on('console', (m) => {
      // Failed responses are checked below, with their URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      // Before the day is reconciled its report answers 404 by design; the page says so in words.
      const expected = r.status() === 404 && r.url() === `${server.url}/v1/reconciliations/2026-11-23`;
      if (r.status() >= 400 && !expected) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) offSite.push(r.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('logs in with the API key and lists the exceptions, as text', async () => {
    await page.goto(`${server.url}/treasury`);
    await page.getByLabel('Khoá API của đơn vị').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('UBND xã An Bình (đơn vị mẫu)').waitFor();
    await page.getByText('CHUYEN TIEN LE PHI TRAN THI BINH').waitFor();
    await page.getByText('<img src=x onerror="window.__pwned=1">CK NHAM').waitFor();
    await expect(page.locator('#exceptions-count').textContent()).resolves.toBe('2');
    await page.locator('#custody').getByText('Nguyễn Thị Hoa').waitFor();
    await expect(page.locator('#custody tbody').textContent()).resolves.toContain('7.000 ₫');
    // Every panel ends in data or a Vietnamese sentence, never a blank or a crash.
    for (const panel of ['#report', '#charts', '#custody']) {
      await page.locator(`${panel} > *`).first().waitFor();
      await expect(page.locator(panel).textContent()).resolves.not.toMatch(/^\s*$|Đang tải/);
    }
    expect(await page.evaluate("sessionStorage.getItem('thuphi.treasury.apiKey')")).toBe(TEST_API_KEY);
    await page.screenshot({ path: screenshotPath(`treasury-queue-${testEngine}`), fullPage: true });
  });

  it('matches the unmatched credit to the suggested receipt, with a reason', async () => {
    const row = page.locator(`tr[data-credit="${unmatchedId}"]`);
    await row.getByRole('button', { name: 'Khớp với phiếu thu' }).click();
    const form = page.getByRole('form', { name: 'Khớp giao dịch với phiếu thu' });
    await expect(form.locator('input[type=radio]').first().isChecked()).resolves.toBe(true);
    await expect(form.getByText('Trần Thị Bình', { exact: false }).isVisible()).resolves.toBe(true);
    await form.getByLabel('Lý do').fill('Người nộp quên ghi mã thanh toán; đã gọi điện xác nhận');
    await page.screenshot({ path: screenshotPath(`treasury-match-form-${testEngine}`), fullPage: true });
    await form.getByRole('button', { name: 'Xác nhận khớp' }).click();
    await page.getByText('Đã khớp giao dịch 7.000 ₫ với phiếu thu.').waitFor();
    await row.waitFor({ state: 'detached' });

    const credit = await api<{ state: string; receiptId: string; allocated: number }>(
      `/v1/credits/${unmatchedId}`,
    );
    expect(credit).toMatchObject({ state: 'matched', receiptId, allocated: 7000 });
    const receipt = await api<{ status: string; payments: { creditId: string }[] }>(
      `/v1/receipts/${receiptId}`,
    );
    expect(receipt.status).toBe('paid');
    expect(receipt.payments.map((p) => p.creditId)).toEqual([unmatchedId]);
    const allocation = await t.database.db('allocations').where({ credit_id: unmatchedId }).first();
    expect(allocation).toMatchObject({ receipt_id: receiptId, method: 'manual' });
  });

  it('marks the stranger’s money as due for refund', async () => {
    const row = page.locator(`tr[data-credit="${strangerId}"]`);
    await row.getByRole('button', { name: 'Chờ hoàn trả' }).click();
    const form = page.getByRole('form', { name: 'Đánh dấu chờ hoàn trả' });
    await form.getByLabel('Lý do').fill('Chuyển nhầm, không có hồ sơ tương ứng');
    await form.getByRole('button', { name: 'Xác nhận chờ hoàn trả' }).click();
    await page.getByText('Không có giao dịch nào cần xử lý.').waitFor();
    await expect(page.locator('#exceptions-count').textContent()).resolves.toBe('0');
    const credit = await api<{ state: string; refundDue: number }>(`/v1/credits/${strangerId}`);
    expect(credit).toMatchObject({ state: 'refund_due', refundDue: 12_345 });
    await page.screenshot({ path: screenshotPath(`treasury-resolved-${testEngine}`), fullPage: true });

    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(problems).toEqual([]);
    expect(offSite).toEqual([]);
  });

  it('runs the day’s reconciliation, draws it, and exports it as CSV and XLSX', async () => {
    await page.getByRole('button', { name: 'Lập đối soát' }).click();
    await page.locator('#badge').waitFor();
    await expect(page.locator('#badge').textContent()).resolves.toMatch(/^(CÂN ĐỐI|CHƯA CÂN ĐỐI)$/);
    await page.getByText('Đã lập đối soát ngày 23/11/2026.').waitFor();
    // Bank 14.000 ₫ (one matched by the ladder, one by hand), cash 7.000 ₫.
    await expect(page.locator('.tile.bank .tv').textContent()).resolves.toBe('14.000 ₫');
    await expect(page.locator('.tile.cash .tv').textContent()).resolves.toBe('7.000 ₫');
    await expect(page.locator('#charts svg rect').count()).resolves.toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: screenshotPath(`treasury-report-${testEngine}`), fullPage: true });

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe('doi-soat-demo-2026-11-23.csv');
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.length).toBeGreaterThan(20);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải Excel (XLSX)' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('doi-soat-demo-2026-11-23.xlsx');
    // An XLSX file is a ZIP archive.
    expect(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    expect(problems).toEqual([]);
  });
});
