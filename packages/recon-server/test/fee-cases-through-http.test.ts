/**
 * Every worked case of fee-core's fee-cases fixture (a copy of the reference file), opened as a receipt over HTTP: the receipt amount is
 * the case's expected total, and a 0 đ case opens an exempt receipt that records why and takes no money.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.js';

interface FeeCase {
  id: string;
  title: string;
  request: Record<string, unknown>;
  expected: { total: number };
}

const casesFile = new URL('../../fee-core/test/fixtures/fee-cases.json', import.meta.url);
const cases: FeeCase[] = JSON.parse(readFileSync(casesFile, 'utf8')).cases;

describe('fee cases through POST /v1/receipts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (id, c) => {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({ dossierCode: `CASE-${id}`, payer: { name: c.title }, fee: c.request });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.amount).toBe(c.expected.total);
    expect(res.body.amount).toBe(
      res.body.lines.reduce((sum: number, l: { amount: number }) => sum + l.amount, 0),
    );
    if (c.expected.total === 0) {
      expect(res.body.status).toBe('exempt');
      expect(res.body.qr).toBeNull();
      // The exemption and its legal basis are on the receipt.
      const adjustments = res.body.lines.flatMap((l: { adjustments: unknown[] }) => l.adjustments);
      const bases = [...adjustments, ...res.body.lines].map(
        (x: { basis?: { document?: string } }) => x.basis?.document,
      );
      expect(bases.some(Boolean)).toBe(true);
    } else {
      expect(res.body.status).toBe('open');
      expect(res.body.qr.payload).toMatch(/^000201/);
    }
  });
});
