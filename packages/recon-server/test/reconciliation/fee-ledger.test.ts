/**
 * The fee ledger page (sổ theo dõi thu phí, lệ phí): phí and lệ phí kept apart, totals per fee, a
 * period of several days, and every value from the database escaped — a payer named `<script>` prints
 * as text and runs nothing.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/shared/html.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addKey, callback, type Key, payCash } from './support.js';

const EVIL = '<script>alert("x")</script> & \'Bà\'';

describe('the fee ledger page', () => {
  let t: TestApp;
  let treasurer: Key;

  async function open(payer: string, dossierCode: string, items: unknown[]) {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({ dossierCode, payer: { name: payer }, fee: { items } });
    expect(res.status).toBe(201);
    return res.body as { id: string; amount: number; reference: string };
  }

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-23T02:00:00Z' });
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    const clerk = await addKey(t, 'clerk', 'clerk');
    // A late birth registration (lệ phí, set by the province) with a certified copy (phí) in one receipt.
    const mixed = await open(EVIL, `HS-<b>${randomUUID().slice(0, 4)}</b>`, [
      { procedure: 'dang-ky-khai-sinh-qua-han' },
      { procedure: 'chung-thuc-ban-sao', quantities: { pages: 1, copies: 1 } },
    ]);
    await callback(t, mixed.amount, mixed.reference);
    // The next day, a copy paid in cash.
    t.clock.set('2026-11-24T03:00:00Z');
    const copy = await open('Nguyễn Văn An', 'HS-0002', [
      { procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } },
    ]);
    await payCash(t, clerk, copy.id, copy.amount);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('escapes a payer named <script> and a dossier code with markup', async () => {
    const res = await request(t.app).get('/v1/reconciliations/2026-11-23/ledger').set(treasurer.auth);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>');
    expect(res.text).not.toContain('<b>');
    expect(res.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Bà&#39;');
    expect(res.text).toContain('HS-&lt;b&gt;');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('keeps phí and lệ phí apart, with totals per fee and per method, over a period', async () => {
    const res = await request(t.app)
      .get('/v1/reconciliations/2026-11-23/ledger?to=2026-11-24&format=json')
      .set(treasurer.auth);
    expect(res.status).toBe(200);
    const { entries, totals } = res.body;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      seq: 1,
      date: '2026-11-23',
      payerName: EVIL,
      fee: 2000,
      charge: 8000,
      amount: 10000,
      method: 'bank_transfer',
      note: null,
    });
    expect(entries[0].content).toContain('Lệ phí đăng ký khai sinh quá hạn');
    expect(entries[1]).toMatchObject({ seq: 2, date: '2026-11-24', fee: 7000, charge: 0, method: 'cash' });
    expect(entries.map((e: { number: number }) => e.number)).toEqual([1, 2]);
    expect(totals).toMatchObject({
      count: 2,
      fee: 9000,
      charge: 8000,
      amount: 17000,
      bankTransfer: 10000,
      cash: 7000,
    });
    expect(totals.byFee).toEqual([
      { name: 'Lệ phí đăng ký khai sinh quá hạn', kind: 'le-phi', count: 1, amount: 8000 },
      expect.objectContaining({ kind: 'phi', count: 2, amount: 9000 }),
    ]);
    const page = await request(t.app)
      .get('/v1/reconciliations/2026-11-23/ledger?to=2026-11-24')
      .set(treasurer.auth);
    expect(page.text).toContain('Từ ngày 23/11/2026 đến ngày 24/11/2026');
    expect(page.text).toContain('Cộng (2 biên lai)');
    expect(page.text).toContain('Mười bảy nghìn đồng');
  });

  it('prints an empty day as an empty book, not an error', async () => {
    const res = await request(t.app).get('/v1/reconciliations/2026-11-20/ledger').set(treasurer.auth);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Không có khoản thu nào trong kỳ.');
    expect(res.text).toContain('Cộng (0 biên lai)');
  });
});
