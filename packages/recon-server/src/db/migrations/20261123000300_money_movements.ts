/** Raw callbacks, bank credits and their allocation to receipts. */
import type { Knex } from 'knex';

export const name = '20261123000300_money_movements';

/** Money and decision records: written once, corrected only by new rows. */
export const APPEND_ONLY_TABLES = [
  'receipts',
  'receipt_numbers',
  'bank_credits',
  'allocations',
  'allocation_reversals',
  'credit_match_outcomes',
  'credit_resolutions',
  'receipt_voids',
  'audit_events',
];

export async function up(knex: Knex): Promise<void> {
  // Every callback request is written here before it is verified or parsed, so nothing a
  // bank sent is ever lost, and a rejected one can be examined later.
  await knex.schema.createTable('raw_callbacks', (t) => {
    t.uuid('id').primary();
    t.text('provider').notNullable();
    t.text('agency_id').references('agencies.id');
    t.jsonb('headers').notNullable();
    t.text('body').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    // How it ended (accepted / duplicate / rejected:<code>); set once after processing.
    t.text('outcome');
    t.index(['received_at']);
  });

  await knex.schema.createTable('bank_credits', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // Who told us: a callback provider, or 'statement' for a line found only in an imported statement.
    t.text('provider').notNullable();
    t.text('provider_txn_id').notNullable();
    t.text('account_number').notNullable();
    t.bigInteger('amount').notNullable();
    t.text('memo').notNullable();
    t.timestamp('booked_at', { useTz: true }).notNullable();
    t.text('bank_reference');
    t.uuid('raw_callback_id').references('raw_callbacks.id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    // Idempotency: one credit per transaction id of a provider, however often it is delivered.
    t.unique(['agency_id', 'provider', 'provider_txn_id']);
  });
  await knex.raw(`ALTER TABLE bank_credits ADD CONSTRAINT bank_credits_amount_positive CHECK (amount > 0)`);
  // The same money reported by two sources (a callback and a statement line, or two providers)
  // carries the bank's own reference: one credit per reference on an account.
  await knex.raw(`CREATE UNIQUE INDEX bank_credits_bank_reference ON bank_credits (agency_id, account_number, bank_reference)
    WHERE bank_reference IS NOT NULL`);

  await knex.schema.createTable('allocations', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.uuid('credit_id').notNullable().references('bank_credits.id');
    t.uuid('receipt_id').notNullable().references('receipts.id');
    t.bigInteger('amount').notNullable();
    // 'auto:reference' (the matching ladder) or 'manual' (a treasury user, with a reason).
    t.text('method').notNullable();
    // How many earlier allocations of this credit were reversed. Unique with the credit, it makes
    // "each credit is allocated at most once at a time" a database rule: two racing allocations of
    // one credit compute the same generation and one of them fails.
    t.integer('generation').notNullable();
    t.text('actor_key_id');
    t.text('reason');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['credit_id', 'generation']);
    t.index(['receipt_id']);
  });
  await knex.raw(`ALTER TABLE allocations ADD CONSTRAINT allocations_amount_positive CHECK (amount > 0)`);

  // Undoing an allocation is a new row pointing at it, never an edit; at most one per allocation.
  await knex.schema.createTable('allocation_reversals', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.uuid('allocation_id').notNullable().unique().references('allocations.id');
    t.text('actor_key_id').notNullable();
    t.text('reason').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  // What the automatic ladder concluded for each credit, so the exception queue can say why.
  await knex.schema.createTable('credit_match_outcomes', (t) => {
    t.bigIncrements('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.uuid('credit_id').notNullable().references('bank_credits.id');
    t.text('outcome').notNullable();
    t.uuid('receipt_id').references('receipts.id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['credit_id']);
  });

  // A person's decision on money that pays nothing: refund it to the sender.
  await knex.schema.createTable('credit_resolutions', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.uuid('credit_id').notNullable().references('bank_credits.id');
    t.text('kind').notNullable();
    t.bigInteger('amount').notNullable();
    t.text('actor_key_id').notNullable();
    t.text('reason').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['credit_id']);
  });
  await knex.raw(
    `ALTER TABLE credit_resolutions ADD CONSTRAINT credit_resolutions_kind CHECK (kind IN ('refund_due'))`,
  );
  await knex.raw(
    `ALTER TABLE credit_resolutions ADD CONSTRAINT credit_resolutions_amount_positive CHECK (amount > 0)`,
  );

  // Voiding a receipt (a dossier withdrawn, an assessment mistaken) is a row of its own.
  await knex.schema.createTable('receipt_voids', (t) => {
    t.uuid('receipt_id').primary().references('receipts.id');
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('actor_key_id').notNullable();
    t.text('reason').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  // Who did what to money, and why: every change above also writes one of these.
  await knex.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('subject_type').notNullable();
    t.text('subject_id').notNullable();
    t.text('reason');
    t.jsonb('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'created_at']);
    t.index(['subject_id']);
  });

  // Money records are append-only: a correction is a new row, never an UPDATE or DELETE.
  await knex.raw(`
    CREATE FUNCTION thuphi_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'table % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$`);
  for (const table of APPEND_ONLY_TABLES) {
    await knex.raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_events',
    'receipt_voids',
    'credit_resolutions',
    'credit_match_outcomes',
    'allocation_reversals',
    'allocations',
    'bank_credits',
    'raw_callbacks',
  ]) {
    await knex.schema.dropTable(table);
  }
  for (const table of ['receipts', 'receipt_numbers']) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS thuphi_append_only()');
}
