/** Schema invariants, on whichever engine THUPHI_TEST_DB selects. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENCY_ID, seedDemoAgency } from '../src/agencies/agencies.js';
import { hashApiKey } from '../src/agencies/keys.js';
import { migrateLatest, migrateRollbackAll } from '../src/db/migrate.js';
import { fixedClock } from '../src/shared/clock.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

describe('migrations and invariants', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('migrates up, all the way down, and up again', async () => {
    await migrateLatest(t.db);
    expect(await t.db.schema.hasTable('bank_credits')).toBe(true);
    await migrateRollbackAll(t.db);
    expect(await t.db.schema.hasTable('bank_credits')).toBe(false);
    expect(await t.db.schema.hasTable('agencies')).toBe(false);
    await migrateLatest(t.db);
    expect(await t.db.schema.hasTable('allocations')).toBe(true);
  });

  it('stores money as bigint', async () => {
    const types = await t
      .db('information_schema.columns')
      .whereIn('table_name', ['receipts', 'bank_credits', 'allocations'])
      .andWhere('column_name', 'amount')
      .pluck('data_type');
    expect(types).toEqual(['bigint', 'bigint', 'bigint']);
  });

  it('hands bigint, count(*) and sum(bigint) to the code as numbers, and refuses what a number cannot hold', async () => {
    const result = await t.db.raw(
      `select 9007199254740991::bigint as largest, count(*) as n, sum(amount) as total,
              coalesce(sum(amount) filter (where false), 0) as none
       from (values (7000::bigint), (2000::bigint)) v(amount)`,
    );
    expect(result.rows[0]).toStrictEqual({ largest: Number.MAX_SAFE_INTEGER, n: 2, total: 9000, none: 0 });
    // knex's own aggregates go through the same parsers.
    const [counted] = await t.db
      .from(t.db.raw('(values (1::bigint), (2::bigint)) v(x)'))
      .count({ n: '*' })
      .sum({ s: 'x' });
    expect(counted).toStrictEqual({ n: 2, s: 3 });
    // Rounded silently, 2^53 + 1 would read as 2^53: refused instead, and the connection still works.
    await expect(t.db.raw('select 9007199254740993::bigint as big')).rejects.toThrow(/9007199254740993/);
    await expect(t.db.raw('select sum(x) as s from (values (1.5::numeric)) v(x)')).rejects.toThrow(/1\.5/);
    expect((await t.db.raw('select 1::bigint as one')).rows[0]).toStrictEqual({ one: 1 });
  });

  it('seeds the demo agency once, and honours fixed credentials on later starts', async () => {
    const clock = fixedClock('2026-11-23T00:00:00Z');
    const first = await seedDemoAgency(t.db, clock);
    expect(first.created).toBe(true);
    expect(first.apiKey).toMatch(/^tp_/);
    expect(first.callbackSecret).toMatch(/^whsec_/);
    expect(first.account.bankBin).toBe('970436');
    // Only the hash of the key is stored.
    const stored = await t.db('api_keys').pluck('key_hash');
    expect(stored).toEqual([hashApiKey(first.apiKey!)]);
    expect(JSON.stringify(await t.db('api_keys').select())).not.toContain(first.apiKey!);

    const second = await seedDemoAgency(t.db, clock);
    expect(second).toMatchObject({ created: false });
    expect(second.apiKey).toBeUndefined();

    const fixed = await seedDemoAgency(t.db, clock, {
      apiKey: 'tp_fixed_key_123456',
      callbackSecret: 'whsec_fixed',
    });
    expect(fixed.apiKey).toBe('tp_fixed_key_123456');
    const keys = await t.db('api_keys').where({ agency_id: DEMO_AGENCY_ID }).count({ n: '*' });
    expect(Number(keys[0]!.n)).toBe(2);
    expect(
      await t
        .db('api_keys')
        .where({ key_hash: hashApiKey('tp_fixed_key_123456') })
        .first('role'),
    ).toEqual({
      role: 'admin',
    });
  });

  it('refuses to update or delete money records', async () => {
    const account = await t.db('collection_accounts').first('id');
    const id = randomUUID();
    await t.db('receipts').insert({
      id,
      agency_id: DEMO_AGENCY_ID,
      dossier_code: 'HS',
      payer_name: 'A',
      amount: 2000,
      reference: 'TPTEST00001',
      opened_as: 'open',
      assessment: JSON.stringify({}),
      collection_account_id: account.id,
      qr_payload: '000201',
      created_by_key: 'k',
      created_at: new Date(),
    });
    await expect(t.db('receipts').where({ id }).update({ amount: 1 })).rejects.toThrow(/append-only/);
    await expect(t.db('receipts').where({ id }).delete()).rejects.toThrow(/append-only/);
    expect(Number((await t.db('receipts').where({ id }).first('amount')).amount)).toBe(2000);
  });

  it('refuses a negative amount, a zero credit and a payable receipt without a QR', async () => {
    const base = {
      agency_id: DEMO_AGENCY_ID,
      dossier_code: 'HS',
      payer_name: 'A',
      opened_as: 'open',
      assessment: '{}',
      created_by_key: 'k',
      created_at: new Date(),
    };
    await expect(
      t.db('receipts').insert({ ...base, id: randomUUID(), amount: -1, reference: 'TPNEG', qr_payload: 'x' }),
    ).rejects.toThrow();
    await expect(
      t
        .db('receipts')
        .insert({ ...base, id: randomUUID(), amount: 1000, reference: 'TPNOQR', qr_payload: null }),
    ).rejects.toThrow();
    await expect(
      t.db('bank_credits').insert({
        id: randomUUID(),
        agency_id: DEMO_AGENCY_ID,
        provider: 'generic',
        provider_txn_id: 'z',
        account_number: '1',
        amount: 0,
        memo: '',
        booked_at: new Date(),
        created_at: new Date(),
      }),
    ).rejects.toThrow(/bank_credits_amount_positive/);
  });
});
