/** Daily reconciliation runs: each run's report, kept as it was generated. */
import type { Knex } from 'knex';

export const name = '20261123000600_reconciliations';

export async function up(knex: Knex): Promise<void> {
  // A rerun (after a statement import, a manual match) is a new row, so what the treasury saw at
  // each moment stays on record; readers take the newest row of an agency-day.
  await knex.schema.createTable('reconciliation_runs', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    // The calendar day in Asia/Ho_Chi_Minh, as 'YYYY-MM-DD' text: a DATE would be turned into a
    // JavaScript Date at the process's local midnight by the driver.
    t.text('date').notNullable();
    t.timestamp('generated_at', { useTz: true }).notNullable();
    // 'cron' for the scheduled job, otherwise the id of the API key that asked (or 'cli').
    t.text('actor').notNullable();
    t.boolean('balanced').notNullable();
    t.jsonb('report').notNullable();
    t.index(['agency_id', 'date', 'generated_at']);
  });
  await knex.raw(
    `ALTER TABLE reconciliation_runs ADD CONSTRAINT reconciliation_runs_date_format
     CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')`,
  );
  await knex.raw(
    `CREATE TRIGGER reconciliation_runs_append_only BEFORE UPDATE OR DELETE ON reconciliation_runs
     FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reconciliation_runs');
}
