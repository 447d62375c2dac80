/**
 * @module Shared parsing for provider bodies: JSON decoding and zod validation, both reported as a
 * CallbackPayloadError that names the offending field.
 */
import type { z } from 'zod';
import { findNul, NUL_MESSAGE } from '../../shared/input.js';

/** Largest amount accepted in one credit (the ledger's limit, re-exported for the adapters). */
export { MAX_CREDIT_VND } from '../../ledger/credits.js';

export { NUL_MESSAGE };

/**
 * A verified body that does not have the provider's documented shape. The route answers it with a
 * 4xx naming `path`, and the provider's retries will fail the same way until someone looks.
 *
 * @example
 * throw new CallbackPayloadError('data.amount', 'expected an integer');
 */
export class CallbackPayloadError extends Error {
  /** Where the problem is, e.g. `data.amount` or `data[0].when`; empty for the body as a whole. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'CallbackPayloadError';
    this.path = path;
  }
}

/**
 * `['data', 0, 'amount']` → `data[0].amount`, the same notation the HTTP layer uses for problems.
 *
 * @example
 * formatPayloadPath(['data', 0, 'amount']); // 'data[0].amount'
 */
export function formatPayloadPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/**
 * Decodes the raw body as UTF-8 JSON.
 *
 * @example
 * decodeJsonBody(Buffer.from('{"a":1}')); // { a: 1 }
 */
export function decodeJsonBody(rawBody: Buffer | string): unknown {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CallbackPayloadError('', 'the body is not valid JSON');
  }
  // A NUL can only come from a \u0000 escape (a raw one is not JSON); PostgreSQL text cannot hold it.
  const nul = text.includes('\\u0000') ? findNul(value) : undefined;
  if (nul) throw new CallbackPayloadError(formatPayloadPath(nul) || '(body)', NUL_MESSAGE);
  return value;
}

/**
 * Validates with a zod schema; the first problem becomes the error (providers retry a rejected
 * delivery as-is, so one precise reason is what an operator needs).
 *
 * @example
 * const body = parsePayload(schema, decodeJsonBody(request.rawBody));
 */
export function parsePayload<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown key is reported on the object that holds it (the body itself: path []), which would
  // read as "the body is unusable"; name the key instead, so it is a field problem like any other.
  const path =
    issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined
      ? [...issue.path, issue.keys[0]]
      : (issue?.path ?? []);
  throw new CallbackPayloadError(formatPayloadPath(path), issue?.message ?? 'invalid body');
}

/** Deeper than any provider's body nests (theirs are 2–3 levels): refused before re-serialising. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a parsed JSON value nests arrays or objects more than `max` levels deep, measured without
 * recursion (a 64 kB body can nest 30 000 levels, enough to overflow the stack of a recursive walk).
 *
 * @example
 * nestsDeeperThan(JSON.parse('[[[]]]'), 2); // true
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
