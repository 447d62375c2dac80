import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CallbackVerificationError,
  signGenericCallback,
  verifyGenericSignature,
} from '../src/shared/signing.js';

const secret = 'whsec_unit';
const now = new Date('2026-11-23T02:00:00Z');
const t = now.getTime() / 1000;

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallbackVerificationError) return error.reason;
    throw error;
  }
  return 'passed';
}

describe('generic callback signature', () => {
  it('accepts what signGenericCallback produces, over the raw bytes', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -300, max: 300 }), (body, skew) => {
        const header = signGenericCallback({ body, secret, timestamp: t + skew });
        expect(verifyGenericSignature({ rawBody: Buffer.from(body), header, secret, now })).toEqual({
          timestamp: t + skew,
        });
      }),
    );
  });

  it('matches the documented formula HMAC-SHA256(secret, "<t>.<body>")', () => {
    // Computed independently: printf '1795399200.{"a":1}' | openssl dgst -sha256 -hmac whsec_unit
    const header = signGenericCallback({ body: '{"a":1}', secret, timestamp: 1795399200 });
    expect(header).toBe('t=1795399200,v1=50516984d852cd97f84230bee36550bb0d483ad7a89a5616c5813b075e330fd9');
  });

  it('names the check that failed', () => {
    const body = '{"x":1}';
    const good = signGenericCallback({ body, secret, timestamp: t });
    expect(failure(() => verifyGenericSignature({ rawBody: body, header: undefined, secret, now }))).toBe(
      'missing_header',
    );
    expect(failure(() => verifyGenericSignature({ rawBody: body, header: 'sha256=abc', secret, now }))).toBe(
      'malformed_header',
    );
    expect(
      failure(() =>
        verifyGenericSignature({
          rawBody: body,
          header: signGenericCallback({ body, secret, timestamp: t - 301 }),
          secret,
          now,
        }),
      ),
    ).toBe('timestamp_outside_tolerance');
    expect(failure(() => verifyGenericSignature({ rawBody: `${body} `, header: good, secret, now }))).toBe(
      'no_matching_signature',
    );
    expect(failure(() => verifyGenericSignature({ rawBody: body, header: good, secret: 'other', now }))).toBe(
      'no_matching_signature',
    );
  });

  it('accepts any of several v1 values (secret rotation)', () => {
    const body = 'payload';
    const header = signGenericCallback({ body, secret, timestamp: t });
    const v1 = header.split('v1=')[1];
    const rotated = `t=${t},v1=${'0'.repeat(64)},v1=${v1}`;
    expect(failure(() => verifyGenericSignature({ rawBody: body, header: rotated, secret, now }))).toBe(
      'passed',
    );
  });
});
