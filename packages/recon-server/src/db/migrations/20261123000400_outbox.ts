/** Outgoing events to the one-stop-shop software: a transactional outbox and its delivery attempts. */
import type { Knex } from 'knex';

export const name = '20261123000400_outbox';

export async function up(knex: Knex): Promise<void> {
  // Where an agency wants its events; the newest row is in force.
  await knex.schema.createTable('event_endpoints', (t) => {
    t.bigIncrements('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('url').notNullable();
    t.text('secret').notNullable();
    t.text('created_by_key');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['agency_id']);
  });

  // Written in the same transaction as the money change it reports, so an event exists exactly
  // when the change committed. Its id is the stable event id receivers deduplicate on.
  await knex.schema.createTable('outbox_events', (t) => {
    t.uuid('id').primary();
    t.text('agency_id').notNullable().references('agencies.id');
    t.text('type').notNullable();
    t.text('subject_id').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['agency_id', 'created_at']);
    t.index(['subject_id']);
  });

  // A delivery attempt is claimed by inserting its row: the unique (event, attempt) lets only one
  // instance send attempt N, and no transaction stays open while the HTTP request is in flight.
  await knex.schema.createTable('outbox_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('event_id').notNullable().references('outbox_events.id');
    t.integer('attempt').notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable();
    t.unique(['event_id', 'attempt']);
  });

  // How an attempt ended. A claim without a result (the process died mid-send) is retried later.
  await knex.schema.createTable('outbox_results', (t) => {
    t.bigInteger('attempt_id').primary().references('outbox_attempts.id');
    // delivered | failed (retried at next_attempt_at) | dead (gave up after the last attempt)
    t.text('status').notNullable();
    t.integer('http_status');
    t.text('error');
    t.timestamp('finished_at', { useTz: true }).notNullable();
    t.timestamp('next_attempt_at', { useTz: true });
  });

  for (const table of ['outbox_events', 'outbox_attempts', 'outbox_results']) {
    await knex.raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION thuphi_append_only()`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox_results');
  await knex.schema.dropTable('outbox_attempts');
  await knex.schema.dropTable('outbox_events');
  await knex.schema.dropTable('event_endpoints');
}
