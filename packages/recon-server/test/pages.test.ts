/** The HTML pages as served: self-contained, small, escaped, locked down by Content-Security-Policy. */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.js';

/** Every src/href/url() in the page: a self-contained page has none pointing off the server. */
function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(
    /\b(?:src|href|action|poster|data)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]*)/gi,
  )) {
    found.push(m[1]!);
  }
  for (const m of html.matchAll(/url\(\s*["']?\s*((?:https?:)?\/\/[^)"']*)/gi)) found.push(m[1]!);
  for (const m of html.matchAll(/@import/gi)) found.push(m[0]);
  return found;
}

function scriptNonces(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => /nonce="([^"]+)"/.exec(m[1]!)?.[1] ?? '');
}

describe('the counter display page', () => {
  let t: TestApp;
  let receipt: { id: string; reference: string };
  beforeAll(async () => {
    t = await createTestApp();
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode: '<b>H23.25</b>-261123-0201',
        payer: { name: '<script>alert("x")</script> Phạm Văn Đức' },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    receipt = res.body;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the QR card, the amount in đồng and what the payment is for, in Vietnamese', async () => {
    const res = await request(t.app).get(`/counter/${receipt.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const html = res.text;
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('CHỜ THANH TOÁN');
    expect(html).toContain('7.000 ₫');
    for (const label of [
      'Số tiền',
      'Chủ tài khoản',
      'UBND XA AN BINH',
      'Ngân hàng',
      'Nội dung',
      'Mã hồ sơ',
    ]) {
      expect(html).toContain(label);
    }
    expect(html).toContain(receipt.reference);
    expect(html).toMatch(/<svg[\s\S]*<\/svg>/);
    expect(html).toContain(`data-events="/counter/${receipt.id}/events"`);
  });

  it('renders what a payer or clerk typed as text, never as markup', async () => {
    const html = (await request(t.app).get(`/counter/${receipt.id}`)).text;
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>H23.25</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Phạm Văn Đức');
    expect(html).toContain('&lt;b&gt;H23.25&lt;/b&gt;-261123-0201');
  });

  it('loads nothing from anywhere, runs only its own nonce-marked script, and stays under 100 KB', async () => {
    const res = await request(t.app).get(`/counter/${receipt.id}`);
    expect(externalReferences(res.text)).toEqual([]);
    expect(res.text).not.toMatch(/<link\b(?![^>]*href="data:)|<iframe\b|<img\b[^>]*\bsrc=/i);
    expect(Buffer.byteLength(res.text, 'utf8')).toBeLessThan(100 * 1024);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/default-src 'self'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(scriptNonces(res.text)).toEqual([nonce]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    // A fresh nonce per response.
    const again = await request(t.app).get(`/counter/${receipt.id}`);
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });

  it('answers an unknown or malformed receipt id with a Vietnamese 404 page', async () => {
    for (const id of [randomUUID(), 'khong-phai-uuid']) {
      const res = await request(t.app).get(`/counter/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Không tìm thấy phiếu thu');
    }
  });

  it('renders the state it is in when loaded: a voided receipt reads PHIẾU THU ĐÃ HUỶ', async () => {
    await request(t.app)
      .post(`/v1/receipts/${receipt.id}/void`)
      .set(t.auth)
      .send({ reason: 'mở nhầm phiếu' })
      .expect(201);
    const voided = (await request(t.app).get(`/counter/${receipt.id}`)).text;
    expect(voided).toContain('data-state="void"');
    expect(voided).toContain('PHIẾU THU ĐÃ HUỶ');
  });
});

describe('the treasury page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is one self-contained Vietnamese document asking for an API key', async () => {
    const res = await request(t.app).get('/treasury');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.text;
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Đối soát thu phí, lệ phí');
    expect(html).toContain('Khoá API');
    expect(html).toContain('data-today="2026-11-23"');
    expect(externalReferences(html)).toEqual([]);
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(100 * 1024);
    const csp = res.headers['content-security-policy'] as string;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(scriptNonces(html)).toEqual([nonce]);
    // The key lives in the tab only; the page builds nodes with textContent, never innerHTML.
    expect(html).toContain('sessionStorage');
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
