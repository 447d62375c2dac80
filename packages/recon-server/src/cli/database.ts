/** @module The CLI's database: the same one the server uses (DATABASE_URL, or PGlite under THUPHI_DATA). */
import type { Knex } from 'knex';
import { settingsFromEnv } from '../config.js';
import { migrateLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';

/**
 * Opens and migrates the configured database, runs `work`, and closes it. Embedded PGlite allows one
 * process at a time: stop the server first, or use the HTTP API while it runs.
 */
export async function withDatabase<T>(work: (db: Knex) => Promise<T>): Promise<T> {
  const settings = settingsFromEnv();
  const db = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir, poolMax: 2 });
  try {
    await migrateLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}
