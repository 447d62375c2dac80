/**
 * Cash-proxy collection: cash a clerk took at the counter for a receipt, the clerk's deposits of that
 * cash to the agency's collection account in batches, and the bank credits that prove each deposit.
 */
import type { Knex } from 'knex';

export const name = '20261123000500_cash';

/** Written once, corrected only by new rows (the same trigger as the other money tables). */
export const CASH_APPEND_ONLY_TABLES = [
  'cash_payments',
  'deposit_batches',
  'deposit_batch_items',
  'deposit_matches',
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agencies', (t) => {
    // Ký hiệu mẫu biên lai. TT 91/2026/TT-BTC: 5 characters, "EBL01" for a receipt without a printed
    // face value (what a fee counter issues), "EBL02" with one.
    t.text('receipt_form').notNullable().defaultTo('EBL01');
    // Mã số thuế of the collecting agency: a required field of the receipt (NĐ 254/2026 Điều 23 k2).
    t.text('tax_code');
    // How long cash may stay with a clerk. NĐ 120/2016 Điều 3 k2 a (amended by NĐ 82/2023) lets the
    // competent authority fix the deposit cadence "định kỳ hằng ngày, tuần hoặc tháng"; the per-fee
    // circulars (TT 226/2016, 244/2016, 281/2016 Điều 6) set the outer bound: "chậm nhất là ngày 05
    // hàng tháng" for the previous month.
    //   daily   – by the end of the `grace`-th working day after the day of collection (0 = same day)
    //   weekly  – by the end of the `grace`-th working day after the Sunday closing the week
    //   monthly – by the end of the 5th of the following month (grace not used)
    t.text('cash_deposit_cadence').notNullable().defaultTo('daily');
    // One working day by default: cash taken after the bank closes goes in the next working day.
    t.integer('cash_deposit_grace_days').notNullable().defaultTo(1);
  });
  await knex.raw(`ALTER TABLE agencies ADD CONSTRAINT agencies_cash_deposit_cadence
    CHECK (cash_deposit_cadence IN ('daily', 'weekly', 'monthly'))`);
  await knex.raw(`ALTER TABLE agencies ADD CONSTRAINT agencies_cash_deposit_grace_days
    CHECK (cash_deposit_grace_days BETWEEN 0 AND 30)`);

  await knex.schema.createTable('cash_payments', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // One cash payment per receipt: it must pay exactly what is outstanding, so a second one can
    // only be a double payment. The receipt row lock decides races; this index is the last word.
    t.uuid('receipt_id').notNullable().unique().references('receipts.id');
    t.bigInteger('amount').notNullable();
    // The API key that recorded it: the clerk in whose custody the cash now is.
    t.text('clerk_key_id').notNullable().references('api_keys.id');
    // The person at the counter, when the counter software shares one key among several clerks.
    t.text('clerk_name');
    t.text('payer_name').notNullable();
    t.text('id_doc_type').notNullable();
    // HMAC-SHA256 of the normalised ID number under the server's key: the number itself is never stored
    // (DESIGN: citizen identity numbers are not stored in clear), yet the same document can be recognised.
    t.string('id_doc_hash', 64).notNullable();
    t.string('id_doc_last4', 4).notNullable();
    t.timestamp('collected_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'clerk_key_id', 'collected_at']);
  });
  await knex.raw(`ALTER TABLE cash_payments ADD CONSTRAINT cash_payments_amount_positive CHECK (amount > 0)`);

  await knex.schema.createTable('deposit_batches', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // Written by the clerk in the deposit memo; the matching ladder finds it there.
    t.text('code').notNullable();
    // Whose custody the cash leaves.
    t.text('clerk_key_id').notNullable().references('api_keys.id');
    t.bigInteger('amount').notNullable();
    t.integer('item_count').notNullable();
    // The account to deposit into (the agency's default collection account when the batch was made).
    t.text('collection_account_id').references('collection_accounts.id');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['agency_id', 'code']);
    t.index(['agency_id', 'clerk_key_id']);
  });
  await knex.raw(
    `ALTER TABLE deposit_batches ADD CONSTRAINT deposit_batches_amount_positive CHECK (amount > 0)`,
  );

  await knex.schema.createTable('deposit_batch_items', (t) => {
    // The primary key is the cash payment: a cash payment is deposited in one batch, once.
    t.uuid('cash_payment_id').primary().references('cash_payments.id');
    t.uuid('batch_id').notNullable().references('deposit_batches.id');
    t.text('agency_id').notNullable().references('agencies.id');
    t.index(['batch_id']);
  });

  await knex.schema.createTable('deposit_matches', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // One credit proves one batch, and one batch is proved by one credit.
    t.uuid('credit_id').notNullable().unique().references('bank_credits.id');
    t.uuid('batch_id').notNullable().unique().references('deposit_batches.id');
    // min(credit, batch): how much of the batch this credit covers.
    t.bigInteger('matched_amount').notNullable();
    // exact clears the batch; short and excess wait in the exception queue for a person.
    t.text('outcome').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw(
    `ALTER TABLE deposit_matches ADD CONSTRAINT deposit_matches_outcome CHECK (outcome IN ('exact', 'short', 'excess'))`,
  );

  for (const table of CASH_APPEND_ONLY_TABLES) {
    await knex.raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [...CASH_APPEND_ONLY_TABLES].reverse()) {
    await knex.schema.dropTable(table);
  }
  await knex.raw('ALTER TABLE agencies DROP CONSTRAINT agencies_cash_deposit_grace_days');
  await knex.raw('ALTER TABLE agencies DROP CONSTRAINT agencies_cash_deposit_cadence');
  await knex.schema.alterTable('agencies', (t) => {
    t.dropColumn('cash_deposit_grace_days');
    t.dropColumn('cash_deposit_cadence');
    t.dropColumn('tax_code');
    t.dropColumn('receipt_form');
  });
}
