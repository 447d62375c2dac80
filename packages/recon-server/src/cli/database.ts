/** @module The CLI's database: the same one the server uses (DATABASE_URL, or PGlite under THUPHI_DATA). */
import type { Knex } from 'knex';
import { settingsFromEnv } from '../config.js';
import { DataDirLockedError } from '../db/lock.js';
import { migrateLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';

/**
 * Opens and migrates the configured database, runs `work`, and closes it. Embedded PGlite allows one
 * process at a time: while the server (or another command) has the folder, this prints who holds it
 * and exits with status 3 without touching it; use the server's HTTP API then.
 */
export async function withDatabase<T>(work: (db: Knex) => Promise<T>): Promise<T> {
  const settings = settingsFromEnv();
  let db: Knex;
  try {
    db = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir, poolMax: 2 });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(3);
  }
  try {
    await migrateLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}
