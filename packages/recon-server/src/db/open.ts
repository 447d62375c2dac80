/**
 * @module Opening the database: embedded PGlite by default, PostgreSQL when a URL is given.
 *
 * Both engines hand integers to the code as JS numbers, decided here once: `bigint` (int8, OID 20:
 * amounts, receipt numbers, `count(*)`, bigserial ids) and `numeric` (OID 1700), which only ever
 * appears as `sum()` over a bigint column (PostgreSQL widens it; the schema stores no fractions). A
 * value that is not a safe integer (beyond ±2^53 − 1, or a fraction) is refused with an error instead
 * of being rounded, so the queries need neither casts nor conversions. Without this, pg would give
 * strings for both and PGlite strings for numeric.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { lockDataDir } from './lock.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * The parser for int8 and numeric text values: a JS number, or an error for anything that is not a
 * safe integer.
 *
 * @example
 * parseSafeInteger('7000'); // 7000
 * parseSafeInteger('9007199254740993'); // throws RangeError
 */
export function parseSafeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `the database returned ${text}, which is not an integer JavaScript can hold exactly`,
    );
  }
  return n;
}

/** pg's parsers with int8 and numeric replaced, for every connection of a pool. */
const pgTypes = {
  getTypeParser(oid: number, format = 'text') {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format === 'text') return parseSafeInteger;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

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
      connection: { connectionString: options.url, types: pgTypes },
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  const dataDir = options.dataDir ?? ':memory:';
  if (dataDir === ':memory:') return pgliteKnex(newPGlite());
  mkdirSync(dataDir, { recursive: true });
  // One process per folder (see lock.ts): refused here, before PGlite touches a file.
  const lock = lockDataDir(dataDir);
  try {
    const db = await pgliteKnex(newPGlite(dataDir));
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

function newPGlite(dataDir?: string): PGlite {
  return new PGlite({
    ...(dataDir === undefined ? {} : { dataDir }),
    parsers: { [INT8_OID]: parseSafeInteger, [NUMERIC_OID]: parseSafeInteger },
  });
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

/**
 * One round trip to the database, for the liveness check; throws when it cannot be reached.
 *
 * @example
 * await pingDatabase(db);
 */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}
