/**
 * The access matrix, generated from the OpenAPI operation lists: every API-key operation is tried
 * with a key of every role (allowed roles must not get 403, the others must), and every operation
 * on an `{id}` is tried by agency A's admin on agency B's resources: 404, and no row of any table
 * changes. A new operation joins the matrix by being listed; one on a new kind of `{id}` fails here
 * until the test learns which of B's resources to aim it at.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Role, seedDemoAgency } from '../src/agencies/agencies.js';
import { ROLES } from '../src/agencies/api-keys.js';
import { createApp } from '../src/http/app.js';
import { allOperations } from '../src/http/openapi/all-operations.js';
import type { Operation } from '../src/http/openapi/operation.js';
import { fixedClock } from '../src/shared/clock.js';
import { TEST_API_KEY } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

const OPERATOR_KEY = 'op_matrix_operator_key_0123456789abcdef';
const B = 'xa-b';
const B_ACCOUNT = { bankBin: '970418', accountNumber: '2233445566', accountName: 'UBND XA B' };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const apiKeyOperations = allOperations.flat().filter((op) => op.security === 'apiKey');
const idOperations = apiKeyOperations.filter((op) => op.path.includes('{id}'));
const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

/** A value each path parameter accepts: whatever the schema takes first, from a few plausible ones. */
function pathFor(op: Operation, ids: Record<string, string> = {}): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (ids[name]) return encodeURIComponent(ids[name]);
    const schema = op.params?.shape[name] as { safeParse(v: unknown): { success: boolean } } | undefined;
    const candidates = [randomUUID(), '2026-11-23', 'generic', '1'];
    return encodeURIComponent(candidates.find((c) => schema?.safeParse(c).success) ?? candidates[0]!);
  });
}

function call(app: Express, op: Operation, key: string | undefined, path: string, body?: unknown) {
  const r = key ? request(app)[op.method](path).set(bearer(key)) : request(app)[op.method](path);
  if (op.method === 'get') return r;
  if (op.bodyContentType && op.bodyContentType !== 'application/json') {
    return r.set('Content-Type', op.bodyContentType).send('x');
  }
  return r.set('Content-Type', 'application/json').send(JSON.stringify(body ?? {}));
}

