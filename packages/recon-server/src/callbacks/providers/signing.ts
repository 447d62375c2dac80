/** @module Small crypto and header helpers shared by the provider adapters. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Hex HMAC of the concatenated parts (strings as UTF-8, buffers as-is).
 *
 * @example
 * hmacHex('sha256', secret, `${ts}.`, rawBody);
 */
export function hmacHex(algorithm: 'sha256' | 'sha512', key: string, ...parts: (string | Buffer)[]): string {
  const hmac = createHmac(algorithm, key);
  for (const part of parts) hmac.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : part);
  return hmac.digest('hex');
}

/**
 * Constant-time check of a received hex signature against the expected one. A candidate that is not
 * hex of the right length is refused before any comparison: its shape is not a secret.
 *
 * @example
 * hexSignatureMatches(received, hmacHex('sha256', key, data)); // true | false
 */
export function hexSignatureMatches(candidate: string, expectedHex: string): boolean {
  if (candidate.length !== expectedHex.length || !/^[0-9a-f]+$/i.test(candidate)) return false;
  return timingSafeEqual(Buffer.from(candidate, 'hex'), Buffer.from(expectedHex, 'hex'));
}

/**
 * Constant-time equality of two secrets of any length: both are hashed first, so neither the
 * content nor the length of the stored secret leaks through timing.
 *
 * @example
 * secretsEqual(apiKeyFromHeader, storedSecret); // true | false
 */
export function secretsEqual(received: string, expected: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * A header by name, case-insensitively: requests arrive with lower-cased names, but simulators and
 * tests may pass them as documented (`X-SePay-Signature`).
 *
 * @example
 * headerValue(request.headers, 'X-Casso-Signature');
 */
export function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const direct = headers[wanted];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * Splits a `t=<timestamp>,v1=<sig>[,v1=<sig>…]` header (Stripe style; several v1 during a key
 * rotation). Returns undefined when there is no numeric t or no v1.
 *
 * @example
 * parseTimestampedHeader('t=1727948258788,v1=ed0a…'); // { timestamp: '1727948258788', signatures: ['ed0a…'] }
 */
export function parseTimestampedHeader(
  header: string,
): { timestamp: string; signatures: string[] } | undefined {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (!timestamp || !/^\d{1,15}$/.test(timestamp) || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}
