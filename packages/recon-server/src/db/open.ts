/** @module Opening the database: embedded PGlite by default, PostgreSQL when a URL is given. */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';

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
 * Opens a knex instance on PostgreSQL or PGlite. Both run the same migrations.
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
  if (dataDir !== ':memory:') mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir === ':memory:' ? undefined : dataDir);
  await pglite.waitReady;
  return knexFactory({
    client: ClientPgLite,
    // knex-pglite takes a ready instance through a function, so the data folder and
    // start-up errors stay under our control.
    connection: () => ({ pglite }) as object,
  });
}
