/**
 * Every HTML page escapes what it shows. A payer named `<script>alert(1)</script>`, dossier codes,
 * clerk and agency names, account names and bank references that try to break out of text or an
 * attribute: on the counter display, the printable receipt (A5 and 80 mm), the fee ledger and the
 * treasury shell, the raw markup never appears and the escaped form does.
 */
import { administrativeUnit } from '@thuphi/fee-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgency } from '../../src/agencies/onboarding.js';
import {
  addKey,
  copyFee,
  createTestApp,
  genericCredit,
  type Key,
  postCallback,
  sign,
  TEST_CALLBACK_SECRET,
  type TestApp,
} from './support.js';

const PAYER = '<script>alert(1)</script>';
const DOSSIER = '"><img src=x onerror=alert(2)>';
const CASH_PAYER = "<svg onload=alert(3)> Lò Văn 'Sáng'";
const CLERK = '<iframe src=javascript:alert(4)>';
const BANK_REF = '<b>FT26327</b>&"x"';
const AGENCY = '<script>alert(5)</script> UBND xã "Hoà" & Bình';
const ACCOUNT_NAME = '</text><script>alert(6)</script>';

/** What escapeHtml makes of a string (the same five characters every page escapes). */
const escaped = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** The markup each hostile string would inject if it were not escaped. */
const RAW_MARKUP = [
  '<script>alert(',
  '<img src=x',
  '<svg onload',
  '<iframe',
  '<b>FT26327</b>',
  '"><img',
  '</text><script>',
];

function expectNoRawMarkup(html: string) {
  for (const raw of RAW_MARKUP) expect(html, `raw "${raw}" in the page`).not.toContain(raw);
  // The only scripts are the page's own, nonce-marked ones.
  for (const m of html.matchAll(/<script\b[^>]*>/gi)) expect(m[0]).toMatch(/^<script nonce="[^"]+">$/);
}

