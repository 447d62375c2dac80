/** Receipts (payment requests for a dossier's fee) and their gap-free numbering. */
import type { Knex } from 'knex';

export const name = '20261123000200_receipts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('receipts', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('dossier_code').notNullable();
    t.text('payer_name').notNullable();
    t.bigInteger('amount').notNullable();
    // The payment reference is what a bank memo carries back; it must point at one receipt.
    t.text('reference').notNullable().unique();
    // 'open' awaits payment; 'exempt' was assessed at 0 đ and never takes money.
    t.text('opened_as').notNullable();
    t.jsonb('assessment').notNullable();
    t.text('collection_account_id').references('collection_accounts.id');
    t.text('qr_payload');
    t.text('created_by_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'created_at']);
    t.index(['agency_id', 'dossier_code']);
  });
  await knex.raw(`ALTER TABLE receipts ADD CONSTRAINT receipts_amount_non_negative CHECK (amount >= 0)`);
  await knex.raw(
    `ALTER TABLE receipts ADD CONSTRAINT receipts_opened_as_known CHECK (opened_as IN ('open', 'exempt'))`,
  );
  // An exempt receipt is exactly a 0 đ one, and only a payable one carries a QR and an account.
  await knex.raw(`ALTER TABLE receipts ADD CONSTRAINT receipts_exempt_iff_zero CHECK (
    (opened_as = 'exempt' AND amount = 0 AND qr_payload IS NULL)
    OR (opened_as = 'open' AND amount > 0 AND qr_payload IS NOT NULL AND collection_account_id IS NOT NULL))`);

  // The next number of each agency's series. This counter is the one row updated in place:
  // it is bookkeeping for numbering, not money, and the row lock it takes is what keeps the
  // series free of gaps and duplicates under concurrent payments.
  await knex.schema.createTable('receipt_series', (t) => {
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('series').notNullable();
    t.bigInteger('next_number').notNullable();
    t.primary(['agency_id', 'series']);
  });

  await knex.schema.createTable('receipt_numbers', (t) => {
    t.uuid('receipt_id').primary().references('receipts.id');
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('series').notNullable();
    t.bigInteger('number').notNullable();
    t.timestamp('assigned_at', { useTz: true }).notNullable();
    // No duplicates in a series.
    t.unique(['agency_id', 'series', 'number']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('receipt_numbers');
  await knex.schema.dropTable('receipt_series');
  await knex.schema.dropTable('receipts');
}
