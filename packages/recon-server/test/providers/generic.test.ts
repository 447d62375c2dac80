/** The generic adapter: the foundation's signed format behind the ProviderAdapter interface. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { genericProvider } from '../../src/callbacks/providers/generic.js';
import { arbitrary, failure, oneByteChanged, payloadErrorPath, requestOf } from './samples.js';

const secret = 'whsec_generic_unit';
const now = new Date('2026-11-23T02:00:00Z');
const ctx = (at = now, key = secret) => ({ secret: key, now: at, toleranceSeconds: 300 });
const body = {
  transactionId: 'FT26327000001',
  accountNumber: '1023456789',
  amount: 7000,
  memo: 'TP3K9Q2M7XA nop phi',
  bookedAt: '2026-11-23 09:00:00',
};

describe('generic adapter', () => {
  const signed = genericProvider.sign({ body, secret, now });
  const request = requestOf(signed.rawBody, signed.headers);

  it('verifies what it signs, and refuses a changed byte, a wrong secret, a stale time', () => {
    expect(failure(() => genericProvider.verify(request, ctx()))).toBe('passed');
    const changed = requestOf(oneByteChanged(signed.rawBody, '"amount"'), signed.headers);
    expect(failure(() => genericProvider.verify(changed, ctx()))).toBe('no_matching_signature');
    expect(failure(() => genericProvider.verify(request, ctx(now, 'whsec_other')))).toBe(
      'no_matching_signature',
    );
    expect(failure(() => genericProvider.verify(request, ctx(new Date(now.getTime() + 301_000))))).toBe(
      'timestamp_outside_tolerance',
    );
    expect(failure(() => genericProvider.verify(requestOf(signed.rawBody), ctx()))).toBe('missing_header');
  });

  it('finds the header whatever its case', () => {
    const header = signed.headers['x-thuphi-signature'] ?? '';
    const mixed = { rawBody: Buffer.from(signed.rawBody), headers: { 'X-Thuphi-Signature': header } };
    expect(failure(() => genericProvider.verify(mixed, ctx()))).toBe('passed');
  });

  it('parses into a credit, reading an offset-less time as Vietnam time', () => {
    expect(genericProvider.parse(request)).toEqual({
      credits: [
        {
          provider: 'generic',
          providerTxnId: 'FT26327000001',
          accountNumber: '1023456789',
          amount: 7000,
          memo: 'TP3K9Q2M7XA nop phi',
          bookedAt: new Date('2026-11-23T02:00:00Z'),
        },
      ],
      ignored: [],
    });
  });

  it('reports malformed bodies with the path of the problem', () => {
    const patched = (patch: object) => requestOf(JSON.stringify({ ...body, ...patch }));
    expect(payloadErrorPath(() => genericProvider.parse(requestOf('')))).toBe('');
    expect(payloadErrorPath(() => genericProvider.parse(patched({ amount: 0 })))).toBe('amount');
    expect(payloadErrorPath(() => genericProvider.parse(patched({ amount: 10 ** 13 + 1 })))).toBe('amount');
    expect(payloadErrorPath(() => genericProvider.parse(patched({ accountNumber: '0071 000' })))).toBe(
      'accountNumber',
    );
    expect(payloadErrorPath(() => genericProvider.parse(patched({ bookedAt: 'yesterday' })))).toBe(
      'bookedAt',
    );
    expect(payloadErrorPath(() => genericProvider.parse(patched({ extra: 1 })))).toBe('extra');
  });

  it('round-trips random credits through sign, verify and parse', () => {
    fc.assert(
      fc.property(
        arbitrary.reference,
        arbitrary.accountNumber,
        arbitrary.amount,
        arbitrary.memo,
        arbitrary.bookedAt,
        (transactionId, accountNumber, amount, memo, bookedAt) => {
          const s = genericProvider.sign({
            body: { transactionId, accountNumber, amount, memo, bookedAt: bookedAt.toISOString() },
            secret,
            now,
          });
          const r = requestOf(s.rawBody, s.headers);
          genericProvider.verify(r, ctx());
          expect(genericProvider.parse(r).credits).toEqual([
            { provider: 'generic', providerTxnId: transactionId, accountNumber, amount, memo, bookedAt },
          ]);
        },
      ),
    );
  });
});
