/** @module Hot statements as prepared statements, so PostgreSQL parses and plans them once per connection. */
import type { Knex } from 'knex';

/**
 * Names a statement that runs on every callback. node-postgres then prepares it once per pooled
 * connection and afterwards only binds and executes it: the large CTEs of the paying path cost
 * PostgreSQL more to parse and plan than to run (measured by the callbacks bench). A name must
 * always carry the same SQL text, so only constant SQL is named — no variable-length `IN` lists.
 * PostgreSQL may keep a generic plan made while a table was nearly empty until the table's next
 * ANALYZE (autovacuum runs one after the first ~50 rows), so keep autovacuum on. PGlite ignores the name.
 *
 * @example
 * const result = await prepared('paid_amount', trx.raw(PAID_AMOUNT_SQL, { receiptId }));
 */
export function prepared<T extends Knex.Raw>(name: string, raw: T): T {
  return raw.options({ name: `thuphi_${name}` }) as T;
}
