/**
 * /openapi.json: a valid OpenAPI 3.1 document whose request schemas are the ones the API validates
 * with — a body the document rejects, the API rejects, and the document's own examples pass both.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openReceiptBody } from '../src/http/routes/receipts.js';
import { createTestApp, type TestApp } from './support/app.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>>;
};

describe('OpenAPI 3.1 at /openapi.json', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await createTestApp();
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // SwaggerParser.validate checks against the official 3.1 schema and resolves every $ref.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('describes the request body with the very schema that validates it', () => {
    const documented = doc.paths['/v1/receipts']?.post?.requestBody?.content['application/json']?.schema;
    const generated = z.toJSONSchema(openReceiptBody, { target: 'draft-2020-12', io: 'input' }) as Record<
      string,
      unknown
    >;
    delete generated.$schema;
    expect(documented).toEqual(generated);
  });

  it('accepts and rejects the same bodies as the API', async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(
      doc.paths['/v1/receipts']!.post!.requestBody!.content['application/json']!.schema,
    );
    const good = {
      dossierCode: 'HS-OA-1',
      payer: { name: 'Trần Văn Bình' },
      fee: {
        date: '2026-11-23',
        items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1, copies: 1 } }],
      },
    };
    const bad = [
      { ...good, unknownField: 1 },
      { ...good, payer: {} },
      { ...good, fee: { items: [] } },
      { ...good, dossierCode: 42 },
    ];
    expect(validate(good)).toBe(true);
    expect((await request(t.app).post('/v1/receipts').set(t.auth).send(good)).status).toBe(201);
    for (const body of bad) {
      expect(validate(body)).toBe(false);
      expect((await request(t.app).post('/v1/receipts').set(t.auth).send(body)).status).toBe(400);
    }
  });

  it('documents only routes that exist, each with a summary and responses', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Record<string, unknown> })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const { path, method, op } of operations) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(Object.keys(op.responses as object).length, `${method} ${path}`).toBeGreaterThan(0);
      const concrete = path
        .replace('{agencyId}', 'demo')
        .replace('{provider}', 'generic')
        .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await request(t.app)
        [method as 'get' | 'post' | 'put'](concrete)
        .set(t.auth)
        .set('Content-Type', 'application/json')
        .send(method === 'get' ? undefined : '{}');
      // The catch-all 404 names the unknown route; a route that exists answers anything else.
      const unknownRoute = res.status === 404 && res.body?.detail === `${method.toUpperCase()} ${concrete}`;
      expect(unknownRoute, `${method.toUpperCase()} ${path} is documented but not routed`).toBe(false);
    }
  });
});