describe('access matrix', () => {
  let database: TestDatabase;
  let app: Express;
  const keys = {} as Record<Role, string>;
  /** B's resources by the first path segment after /v1 that names them. */
  const bIds: Record<string, string[]> = {};
  let aReceipt: { id: string; amount: number };
  let bCashReceipt: { id: string; amount: number };

  const clock = fixedClock('2026-11-23T02:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoAgency(database.db, clock, { apiKey: TEST_API_KEY });
    // Every 401 of the matrix would otherwise trip the failed-authentication limit.
    app = createApp({
      db: database.db,
      clock,
      config: { operatorKey: OPERATOR_KEY, authFailuresPerMinute: 10_000 },
    });

    keys.admin = TEST_API_KEY;
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const res = await request(app)
        .post('/v1/agency/keys')
        .set(bearer(TEST_API_KEY))
        .send({ role, label: role });
      expect(res.status).toBe(201);
      keys[role] = res.body.apiKey;
    }

    const created = await request(app)
      .post('/v1/agencies')
      .set(bearer(OPERATOR_KEY))
      .send({
        id: B,
        name: 'UBND xã B',
        collectionAccount: B_ACCOUNT,
        receiptSeries: 'XB-26',
        unit: { province: 'lai-chau', commune: '03388' },
      });
    expect(created.status).toBe(201);
    const bAdmin = created.body.apiKey as string;
    const bClerk = (
      await request(app).post('/v1/agency/keys').set(bearer(bAdmin)).send({ role: 'clerk', label: 'Quầy B' })
    ).body.apiKey as string;

    const open = async (key: string, dossierCode: string) => {
      const res = await request(app)
        .post('/v1/receipts')
        .set(bearer(key))
        .send({
          dossierCode,
          payer: { name: 'Nguyễn Văn An' },
          fee: {
            date: '2026-11-23',
            channel: 'counter',
            applicant: { categories: [] },
            items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
          },
        });
      expect(res.status).toBe(201);
      return res.body as { id: string; amount: number; reference: string };
    };
    aReceipt = await open(TEST_API_KEY, 'H23.25-261123-0001');
    const bOpen = await open(bAdmin, 'H23.25-261123-0002');
    const bPaid = await open(bAdmin, 'H23.25-261123-0003');
    bCashReceipt = await open(bAdmin, 'H23.25-261123-0004');

    // A statement for B's account: one line pays a receipt (credit + allocation), one is unmatched.
    const statement = await request(app)
      .post(`/v1/statements?account=${B_ACCOUNT.accountNumber}`)
      .set(bearer(bAdmin))
      .set('Content-Type', 'text/csv')
      .send(
        'date,credit,debit,memo,reference\n' +
          `23/11/2026 08:15:02,${bPaid.amount},,MBVCB.881.${bPaid.reference} nop phi,FT26327900001\n` +
          '23/11/2026 09:00:00,50000,,chuyen tien khong ro noi dung,FT26327900002\n',
      );
    expect(statement.status).toBe(201);

    const cash = await request(app)
      .post(`/v1/receipts/${bCashReceipt.id}/cash-payments`)
      .set(bearer(bClerk))
      .send({
        amount: bCashReceipt.amount,
        payer: { name: 'Trần Thị B' },
        idDocument: { type: 'cmnd', number: '123456789' },
      });
    expect(cash.status).toBe(201);
    const deposit = await request(app).post('/v1/deposits').set(bearer(bClerk)).send({});
    expect(deposit.status).toBe(201);

    const db = database.db;
    bIds.receipts = [bOpen.id, bPaid.id, bCashReceipt.id];
    bIds.statements = [statement.body.importId];
    bIds.credits = (await db('bank_credits').where({ agency_id: B }).select('id')).map((r) => r.id);
    bIds.allocations = (await db('allocations').where({ agency_id: B }).select('id')).map((r) => r.id);
    bIds.deposits = [deposit.body.id];
    bIds.keys = (await db('api_keys').where({ agency_id: B }).select('id')).map((r) => r.id);
    expect(bIds.credits).toHaveLength(2);
    expect(bIds.allocations).toHaveLength(1);
    expect(bIds.statements[0]).toBeTruthy();
  });
  afterAll(() => database.drop());

  it('covers the API', () => {
    expect(apiKeyOperations.length).toBeGreaterThan(25);
    expect(idOperations.length).toBeGreaterThan(10);
  });

  describe.each(apiKeyOperations.map((op) => [label(op), op] as const))('%s', (_name, op) => {
    it('answers 401 without a key, or with a made-up one', async () => {
      expect((await call(app, op, undefined, pathFor(op))).status).toBe(401);
      expect((await call(app, op, 'tp_not_a_key_0123456789abcdef', pathFor(op))).status).toBe(401);
    });

    it.each(ROLES.map((role) => [role] as const))('role %s', async (role) => {
      const allowed = role === 'admin' || !op.roles || op.roles.includes(role);
      const res = await call(app, op, keys[role], pathFor(op));
      expect(res.status, `${label(op)} as ${role}: ${JSON.stringify(res.body)}`).not.toBe(401);
      if (allowed) expect(res.status, `${label(op)} as ${role}: ${JSON.stringify(res.body)}`).not.toBe(403);
      else expect(res.status, `${label(op)} as ${role}`).toBe(403);
    });
  });

  /** A body the operation would accept, so a 404 is about the id and not the body. */
  function bodyFor(op: Operation): unknown {
    if (op.method === 'get') return undefined;
    if (op.path.endsWith('/match')) return { receiptId: aReceipt.id, reason: 'kiểm tra chéo đơn vị' };
    if (op.path.endsWith('/cash-payments')) {
      return {
        amount: bCashReceipt.amount,
        payer: { name: 'Người lạ' },
        idDocument: { type: 'cmnd', number: '987654321' },
      };
    }
    if (op.path.endsWith('/rotate')) return { overlapSeconds: 60 };
    if (op.path.endsWith('/revoke')) return {};
    return { reason: 'kiểm tra chéo đơn vị' };
  }

  async function snapshot(): Promise<Record<string, number>> {
    const tables = await database
      .db('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .whereNot('table_name', 'like', 'knex_%')
      .pluck('table_name');
    const out: Record<string, number> = {};
    for (const table of tables.sort()) {
      out[table] = Number((await database.db(table).count({ n: '*' }))[0]!.n);
    }
    return out;
  }

  describe.each(idOperations.map((op) => [label(op), op] as const))('%s on agency B', (_name, op) => {
    it("with A's admin key: 404 for each of B's resources, nothing written", async () => {
      const kind = /^\/v1\/(?:agency\/)?(\w+)/.exec(op.path)?.[1] ?? '';
      const targets = bIds[kind];
      expect(
        targets,
        `no agency-B resources for ${label(op)}: teach the matrix about "${kind}"`,
      ).toBeDefined();
      const before = await snapshot();
      for (const id of targets!) {
        const res = await call(app, op, TEST_API_KEY, pathFor(op, { id }), bodyFor(op));
        expect(res.status, `${label(op)} on B's ${id}: ${JSON.stringify(res.body)}`).toBe(404);
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});
