/**
 * @module Signing, the one HMAC module: the primitives every bank-callback adapter verifies with, and
 * the generic signed format `X-Thuphi-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, `${t}.${raw body}`). Callbacks are verified with it and outgoing events
 * are signed with it, so an integrator checks both with the same code. Pure: the clock and secret are
 * passed in.
 */
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

export const GENERIC_SIGNATURE_HEADER = 'x-thuphi-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_outside_tolerance'
  | 'no_matching_signature';

export class CallbackVerificationError extends Error {
  readonly reason: SignatureFailure;
  constructor(reason: SignatureFailure, message: string) {
    super(message);
    this.name = 'CallbackVerificationError';
    this.reason = reason;
  }
}

export interface VerifyOptions {
  rawBody: Buffer | string;
  header: string | undefined;
  secret: string;
  now: Date;
  /** Seconds a signature stays valid either side of `now`; the safe default, never 0 = off. */
  toleranceSeconds?: number;
}

/**
 * Checks a generic callback's signature over the raw bytes; throws a CallbackVerificationError
 * that says which check failed.
 *
 * @example
 * verifyGenericSignature({ rawBody, header: req.get('X-Thuphi-Signature'), secret, now: new Date() });
 */
export function verifyGenericSignature(options: VerifyOptions): { timestamp: number } {
  const { header, secret, rawBody, now } = options;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!header) throw new CallbackVerificationError('missing_header', 'X-Thuphi-Signature header is missing');
  // Several v1 values may be sent while a secret is being rotated.
  const parsed = parseTimestampedHeader(header);
  // Unix seconds: at most 12 digits (a millisecond timestamp is a sender's mistake, not a signature).
  if (!parsed || parsed.timestamp.length > 12) {
    throw new CallbackVerificationError('malformed_header', 'expected "t=<unix seconds>,v1=<hex signature>"');
  }
  const { timestamp, signatures: candidates } = parsed;
  const t = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - t) > tolerance) {
    throw new CallbackVerificationError(
      'timestamp_outside_tolerance',
      `timestamp ${t} is more than ${tolerance}s away from the server clock (a replay, or a wrong clock)`,
    );
  }
  const expected = Buffer.from(hmacHex('sha256', secret, `${timestamp}.`, rawBody), 'hex');
  const matched = candidates.some((c) => {
    if (!/^[0-9a-f]{64}$/i.test(c)) return false;
    return timingSafeEqual(Buffer.from(c, 'hex'), expected);
  });
  if (!matched) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'no v1 signature matches the body: sign the exact raw bytes sent, with the current secret',
    );
  }
  return { timestamp: t };
}

/**
 * Produces a valid header for a body, for tests, simulators and integrators' own checks.
 *
 * @example
 * const header = signGenericCallback({ body: JSON.stringify(credit), secret, timestamp: Date.now() / 1000 });
 */
export function signGenericCallback(options: { body: string; secret: string; timestamp?: number }): string {
  const t = String(Math.floor(options.timestamp ?? Date.now() / 1000));
  return `t=${t},v1=${hmacHex('sha256', options.secret, `${t}.`, options.body)}`;
}
