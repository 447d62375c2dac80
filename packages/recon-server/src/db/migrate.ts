/** @module Running the schema migrations, from source or from dist alike. */
import type { Knex } from 'knex';
import * as agencies from './migrations/20261123000100_agencies.js';
import * as receipts from './migrations/20261123000200_receipts.js';
import * as moneyMovements from './migrations/20261123000300_money_movements.js';
import * as outbox from './migrations/20261123000400_outbox.js';
import * as cash from './migrations/20261123000500_cash.js';
import * as reconciliations from './migrations/20261123000600_reconciliations.js';
import * as statements from './migrations/20261123000700_statements.js';
import * as keyLifecycle from './migrations/20261123000800_key_lifecycle.js';
import * as agencyUnitsAndSchedules from './migrations/20261204001100_agency_units_and_schedules.js';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Listed in code rather than read from a folder, so the same list runs under tsx, vitest
// and the compiled dist without caring about file extensions.
const migrations: readonly Migration[] = [
  agencies,
  receipts,
  moneyMovements,
  outbox,
  cash,
  reconciliations,
  statements,
  keyLifecycle,
  agencyUnitsAndSchedules,
];

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

/**
 * Brings the schema to the latest version (PostgreSQL and PGlite alike).
 *
 * @example
 * const db = await openDatabase();
 * await migrateLatest(db);
 */
export async function migrateLatest(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource: source });
}

/** Rolls back every migration (used by the migration round-trip test). */
export async function migrateRollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource: source }, true);
}
