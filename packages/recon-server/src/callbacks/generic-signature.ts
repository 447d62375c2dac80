/**
 * @module The generic signed callback format: `X-Thuphi-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, `${t}.${raw body}`). Pure: the clock and secret are passed in.
 */
import { timingSafeEqual } from 'node:crypto';
import { hmacHex, parseTimestampedHeader } from './providers/signing.js';

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
