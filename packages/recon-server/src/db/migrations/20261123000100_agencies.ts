/** Agencies, their collection accounts, API keys and callback secrets. */
import type { Knex } from 'knex';

export const name = '20261123000100_agencies';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('agencies', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    // Ký hiệu biên lai: the receipt series symbol printed before the receipt number.
    t.text('receipt_series').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('collection_accounts', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.string('bank_bin', 6).notNullable();
    t.text('account_number').notNullable();
    t.text('account_name').notNullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    // One account belongs to one agency: a credit to it can only be that agency's money.
    t.unique(['bank_bin', 'account_number']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // SHA-256 of the key; the key itself is shown once and never stored.
    t.string('key_hash', 64).notNullable().unique();
    t.text('role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
  });

  // Per-agency settings of each callback provider. Secrets must be usable to verify HMACs, so
  // they are kept (not hashed), and never leave the server in a response or a log line. A new
  // row replaces the previous settings; the history stays.
  await knex.schema.createTable('provider_settings', (t) => {
    t.bigIncrements('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('provider').notNullable();
    t.text('secret').notNullable();
    // Collection account numbers this provider reports for; empty = every account of the agency.
    t.jsonb('account_numbers').notNullable();
    t.text('created_by_key');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'provider']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('provider_settings');
  await knex.schema.dropTable('api_keys');
  await knex.schema.dropTable('collection_accounts');
  await knex.schema.dropTable('agencies');
}
