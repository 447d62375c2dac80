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
