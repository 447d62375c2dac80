/**
 * Shared by the hostile-input suite: a snapshot of every table in the database (row count and a hash
 * of all rows), and the assertions that a refused request changed nothing, or, for a callback,
 * exactly one raw callback row recording why it was rejected.
 *
 * Tables are read from pg_catalog at each snapshot, so a table added by a later migration is
 * included without touching this file.
 */

import { randomUUID } from 'node:crypto';
import { administrativeUnit } from '@thuphi/fee-core';
import type { Knex } from 'knex';
import request from 'supertest';
import { expect } from 'vitest';
import { createAgency } from '../../src/agencies/onboarding.js';
import { providers } from '../../src/callbacks/providers/index.js';
import type { ProviderName } from '../../src/callbacks/providers/types.js';
import type { TestApp } from '../support/app.js';

export { createTestApp, TEST_API_KEY, TEST_CALLBACK_SECRET, type TestApp } from '../support/app.js';
export { addKey, type Key } from '../support/keys.js';

/** Per table: how many rows, and an md5 over all of them (each row's text form, sorted). */
export interface DbSnapshot {
  tables: Record<string, { rows: number; hash: string }>;
  /** The raw callbacks already there, to find the one a request added. */
  rawCallbackIds: string[];
}

/** Every base table of the schema the app uses, knex's migration bookkeeping included (it never changes). */
export async function tableNames(db: Knex): Promise<string[]> {
  const result = await db.raw(
    `SELECT c.relname AS name FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
     ORDER BY c.relname`,
  );
  return (result.rows as { name: string }[]).map((r) => r.name);
}

