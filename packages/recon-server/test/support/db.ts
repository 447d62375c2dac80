/**
 * A fresh database per test file, on the engine chosen by THUPHI_TEST_DB: embedded PGlite in
 * memory, or a new database created (and dropped afterwards) on the PostgreSQL server.
 */
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { migrateLatest } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';

export type TestEngine = 'pglite' | 'postgres';

export const testEngine: TestEngine = process.env.THUPHI_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** The server's maintenance database; tests create their own databases beside it. */
const adminUrl = process.env.THUPHI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Knex;
  engine: TestEngine;
  /** For a second connection pool on the same database (PostgreSQL only). */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (testEngine === 'pglite') {
    const db = await openDatabase({ dataDir: ':memory:' });
    if (migrate) await migrateLatest(db);
    return { db, engine: 'pglite', drop: () => db.destroy() };
  }
  const name = `thuphi_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.destroy();
    throw new Error(
      `cannot create a test database on ${adminUrl} (is PostgreSQL running? .ci/run starts it): ${String(error)}`,
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  if (migrate) await migrateLatest(db);
  return {
    db,
    engine: 'postgres',
    url: url.toString(),
    async drop() {
      await db.destroy().catch(() => undefined);
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
