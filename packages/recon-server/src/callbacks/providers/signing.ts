/** @module Small header helpers shared by the provider adapters; the HMAC primitives live in shared/signing. */
export { hexSignatureMatches, hmacHex, parseTimestampedHeader, secretsEqual } from '../../shared/signing.js';

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
