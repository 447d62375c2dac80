/** SePay: API-key or HMAC headers, chosen by what the request carries. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sepayProvider } from '../../src/callbacks/providers/sepay.js';
import { formatBankTime } from '../../src/callbacks/providers/timestamps.js';
import { arbitrary, failure, oneByteChanged, payloadErrorPath, requestOf, sample } from './samples.js';

const hmacSample = sample('sepay-webhook-hmac.json');
const apiKeySample = sample('sepay-webhook-apikey.json');
const signedAt = Number(hmacSample.timestamp);
const now = new Date((signedAt + 20) * 1000);
const ctx = (secret: string, at = now) => ({ secret, now: at, toleranceSeconds: 300 });
const hmacRequest = (raw: string = hmacSample.rawBody) => requestOf(raw, hmacSample.request.headers);

const expectedCredit = {
  provider: 'sepay',
  providerTxnId: '92704',
  accountNumber: '0071000123456',
  amount: 150000,
  memo: 'KB123456 NGUYEN VAN A nop phi HS000123',
  bookedAt: new Date('2026-07-15T02:41:27Z'),
  bankReference: 'FT26196123456789',
};

describe('SePay adapter, HMAC mode (formula unverified against SePay’s own text)', () => {
  it('verifies the shared sample over its raw bytes', () => {
    expect(failure(() => sepayProvider.verify(hmacRequest(), ctx(hmacSample.secret)))).toBe('passed');
  });

  it('refuses a one-byte change, a wrong secret and a stale or future timestamp', () => {
    const changed = oneByteChanged(hmacSample.rawBody, '"transferAmount"');
    expect(failure(() => sepayProvider.verify(hmacRequest(changed), ctx(hmacSample.secret)))).toBe(
      'no_matching_signature',
    );
    expect(failure(() => sepayProvider.verify(hmacRequest(), ctx('whsec_wrong')))).toBe(
      'no_matching_signature',
    );
    const at = (seconds: number) => ctx(hmacSample.secret, new Date(seconds * 1000));
    expect(failure(() => sepayProvider.verify(hmacRequest(), at(signedAt + 300)))).toBe('passed');
    expect(failure(() => sepayProvider.verify(hmacRequest(), at(signedAt + 301)))).toBe(
      'timestamp_outside_tolerance',
    );
    expect(failure(() => sepayProvider.verify(hmacRequest(), at(signedAt - 301)))).toBe(
      'timestamp_outside_tolerance',
    );
  });

  it('names a missing or malformed header', () => {
    const headers = hmacSample.request.headers;
    const secret = ctx(hmacSample.secret);
    expect(failure(() => sepayProvider.verify(requestOf(hmacSample.rawBody, {}), secret))).toBe(
      'missing_header',
    );
    expect(
      failure(() =>
        sepayProvider.verify(
          requestOf(hmacSample.rawBody, { 'X-SePay-Signature': headers['X-SePay-Signature'] }),
          secret,
        ),
      ),
    ).toBe('missing_header');
    expect(
      failure(() =>
        sepayProvider.verify(
          requestOf(hmacSample.rawBody, { ...headers, 'X-SePay-Signature': 'sha256=zz' }),
          secret,
        ),
      ),
    ).toBe('malformed_header');
  });

  it('round-trips sign() through verify()', () => {
    const signed = sepayProvider.sign({ body: hmacSample.request.body, secret: 'whsec_round_trip', now });
    expect(signed.rawBody).toBe(hmacSample.rawBody);
    expect(
      failure(() => sepayProvider.verify(requestOf(signed.rawBody, signed.headers), ctx('whsec_round_trip'))),
    ).toBe('passed');
    // Same secret and second as the sample: the same signature as the shared sample.
    const again = sepayProvider.sign({
      body: hmacSample.rawBody,
      secret: hmacSample.secret,
      now: new Date(signedAt * 1000),
    });
    expect(again.headers['x-sepay-signature']).toBe(hmacSample.request.headers['X-SePay-Signature']);
  });
});

describe('SePay adapter, API-key mode', () => {
  const raw = JSON.stringify(apiKeySample.request.body);
  it('accepts the configured key and refuses any other', () => {
    const headers = apiKeySample.request.headers;
    expect(failure(() => sepayProvider.verify(requestOf(raw, headers), ctx(apiKeySample.apiKey)))).toBe(
      'passed',
    );
    expect(failure(() => sepayProvider.verify(requestOf(raw, headers), ctx(`${apiKeySample.apiKey}x`)))).toBe(
      'no_matching_signature',
    );
    expect(failure(() => sepayProvider.verify(requestOf(raw, { Authorization: 'Bearer x' }), ctx('x')))).toBe(
      'malformed_header',
    );
  });
});

describe('SePay parsing', () => {
  it('turns the sample into a credit to the real account, memo from content', () => {
    expect(sepayProvider.parse(requestOf(hmacSample.rawBody))).toEqual({
      credits: [expectedCredit],
      ignored: [],
    });
    expect(sepayProvider.parse(requestOf(JSON.stringify(apiKeySample.request.body))).credits).toEqual([
      expectedCredit,
    ]);
  });

  it('falls back to description when content is empty, and keeps accountNumber over subAccount', () => {
    const body = { ...hmacSample.request.body, content: '', subAccount: 'VQR0071000123456' };
    const [credit] = sepayProvider.parse(requestOf(JSON.stringify(body))).credits;
    expect(credit?.memo).toBe(hmacSample.request.body.description);
    expect(credit?.accountNumber).toBe('0071000123456');
  });

  it('ignores outgoing transfers and zero amounts', () => {
    const out = { ...hmacSample.request.body, transferType: 'out' };
    expect(sepayProvider.parse(requestOf(JSON.stringify(out)))).toEqual({
      credits: [],
      ignored: [{ providerTxnId: '92704', reason: 'outgoing_transfer' }],
    });
    const zero = { ...hmacSample.request.body, transferAmount: 0 };
    expect(sepayProvider.parse(requestOf(JSON.stringify(zero))).ignored).toEqual([
      { providerTxnId: '92704', reason: 'zero_amount' },
    ]);
  });

  it('reports malformed bodies with the path of the problem', () => {
    const patched = (patch: object) => requestOf(JSON.stringify({ ...hmacSample.request.body, ...patch }));
    expect(payloadErrorPath(() => sepayProvider.parse(requestOf('[]')))).toBe('');
    expect(payloadErrorPath(() => sepayProvider.parse(patched({ transferAmount: -5 })))).toBe(
      'transferAmount',
    );
    expect(payloadErrorPath(() => sepayProvider.parse(patched({ transferType: 'sideways' })))).toBe(
      'transferType',
    );
    expect(
      payloadErrorPath(() => sepayProvider.parse(patched({ transactionDate: '2026-02-30 10:00:00' }))),
    ).toBe('transactionDate');
    expect(payloadErrorPath(() => sepayProvider.parse(patched({ id: '92704' })))).toBe('id');
  });

  it('acknowledges with 200 {"success": true}', () => {
    expect(sepayProvider.acknowledge()).toEqual(apiKeySample.expectedResponse);
  });

  it('round-trips random credits through sign, verify and parse', () => {
    fc.assert(
      fc.property(
        arbitrary.numericId,
        arbitrary.accountNumber,
        arbitrary.amount,
        arbitrary.memo,
        arbitrary.bookedAt,
        (id, accountNumber, amount, memo, bookedAt) => {
          const secret = 'whsec_property';
          const body = {
            ...hmacSample.request.body,
            id,
            accountNumber,
            transferAmount: amount,
            content: memo,
            description: memo,
            transactionDate: formatBankTime(bookedAt),
          };
          const signed = sepayProvider.sign({ body, secret, now });
          const request = requestOf(signed.rawBody, signed.headers);
          sepayProvider.verify(request, ctx(secret));
          expect(sepayProvider.parse(request).credits).toEqual([
            {
              provider: 'sepay',
              providerTxnId: String(id),
              accountNumber,
              amount,
              memo,
              bookedAt,
              bankReference: hmacSample.request.body.referenceCode,
            },
          ]);
        },
      ),
    );
  });
});
