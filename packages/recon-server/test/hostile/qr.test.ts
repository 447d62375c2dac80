/**
 * QR payloads and hostile input. The server never accepts a QR payload from a client: it only
 * encodes one for each receipt (decoding is the `thuphi qr decode` CLI and @thuphi/qr, whose
 * decoder is fuzzed with malformed payloads in packages/qr/test/fuzz.test.ts and decode.test.ts).
 * What hostile input can reach is the payload the server builds: the dossier code goes into the
 * memo (62.08). Whatever it holds, the payload stays a valid VietQR whose memo is bank-safe ASCII
 * with the payment reference first and intact.
 */
import { decode } from '@thuphi/qr';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, openReceipt, type TestApp } from './support.js';

const HOSTILE_DOSSIER_CODES = [
  '<script>alert(1)</script>',
  "HS'; DROP TABLE receipts; --",
  'Hồ sơ đất đai – Đợt 2 💸🇻🇳',
  'HS\u202eexe.gnp',
  'HS\u200b\u2060-\ufeff1',
  '6304FFFF',
  '000201010212',
  `${'9'.repeat(60)}6304`,
  '💸'.repeat(32),
];

describe('QR payloads under hostile input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('no API operation takes a QR payload as input (so there is no decode endpoint to attack)', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const inputs = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => JSON.stringify(op.requestBody ?? {}).match(/payload|qr/i))
        .map(([method]) => `${method} ${path}`),
    );
    expect(inputs).toEqual([]);
    expect(Object.keys(doc.paths).filter((p) => /qr|decode/i.test(p))).toEqual([]);
    const res = await request(t.app).post('/v1/qr/decode').set(t.auth).send({ payload: '000201' });
    expect(res.status).toBe(404);
  });

  for (const dossierCode of HOSTILE_DOSSIER_CODES) {
    it(`a receipt for dossier ${JSON.stringify(dossierCode)} gets a valid, bank-safe VietQR`, async () => {
      const receipt = await openReceipt(t, { dossierCode });
      expect(receipt.qr).not.toBeNull();
      const payload = receipt.qr!.payload;
      // Printable ASCII only: nothing of the dossier code survives that a bank app could misread.
      expect(payload).toMatch(/^[\x20-\x7e]+$/);
      const decoded = decode(payload);
      expect(decoded.ok, JSON.stringify(decoded.errors)).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.errors).toEqual([]);
      expect(decoded.value).toMatchObject({ bin: '970436', account: '1023456789', amount: receipt.amount });
      const memo = decoded.value.purpose ?? '';
      expect(memo.startsWith(receipt.reference)).toBe(true);
      expect(memo).toMatch(/^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/);
      expect(memo.length).toBeLessThanOrEqual(25);
      // A dossier code shaped like EMVCo tags cannot add or end fields: exactly one CRC, at the end.
      expect(payload.match(/6304[0-9A-F]{4}$/)).not.toBeNull();
      // The SVG is modules only: no text from the receipt.
      expect(receipt.qr!.svg).not.toMatch(/<script|<text|alert/);
    });
  }
});
