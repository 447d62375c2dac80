/** @module Reading money columns: Postgres `bigint` reaches us as a string (pg) or a bigint (PGlite). */

/**
 * Converts a `bigint` column value to a JS number of đồng, refusing anything that is not a safe integer.
 * Every amount handled by the server fits (the API caps amounts far below 2^53).
 */
export function toVnd(value: unknown): number {
  const n =
    typeof value === 'bigint'
      ? Number(value)
      : typeof value === 'string'
        ? Number(value)
        : typeof value === 'number'
          ? value
          : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer VND amount: ${String(value)}`);
  return n;
}