describe('HTML pages escape what they show', () => {
  let t: TestApp;
  let clerk: Key;
  let treasurer: Key;
  let cashReceipt: { id: string; reference: string; amount: number };
  let bankReceipt: { id: string; reference: string; amount: number };
  let foreignReceipt: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    clerk = await addKey(t, 'clerk', 'clerk');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    const open = async (auth: { Authorization: string }) => {
      const res = await request(t.app)
        .post('/v1/receipts')
        .set(auth)
        .send({ dossierCode: DOSSIER, payer: { name: PAYER }, fee: copyFee() });
      expect(res.status).toBe(201);
      return res.body;
    };
    cashReceipt = await open(t.auth);
    bankReceipt = await open(t.auth);
    const paid = await request(t.app)
      .post(`/v1/receipts/${cashReceipt.id}/cash-payments`)
      .set(clerk.auth)
      .send({
        amount: cashReceipt.amount,
        payer: { name: CASH_PAYER },
        idDocument: { type: 'cccd', number: '001234567890' },
        clerkName: CLERK,
      });
    expect(paid.status).toBe(201);
    const credit = sign(
      t,
      'generic',
      genericCredit({
        amount: bankReceipt.amount,
        memo: `${bankReceipt.reference} ${PAYER}`,
        bankReference: BANK_REF,
      }),
      TEST_CALLBACK_SECRET,
    );
    const cb = await postCallback(t, '/v1/callbacks/generic', credit.rawBody, credit.headers);
    expect(cb.body.credits[0].match.matched).toBe(true);

    // An agency whose own name and account name are hostile (set by a platform operator).
    const other = await createAgency(
      t.database.db,
      {
        id: 'xa-hoa-binh',
        name: AGENCY,
        collectionAccount: { bankBin: '970436', accountNumber: '0099887766', accountName: ACCOUNT_NAME },
        unit: administrativeUnit({ province: 'lai-chau', commune: '03388' }),
      },
      t.clock.now(),
    );
    if (!other.ok) throw new Error(other.reason);
    foreignReceipt = await open({ Authorization: `Bearer ${other.key.apiKey}` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the counter display (open receipt, hostile payer and dossier code)', async () => {
    const res = await request(t.app).get(`/counter/${bankReceipt.id}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expectNoRawMarkup(html);
    expect(html).toContain(`<p class="value">${escaped(PAYER)}</p>`);
    expect(html).toContain(`<p class="value">${escaped(DOSSIER)}</p>`);
    expect(html).toContain(`<title>Thanh toán phí, lệ phí – ${escaped(DOSSIER)}</title>`);
  });

  it('the counter display of an agency with a hostile name and account name (HTML and the SVG card)', async () => {
    const res = await request(t.app).get(`/counter/${foreignReceipt.id}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expectNoRawMarkup(html);
    expect(html).toContain(`<span class="agency">${escaped(AGENCY)}</span>`);
    // The card is SVG text: the account name must not close the <text> element.
    expect(html).toContain('&lt;/text&gt;&lt;script&gt;alert(6)&lt;/script&gt;');
  });

  for (const layout of ['a5', '80mm'] as const) {
    it(`the printable receipt (${layout}) paid in cash: payer, cash payer, clerk, dossier code`, async () => {
      const res = await request(t.app)
        .get(`/v1/receipts/${cashReceipt.id}/print?layout=${layout}`)
        .set(t.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const html = res.text;
      expectNoRawMarkup(html);
      expect(html).not.toMatch(/<script\b/i);
      expect(html).toContain(`Họ tên người nộp: <strong>${escaped(PAYER)}</strong>`);
      expect(html).toContain(`Mã hồ sơ: ${escaped(DOSSIER)}`);
      expect(html).toContain(escaped(CASH_PAYER));
      expect(html).toContain(escaped(CLERK));
    });

    it(`the printable receipt (${layout}) paid by transfer: the bank reference`, async () => {
      const res = await request(t.app)
        .get(`/v1/receipts/${bankReceipt.id}/print?layout=${layout}`)
        .set(t.auth);
      expect(res.status).toBe(200);
      expectNoRawMarkup(res.text);
      expect(res.text).toContain(`mã giao dịch ngân hàng: ${escaped(BANK_REF)}`);
    });
  }

  it('the printable receipt of the agency with a hostile name', async () => {
    // Print it through the agency's own key, stored the way the server stores keys.
    const { hashApiKey } = await import('../../src/agencies/keys.js');
    await t.database.db('api_keys').insert({
      id: '00000000-0000-4000-8000-00000000a5a5',
      agency_id: 'xa-hoa-binh',
      key_hash: hashApiKey('tp_test_hoa_binh_print_key'),
      role: 'admin',
      created_at: t.clock.now(),
    });
    const res = await request(t.app)
      .get(`/v1/receipts/${foreignReceipt.id}/print`)
      .set('Authorization', 'Bearer tp_test_hoa_binh_print_key');
    expect(res.status).toBe(200);
    expectNoRawMarkup(res.text);
    expect(res.text).toContain(`<strong>${escaped(AGENCY)}</strong>`);
  });

  it('the fee ledger page of the day', async () => {
    const res = await request(t.app).get('/v1/reconciliations/2026-11-23/ledger').set(treasurer.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.text;
    expectNoRawMarkup(html);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).toContain(`<td>${escaped(DOSSIER)}</td><td>${escaped(PAYER)}</td>`);
    // Both paid receipts are on it, escaped.
    expect(html.split(escaped(PAYER)).length - 1).toBeGreaterThanOrEqual(2);
  });

  it('the treasury page is a shell that renders no stored text and builds nodes without HTML sinks', async () => {
    const res = await request(t.app).get('/treasury');
    expect(res.status).toBe(200);
    expectNoRawMarkup(res.text);
    expect(res.text).not.toContain(escaped(PAYER));
    expect(res.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    // What the page's script reads is JSON: the payer arrives as a string, never as markup.
    const exceptions = await request(t.app).get('/v1/exceptions').set(treasurer.auth);
    expect(exceptions.headers['content-type']).toMatch(/^application\/json/);
  });

  it('the counter 404 page does not echo the requested id', async () => {
    const res = await request(t.app).get(`/counter/${encodeURIComponent(PAYER)}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectNoRawMarkup(res.text);
    expect(res.text).not.toContain('alert(1)');
  });
});
