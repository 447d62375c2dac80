/** API key lifecycle: labels, the last four characters shown in listings, and expiries (rotation, revocation). */
import type { Knex } from 'knex';

export const name = '20261123000800_key_lifecycle';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.text('label');
    // Enough for a person to tell keys apart; 4 of ~32 random characters give nothing away.
    t.string('last_four', 4);
    t.text('created_by_key');
  });

  // When a key stops working. Rotation gives the old key an overlap window; revocation ends it now.
  // Rows are only ever added: a key's effective expiry is the earliest of its rows, so a later
  // revocation shortens a rotation window but nothing ever lengthens a key's life.
  await knex.schema.createTable('key_expiries', (t) => {
    t.bigIncrements('id').primary();
    t.text('key_id').notNullable().references('api_keys.id');
    t.text('agency_id').notNullable().references('agencies.id');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.text('reason').notNullable();
    // The key that asked, or null for the operator / the command line.
    t.text('created_by_key');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['key_id', 'expires_at']);
  });
  await knex.raw(
    `ALTER TABLE key_expiries ADD CONSTRAINT key_expiries_reason CHECK (reason IN ('rotated', 'revoked'))`,
  );
  await knex.raw(
    `CREATE TRIGGER key_expiries_append_only BEFORE UPDATE OR DELETE ON key_expiries
     FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('key_expiries');
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('created_by_key');
    t.dropColumn('last_four');
    t.dropColumn('label');
  });
}