export async function snapshot(db: Knex): Promise<DbSnapshot> {
  const out: DbSnapshot['tables'] = {};
  for (const table of await tableNames(db)) {
    const quoted = `"${table.replace(/"/g, '""')}"`;
    const result = await db.raw(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') AS h
       FROM ${quoted} x`,
    );
    const row = result.rows[0] as { n: number; h: string };
    out[table] = { rows: Number(row.n), hash: row.h };
  }
  const rawCallbackIds: string[] = await db('raw_callbacks').pluck('id');
  return { tables: out, rawCallbackIds };
}

/** Names of the tables whose rows differ between two snapshots (added, removed or changed). */
export function changedTables(before: DbSnapshot, after: DbSnapshot): string[] {
  const names = new Set([...Object.keys(before.tables), ...Object.keys(after.tables)]);
  return [...names]
    .filter((t) => JSON.stringify(before.tables[t]) !== JSON.stringify(after.tables[t]))
    .sort();
}

export function expectNothingChanged(before: DbSnapshot, after: DbSnapshot): void {
  expect(changedTables(before, after), 'tables changed by a refused request').toEqual([]);
  // The tables themselves are the same too (sanity: the snapshot saw the whole schema).
  expect(Object.keys(after.tables).sort()).toEqual(Object.keys(before.tables).sort());
  expect(Object.keys(before.tables)).toEqual(
    expect.arrayContaining(['bank_credits', 'allocations', 'receipts', 'raw_callbacks', 'outbox_events']),
  );
}

/**
 * A callback refused after its raw bytes were stored: raw_callbacks has exactly one new row, for
 * `agencyId` and `provider`, settled as `outcome`, holding the exact body sent; no other table moved.
 */
export async function expectOnlyRawCallbackStored(
  db: Knex,
  before: DbSnapshot,
  after: DbSnapshot,
  expected: { agencyId: string; provider: ProviderName; outcome: string; body?: string },
): Promise<void> {
  expect(changedTables(before, after), 'only the raw callback may be stored').toEqual(['raw_callbacks']);
  expect(after.tables.raw_callbacks!.rows).toBe(before.tables.raw_callbacks!.rows + 1);
  const added = await db('raw_callbacks')
    .whereNotIn('id', before.rawCallbackIds.length > 0 ? before.rawCallbackIds : [randomUUID()])
    .select('id', 'agency_id', 'provider', 'outcome', 'body');
  expect(added).toHaveLength(1);
  expect(added[0]).toMatchObject({
    agency_id: expected.agencyId,
    provider: expected.provider,
    outcome: expected.outcome,
    ...(expected.body !== undefined ? { body: expected.body } : {}),
  });
}

/** Asserts an application/problem+json answer with `status` and `code`; returns the body. */
export function expectProblem(
  res: request.Response,
  status: number,
  code: string,
): { code: string; detail?: string; errors?: { path?: string; message: string }[] } {
  expect({ status: res.status, code: res.body?.code }, JSON.stringify(res.body)).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: `urn:thuphi:problem:${code}`,
    status,
    message: { vi: expect.any(String), en: expect.any(String) },
  });
  return res.body;
}

export const DEMO_ACCOUNT = '1023456789';

export const copyFee = (pages = 5) => ({
  date: '2026-11-23',
  channel: 'counter' as const,
  items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies: 1 } }],
});

export interface OpenedReceipt {
  id: string;
  amount: number;
  reference: string;
  dossierCode: string;
  qr: { payload: string; svg: string } | null;
}

export async function openReceipt(
  t: TestApp,
  options: { dossierCode?: string; payer?: string; pages?: number } = {},
): Promise<OpenedReceipt> {
  const res = await request(t.app)
    .post('/v1/receipts')
    .set(t.auth)
    .send({
      dossierCode: options.dossierCode ?? `HS-${randomUUID().slice(0, 8)}`,
      payer: { name: options.payer ?? 'Nguyễn Văn An' },
      fee: copyFee(options.pages ?? 5),
    });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Sends a provider callback exactly as signed (or as tampered with afterwards). */
export function postCallback(
  t: TestApp,
  path: string,
  rawBody: string | Buffer,
  headers: Record<string, string> = {},
) {
  return request(t.app)
    .post(path)
    .set({ 'content-type': 'application/json', ...headers })
    .send(rawBody);
}

/** Signs `body` as `provider` would with `secret`, at the test clock's now (or `now`). */
export function sign(t: TestApp, provider: ProviderName, body: unknown, secret: string, now?: Date) {
  return providers[provider].sign({ body, secret, now: now ?? t.clock.now() });
}

/** A generic credit to the demo collection account. */
export function genericCredit(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transactionId: `FT-HOSTILE-${randomUUID().slice(0, 8)}`,
    accountNumber: DEMO_ACCOUNT,
    amount: 7000,
    memo: 'nop phi',
    bookedAt: '2026-11-23T09:00:00+07:00',
    ...overrides,
  };
}

/** Provider bodies with the fields each provider documents, for the demo collection account. */
export const providerBodies = {
  sepay: (overrides: Record<string, unknown> = {}) => ({
    id: 900_000 + Math.floor(Math.random() * 99_999),
    gateway: 'Vietcombank',
    transactionDate: '2026-11-23 09:00:00',
    accountNumber: DEMO_ACCOUNT,
    code: null,
    content: 'nop phi',
    transferType: 'in',
    transferAmount: 7000,
    accumulated: 5_000_000,
    subAccount: null,
    referenceCode: `FT${randomUUID().slice(0, 8)}`,
    description: 'MBVCB.1.nop phi',
    ...overrides,
  }),
  payos: (dataOverrides: Record<string, unknown> = {}) => ({
    code: '00',
    desc: 'success',
    success: true,
    data: {
      orderCode: 4242,
      amount: 7000,
      description: 'nop phi',
      accountNumber: DEMO_ACCOUNT,
      reference: `FT${randomUUID().slice(0, 8)}`,
      transactionDateTime: '2026-11-23 09:01:00',
      currency: 'VND',
      paymentLinkId: 'abc',
      code: '00',
      desc: 'success',
      counterAccountBankId: '',
      counterAccountBankName: '',
      counterAccountName: null,
      counterAccountNumber: null,
      virtualAccountName: '',
      virtualAccountNumber: '',
      ...dataOverrides,
    },
  }),
  casso: (dataOverrides: Record<string, unknown> = {}) => ({
    error: 0,
    data: {
      id: 700_000 + Math.floor(Math.random() * 99_999),
      reference: `FT${randomUUID().slice(0, 8)}`,
      description: 'nop phi',
      amount: 7000,
      runningBalance: 1_000_000,
      transactionDateTime: '2026-11-23 09:02:00',
      accountNumber: DEMO_ACCOUNT,
      bankName: 'Vietcombank',
      bankAbbreviation: 'VCB',
      virtualAccountNumber: '',
      virtualAccountName: '',
      counterAccountName: '',
      counterAccountNumber: '',
      counterAccountBankId: '',
      counterAccountBankName: '',
      ...dataOverrides,
    },
  }),
};

/** The demo agency's secrets for the other providers (the generic one is TEST_CALLBACK_SECRET). */
export const DEMO_PROVIDER_SECRETS = {
  sepay: 'whsec_sepay_demo_0123456789',
  payos: 'payos_checksum_demo_0123456789',
  casso: 'casso_checksum_demo_0123456789',
} as const;

/** Configures the demo agency's SePay, payOS and Casso secrets through the API (admin key). */
export async function configureDemoProviders(t: TestApp): Promise<void> {
  for (const [provider, secret] of Object.entries(DEMO_PROVIDER_SECRETS)) {
    const res = await request(t.app).put(`/v1/agency/providers/${provider}`).set(t.auth).send({ secret });
    expect(res.status).toBe(200);
  }
}

/** A second agency, B, with its own collection account, admin key and provider secrets. */
export async function createSecondAgency(t: TestApp) {
  const created = await createAgency(
    t.database.db,
    {
      id: 'xa-binh-an',
      name: 'UBND xã Bình An',
      collectionAccount: { bankBin: '970436', accountNumber: '0011223344', accountName: 'UBND XA BINH AN' },
      unit: administrativeUnit({ province: 'lai-chau', commune: '03388' }),
    },
    t.clock.now(),
  );
  if (!created.ok) throw new Error(`second agency: ${created.reason}`);
  const auth = { Authorization: `Bearer ${created.key.apiKey}` };
  const secrets = {
    generic: 'whsec_agency_b_generic_0123456789',
    sepay: 'whsec_agency_b_sepay_0123456789',
    payos: 'agency_b_payos_checksum_0123456789',
    casso: 'agency_b_casso_checksum_0123456789',
  } as const;
  for (const [provider, secret] of Object.entries(secrets)) {
    const res = await request(t.app).put(`/v1/agency/providers/${provider}`).set(auth).send({ secret });
    expect(res.status).toBe(200);
  }
  return { id: 'xa-binh-an', account: '0011223344', auth, secrets };
}

/**
 * The core of most cases: snapshot, send, assert the exact problem, snapshot, assert nothing changed.
 * Returns the problem body for further checks.
 */
export async function expectRefused(
  t: TestApp,
  send: () => PromiseLike<request.Response>,
  status: number,
  code: string,
) {
  const before = await snapshot(t.database.db);
  const res = await send();
  const body = expectProblem(res, status, code);
  expectNothingChanged(before, await snapshot(t.database.db));
  return body;
}

/**
 * A callback refused after its raw bytes were stored: the exact problem, and exactly one raw callback
 * row settled as `rejected:<code>` for that agency and provider; nothing else.
 */
export async function expectCallbackRejected(
  t: TestApp,
  send: () => PromiseLike<request.Response>,
  status: number,
  code: string,
  where: { agencyId: string; provider: ProviderName; body?: string },
) {
  const before = await snapshot(t.database.db);
  const res = await send();
  const body = expectProblem(res, status, code);
  await expectOnlyRawCallbackStored(t.database.db, before, await snapshot(t.database.db), {
    ...where,
    outcome: `rejected:${code}`,
  });
  return body;
}
