/**
 * Where each agency sits on the 2025 map (a dated, append-only record), the schedule versions uploaded by the
 * operator or an agency admin (append-only: old versions stay readable), the schedule sets receipts were priced
 * with, and the version each receipt stores.
 */
import type { Knex } from 'knex';

export const name = '20261204001100_agency_units_and_schedules';

const APPEND_ONLY = ['agency_units', 'schedule_versions', 'schedule_sets'];

export async function up(knex: Knex): Promise<void> {
  // The unit in force on a date is the row with the latest effective_from on or before it (then the latest id).
  // Changing it is a new row saying from when, why and who: nothing is updated in place.
  await knex.schema.createTable('agency_units', (t) => {
    t.bigIncrements('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('province_code').notNullable(); // 2025 code
    t.text('commune_code'); // null for a province-level body
    t.text('former_province_code').notNullable(); // pre-2025 code
    t.boolean('example').notNullable();
    // Names as recorded, so the history reads the same whatever later map data says.
    t.jsonb('unit').notNullable();
    // YYYY-MM-DD in Asia/Ho_Chi_Minh, as fee dates are.
    t.text('effective_from').notNullable();
    t.text('reason').notNullable();
    t.text('recorded_by').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'effective_from']);
  });
  await knex.raw(
    `ALTER TABLE agency_units ADD CONSTRAINT agency_units_effective_from_date CHECK (effective_from ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')`,
  );

  // A schedule layer as uploaded: platform-wide (agency_id null, by the operator) or one agency's (by its admin).
  // The version in force of a layer is the newest row of its (scope, schedule_id).
  await knex.schema.createTable('schedule_versions', (t) => {
    t.bigIncrements('id').primary();
    t.text('agency_id').references('agencies.id');
    t.text('schedule_id').notNullable();
    t.text('level').notNullable();
    t.text('hash').notNullable();
    // The validated layer (canonical content) and the text as uploaded.
    t.jsonb('content').notNullable();
    t.text('source_text').notNullable();
    t.text('uploaded_by').notNullable();
    t.timestamp('uploaded_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'schedule_id']);
    t.index(['hash']);
  });

  // The resolved sets receipts were priced with: the unit and its layers (id, hash, window), by set hash.
  await knex.schema.createTable('schedule_sets', (t) => {
    t.text('hash').primary();
    t.jsonb('unit');
    t.jsonb('layers').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.alterTable('receipts', (t) => {
    // The set hash the receipt was priced with (null for receipts opened before this migration).
    t.text('schedule_version');
  });

  for (const table of APPEND_ONLY) {
    await knex.raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('receipts', (t) => {
    t.dropColumn('schedule_version');
  });
  for (const table of [...APPEND_ONLY].reverse()) await knex.schema.dropTable(table);
}
