/**
 * The printed receipt: self-contained HTML for A5 and 80 mm printers with the fields of a fee
 * receipt, the amount in Vietnamese words, the method (cash with the clerk, or a transfer with its
 * bank reference), every value escaped; an unpaid receipt prints as a marked payment request.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { addKey, deliverCredit, type Key, openReceipt, payCash } from './support.js';

describe('printable receipts', () => {
  let t: TestApp;
  let clerk: Key;
  let integration: Key;
  beforeAll(async () => {
    t = await createTestApp();
    clerk = await addKey(t, 'clerk', 'printer');
    integration = await addKey(t, 'integration', 'oss');
    await t.database.db('agencies').where({ id: 'demo' }).update({ tax_code: '0101234567' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const print = (id: string, layout?: string, key: { Authorization: string } = t.auth) =>
    request(t.app)
      .get(`/v1/receipts/${id}/print${layout ? `?layout=${layout}` : ''}`)
      .set(key);

  it('prints a cash-paid receipt for both layouts, escaping a hostile payer name', async () => {
    const hostile = '<script>alert("x")</script> & Co';
    const r = await openReceipt(t, 5, hostile);
    const paid = await payCash(t, clerk, r.id, 7000, { payer: hostile, clerkName: 'Lê Thị <b>Dung</b>' });
    expect(paid.status).toBe(201);
    const number = paid.body.cashPayment.receiptNumber as string; // 'BLTP-26 0000001'

    for (const layout of ['a5', '80mm']) {
      const res = await print(r.id, layout, integration.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      const html = res.text;
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('<html lang="vi">');
      expect(html).toContain(`class="layout-${layout}"`);
      expect(html).toContain(layout === 'a5' ? 'size: A5' : 'size: 80mm');
      // The fields of a fee receipt (NĐ 254/2026 Điều 23, TT 91/2026).
      expect(html).toContain('BIÊN LAI THU THUẾ, PHÍ, LỆ PHÍ');
      expect(html).toContain('UBND xã An Bình (đơn vị mẫu)');
      expect(html).toContain('Mã số thuế: 0101234567');
      expect(html).toContain('EBL01');
      expect(html).toContain('Ký hiệu: BLTP-26');
      expect(html).toContain(`<strong>${number.split(' ')[1]}</strong>`);
      expect(html).toContain('Phí chứng thực bản sao từ bản chính');
      expect(html).toContain('7.000 ₫');
      expect(html).toContain('Số tiền bằng chữ: Bảy nghìn đồng');
      expect(html).toContain('Tiền mặt: 7.000 ₫ — người thu: Lê Thị &lt;b&gt;Dung&lt;/b&gt;');
      expect(html).toContain('Ngày 23 tháng 11 năm 2026');
      expect(html).toContain('Người thu tiền');
      expect(html).toContain('(Ký, ghi rõ họ tên)');
      expect(html).not.toContain('CHƯA THANH TOÁN');
      // The hostile name is text, never markup; nothing is loaded or run.
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain('<b>');
      expect(html).not.toMatch(/<link|src=|@import|url\(/i);
    }
    // A5 is the default layout.
    expect((await print(r.id)).text).toContain('class="layout-a5"');
  });

  it('prints a transfer with its bank reference, and an unpaid receipt as a marked request', async () => {
    const r = await openReceipt(t, 21, 'Phạm Văn Hùng'); // 2×2.000 + 19×1.000 = 23.000 đ
    const open = await print(r.id, '80mm');
    expect(open.status).toBe(200);
    expect(open.text).toContain('CHƯA THANH TOÁN — phiếu yêu cầu thanh toán, không phải biên lai');
    expect(open.text).not.toContain('BIÊN LAI THU THUẾ');
    expect(open.text).not.toContain('Người thu tiền');
    expect(open.text).toContain('Số: <strong>—</strong>');
    expect(open.text).toContain('Hai mươi ba nghìn đồng');
    expect(open.text).toMatch(/<svg[\s\S]*<\/svg>/); // its VietQR, to pay from the printout

    const credit = await deliverCredit(t, 23000, r.reference, { bankReference: 'FT26327123456' });
    expect(credit.body.credits[0].match).toMatchObject({ matched: true, receiptStatus: 'paid' });
    const paid = await print(r.id, 'a5');
    expect(paid.text).toContain('BIÊN LAI THU THUẾ, PHÍ, LỆ PHÍ');
    expect(paid.text).toContain('Chuyển khoản: 23.000 ₫ — mã giao dịch ngân hàng: FT26327123456');
    expect(paid.text).toContain('Số tiền bằng chữ: Hai mươi ba nghìn đồng');
    expect(paid.text).not.toContain('<svg');
  });

  it('answers problems for an unknown layout or receipt', async () => {
    const r = await openReceipt(t, 1);
    const bad = await print(r.id, 'pdf');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await print('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await request(t.app).get(`/v1/receipts/${r.id}/print`)).status).toBe(401);
  });
});
