/** The counter display in real Chromium: shown, then turned green by a bank callback posted by the test. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_API_KEY, type TestApp } from '../support/app.js';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { postGenericCallback } from '../support/callbacks.js';
import { testEngine } from '../support/db.js';
import { type Listening, listen } from '../support/listen.js';

describe('counter display in Chromium', () => {
  let t: TestApp;
  let server: Listening;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const offSite: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    server = await listen(t.app);
    browser = await launchChromium();
    // A cheap 10-inch tablet in landscape.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
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

  it('turns to ĐÃ THANH TOÁN when the matching callback arrives', async () => {
    const opened = await fetch(`${server.url}/v1/receipts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        dossierCode: 'H23.25-261123-0301',
        payer: { name: '<script>window.__pwned = 1</script>Hoàng Thị Lan' },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      }),
    });
    expect(opened.status).toBe(201);
    const receipt = (await opened.json()) as { id: string; reference: string };

    await page.goto(`${server.url}/counter/${receipt.id}`);
    await page.getByText('CHỜ THANH TOÁN').waitFor();
    await expect(page.locator('#amount').textContent()).resolves.toBe('7.000 ₫');
    await expect(page.locator('.card > svg').isVisible()).resolves.toBe(true);
    await expect(
      page.getByText('<script>window.__pwned = 1</script>Hoàng Thị Lan').isVisible(),
    ).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath(`counter-open-${testEngine}`) });

    await postGenericCallback(server.url, {
      transactionId: 'FT26327BROWSER01',
      accountNumber: '1023456789',
      amount: 7000,
      memo: `${receipt.reference} H23.25-261123-0301 HOANG THI LAN`,
      bookedAt: '2026-11-23T09:00:00+07:00',
    });

    await page.locator('body[data-state="paid"]').waitFor({ timeout: 25_000 });
    await page.getByText('ĐÃ THANH TOÁN').waitFor();
    await expect(page.locator('#detail').textContent()).resolves.toMatch(/^Số biên lai: BLTP-26 \d{7}$/);
    // Nobody should be tempted to scan and pay a second time.
    await expect(page.locator('.card > svg').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: screenshotPath(`counter-paid-${testEngine}`) });

    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(problems).toEqual([]);
    expect(offSite).toEqual([]);
  });
});
