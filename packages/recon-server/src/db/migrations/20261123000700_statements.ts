/** Imported bank statements (sao kê) and what became of each of their lines. */
import type { Knex } from 'knex';

export const name = '20261123000700_statements';

const TABLES = ['statement_imports', 'statement_lines'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('statement_imports', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // The file's SHA-256: the same file imported again is recognised and changes nothing.
    t.text('sha256').notNullable();
    t.text('filename');
    t.text('format').notNullable();
    t.text('account_number').notNullable();
    t.text('currency').notNullable();
    t.bigInteger('opening_balance');
    t.bigInteger('closing_balance');
    // opening + credits − debits = closing, as checked at import; null when the file prints no balance.
    t.jsonb('balance_check');
    t.integer('credit_rows').notNullable();
    t.integer('debit_rows').notNullable();
    t.integer('rejected_rows').notNullable();
    t.text('actor').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    // One import per file per agency, even when two uploads of it race.
    t.unique(['agency_id', 'sha256']);
    t.index(['agency_id', 'created_at']);
  });

  await knex.schema.createTable('statement_lines', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('import_id').notNullable().references('statement_imports.id');
    t.text('agency_id').notNullable().references('agencies.id');
    // Order in the file; `line` is where a person finds it (several camt.053 entries may share one).
    t.integer('position').notNullable();
    t.integer('line').notNullable();
    t.text('outcome').notNullable();
    t.text('direction');
    t.bigInteger('amount');
    t.timestamp('booked_at', { useTz: true });
    t.text('memo');
    t.text('bank_reference');
    // The line's stable identity across overlapping files (the bank reference, or a hash of its content).
    t.text('line_key');
    t.uuid('credit_id').references('bank_credits.id');
    t.uuid('receipt_id').references('receipts.id');
    // Why it was rejected, or why matching left it for a person.
    t.text('reason');
    t.text('raw');
    t.unique(['import_id', 'position']);
    // Serves "was this line seen in an earlier statement?" for overlapping files.
    t.index(['agency_id', 'line_key']);
    // Serves "has a statement line already claimed this credit?".
    t.index(['credit_id']);
  });
  await knex.raw(`ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_outcome
    CHECK (outcome IN ('matched', 'unmatched', 'duplicate', 'debit', 'rejected'))`);
  // A line that was read has a direction and a positive amount; only a rejected one may lack them.
  await knex.raw(`ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_read
    CHECK (outcome = 'rejected' OR (direction IN ('credit', 'debit') AND amount > 0 AND booked_at IS NOT NULL))`);
  // A credit line always names the credit it is (new or already known).
  await knex.raw(`ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_credit
    CHECK (outcome NOT IN ('matched', 'unmatched', 'duplicate') OR credit_id IS NOT NULL)`);

  // What a statement said is a record like the money it reports: never edited, never deleted.
  for (const table of TABLES) {
    await knex.raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('statement_lines');
  await knex.schema.dropTable('statement_imports');
}
