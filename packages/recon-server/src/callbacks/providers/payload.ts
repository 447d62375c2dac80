/**
 * @module Shared parsing for provider bodies: JSON decoding and zod validation, both reported as a
 * CallbackPayloadError that names the offending field.
 */
import type { z } from 'zod';

/** Largest amount accepted in one credit: 10^13 đ, the 13 digits of the VietQR amount field. */
export const MAX_CREDIT_VND = 10_000_000_000_000;

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
  try {
    return JSON.parse(text);
  } catch {
    throw new CallbackPayloadError('', 'the body is not valid JSON');
  }
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
  throw new CallbackPayloadError(formatPayloadPath(issue?.path ?? []), issue?.message ?? 'invalid body');
}
