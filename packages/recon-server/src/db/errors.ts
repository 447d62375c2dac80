/** @module PostgreSQL errors the code reacts to, recognised the same way on PostgreSQL and PGlite. */

/**
 * Whether `error` is a unique violation (SQLSTATE 23505), optionally of one named constraint (the
 * driver's `constraint` field, or the constraint's name in the message where a driver has no field).
 *
 * @example
 * if (isUniqueViolation(error, 'agencies_pkey')) return { ok: false, reason: 'agency_exists' };
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  if (typeof e !== 'object' || e === null || e.code !== '23505') return false;
  return !constraint || e.constraint === constraint || Boolean(e.message?.includes(constraint));
}
