/** @module Opening the database: embedded PGlite by default, PostgreSQL when a URL is given. */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { lockDataDir } from './lock.js';

export interface DatabaseOptions {
  /** `postgres://…` switches to PostgreSQL; anything else means embedded PGlite. */
  url?: string | undefined;
  /** Folder for PGlite's files; `':memory:'` keeps everything in memory (tests). */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL (PGlite always has exactly one connection). */
  poolMax?: number;
}

/** Which engine an open database runs on; some SQL (locks, `FOR UPDATE`) differs in cost, never in meaning. */
export type Engine = 'postgres' | 'pglite';

export function engineOf(db: Knex): Engine {
  return db.client.config.client === ClientPgLite ? 'pglite' : 'postgres';
}

/**
 * Opens a knex instance on PostgreSQL or PGlite. Both run the same migrations. A PGlite folder is
 * locked for this process until `destroy()`: a second process gets a `DataDirLockedError` naming the
 * holder's pid.
 *
 * @example
 * const db = await openDatabase({ dataDir: './.thuphi/pgdata' });
 * const pg = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/thuphi' });
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Knex> {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    return knexFactory({
      client: 'pg',
      connection: options.url,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  const dataDir = options.dataDir ?? ':memory:';
  if (dataDir === ':memory:') return pgliteKnex(new PGlite());
  mkdirSync(dataDir, { recursive: true });
  // One process per folder (see lock.ts): refused here, before PGlite touches a file.
  const lock = lockDataDir(dataDir);
  try {
    const db = await pgliteKnex(new PGlite(dataDir));
    // The folder is free again once the database is closed (`knex.destroy()` ends in the client's).
    const client = db.client as { destroy(callback?: unknown): Promise<void> };
    const destroy = client.destroy.bind(client);
    client.destroy = async (callback?: unknown) => {
      try {
        return await destroy(callback);
      } finally {
        lock.release();
      }
    };
    return db;
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function pgliteKnex(pglite: PGlite): Promise<Knex> {
  await pglite.waitReady;
  return knexFactory({
    client: ClientPgLite,
    // knex-pglite takes a ready instance through a function, so the data folder and
    // start-up errors stay under our control.
    connection: () => ({ pglite }) as object,
  });
}
