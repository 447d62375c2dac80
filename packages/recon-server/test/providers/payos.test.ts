/** payOS: signature in the body over sorted `data`, checked against the official vector and the SDK. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { payosProvider, payosSigningString } from '../../src/callbacks/providers/payos.js';
import { formatBankTime } from '../../src/callbacks/providers/timestamps.js';
import { arbitrary, failure, oneByteChanged, payloadErrorPath, requestOf, sample } from './samples.js';

const docVector = sample('payos-webhook-doc-vector.json');
const sdkSample = sample('payos-webhook-sample.json');
// payOS signs no timestamp: any clock verifies, which is exactly the missing replay window.
const now = new Date('2026-11-23T02:00:00Z');
const ctx = (secret: string) => ({ secret, now, toleranceSeconds: 300 });

describe('payOS adapter', () => {
  it('builds the documented signing string', () => {
    expect(payosSigningString(docVector.body.data)).toBe(docVector.signingString);
    expect(payosSigningString(sdkSample.body.data)).toBe(sdkSample.signingString);
    expect(payosSigningString({ b: null, a: 'null', c: undefined, d: [{ y: 1, x: 2 }] })).toBe(
      'a=&b=&d=[{"x":2,"y":1}]',
    );
  });

  it('verifies the official doc vector 412e915d… and the SDK-signed sample', () => {
    expect(docVector.body.signature.startsWith('412e915d')).toBe(true);
    expect(
      failure(() =>
        payosProvider.verify(requestOf(JSON.stringify(docVector.body)), ctx(docVector.checksumKey)),
      ),
    ).toBe('passed');
    expect(
      failure(() =>
        payosProvider.verify(requestOf(JSON.stringify(sdkSample.body)), ctx(sdkSample.checksumKey)),
      ),
    ).toBe('passed');
  });

  it('does NOT verify the API-schema sample signature 8d8640d8…', () => {
    const schemaSample = {
      ...docVector.body,
      signature: '8d8640d802576397a1ce45ebda7f835055768ac7ad2e0bfb77f9b8f12cca4c7f',
    };
    expect(
      failure(() =>
        payosProvider.verify(requestOf(JSON.stringify(schemaSample)), ctx(docVector.checksumKey)),
      ),
    ).toBe('no_matching_signature');
  });

  it('refuses a one-byte change, a wrong key, and a missing or malformed signature', () => {
    const raw = JSON.stringify(sdkSample.body);
    const changed = oneByteChanged(raw, '"amount"');
    expect(changed).toContain('"amount":250000');
    expect(failure(() => payosProvider.verify(requestOf(changed), ctx(sdkSample.checksumKey)))).toBe(
      'no_matching_signature',
    );
    expect(failure(() => payosProvider.verify(requestOf(raw), ctx(docVector.checksumKey)))).toBe(
      'no_matching_signature',
    );
    const { signature: _, ...unsigned } = sdkSample.body;
    expect(
      failure(() => payosProvider.verify(requestOf(JSON.stringify(unsigned)), ctx(sdkSample.checksumKey))),
    ).toBe('missing_header');
    const short = JSON.stringify({ ...sdkSample.body, signature: 'abc' });
    expect(failure(() => payosProvider.verify(requestOf(short), ctx(sdkSample.checksumKey)))).toBe(
      'malformed_header',
    );
    expect(failure(() => payosProvider.verify(requestOf('not json'), ctx(sdkSample.checksumKey)))).toBe(
      'malformed_header',
    );
  });

  it('signs only `data`: the top-level code/desc/success are not covered', () => {
    // So a tampered top-level code can only make a genuine credit be ignored, never invent one.
    const raw = JSON.stringify({ ...sdkSample.body, desc: 'tampered' });
    expect(failure(() => payosProvider.verify(requestOf(raw), ctx(sdkSample.checksumKey)))).toBe('passed');
  });

  it('parses the sample into a credit keyed by the bank reference', () => {
    const parsed = payosProvider.parse(requestOf(JSON.stringify(sdkSample.body)));
    expect(parsed).toEqual({
      credits: [
        {
          provider: 'payos',
          providerTxnId: 'FT26196123456789',
          accountNumber: '0071000123456',
          amount: 150000,
          memo: 'CSIUIF4UZH2 LPTB HS000123',
          bookedAt: new Date('2026-07-15T09:41:27+07:00'),
          bankReference: 'FT26196123456789',
        },
      ],
      ignored: [],
    });
  });

  it('ignores the confirm-webhook fixture and unsuccessful deliveries', () => {
    expect(payosProvider.parse(requestOf(JSON.stringify(docVector.body)))).toEqual({
      credits: [],
      ignored: [{ providerTxnId: 'TF230204212323', reason: 'payos_confirmation_probe' }],
    });
    const failed = { ...sdkSample.body, code: '01', success: false };
    const parsed = payosProvider.parse(requestOf(JSON.stringify(failed)));
    expect(parsed.credits).toEqual([]);
    expect(parsed.ignored).toEqual([{ providerTxnId: 'FT26196123456789', reason: 'payos_code_01' }]);
    const notSuccess = { ...sdkSample.body, success: false };
    expect(payosProvider.parse(requestOf(JSON.stringify(notSuccess))).ignored[0]?.reason).toBe(
      'payos_not_success',
    );
  });

  describe('the confirm-webhook probe, recognised as payOS’s own code recognises it', () => {
    const key = sdkSample.checksumKey;
    const delivered = (data: object) => {
      const signed = payosProvider.sign({ body: { ...docVector.body, data }, secret: key, now });
      const request = requestOf(signed.rawBody, signed.headers);
      expect(failure(() => payosProvider.verify(request, ctx(key)))).toBe('passed');
      return payosProvider.parse(request);
    };
    const probe = (providerTxnId: string) => ({
      credits: [],
      ignored: [{ providerTxnId, reason: 'payos_confirmation_probe' }],
    });

    it('the documented sample with another reference, amount and payment link', () => {
      const data = {
        ...docVector.body.data,
        amount: 2000,
        reference: 'FT26327123456789',
        paymentLinkId: '0b7c2f5e9d1a4c3b8e6f7a9d2c4b1e3f',
        transactionDateTime: '2026-11-23 09:00:00',
      };
      expect(delivered(data)).toEqual(probe('FT26327123456789'));
    });

    it('the older probe, "Ma giao dich thu nghiem", whatever its order and account', () => {
      const data = {
        ...sdkSample.body.data,
        orderCode: 0,
        description: 'Ma giao dich thu nghiem',
        reference: 'MA_GIAO_DICH_THU_NGHIEM',
      };
      expect(delivered(data)).toEqual(probe('MA_GIAO_DICH_THU_NGHIEM'));
    });

    it('but a real order numbered 123, or VQRIO123 to a real account, is money', () => {
      const order123 = { ...sdkSample.body.data, orderCode: 123, accountNumber: '12345678' };
      expect(delivered(order123).credits).toHaveLength(1);
      const otherAccount = { ...docVector.body.data, accountNumber: '0071000123456' };
      expect(delivered(otherAccount).credits).toHaveLength(1);
    });
  });

  it('accepts null counterparty fields, as payOS sends for some banks', () => {
    const signed = payosProvider.sign({
      body: {
        ...sdkSample.body,
        data: { ...sdkSample.body.data, counterAccountName: null, counterAccountNumber: null },
      },
      secret: sdkSample.checksumKey,
      now,
    });
    const request = requestOf(signed.rawBody, signed.headers);
    expect(failure(() => payosProvider.verify(request, ctx(sdkSample.checksumKey)))).toBe('passed');
    expect(payosProvider.parse(request).credits).toHaveLength(1);
  });

  it('reports malformed bodies with the path of the problem', () => {
    const withData = (patch: object) =>
      JSON.stringify({ ...sdkSample.body, data: { ...sdkSample.body.data, ...patch } });
    expect(payloadErrorPath(() => payosProvider.parse(requestOf('{')))).toBe('');
    expect(payloadErrorPath(() => payosProvider.parse(requestOf(withData({ amount: '150000' }))))).toBe(
      'data.amount',
    );
    expect(payloadErrorPath(() => payosProvider.parse(requestOf(withData({ reference: '' }))))).toBe(
      'data.reference',
    );
    expect(
      payloadErrorPath(() => payosProvider.parse(requestOf(withData({ transactionDateTime: '15/07/2026' })))),
    ).toBe('data.transactionDateTime');
  });

  it('acknowledges with 200 JSON', () => {
    expect(payosProvider.acknowledge()).toEqual({ status: 200, body: { success: true } });
  });

  it('round-trips random credits through sign, verify and parse', () => {
    fc.assert(
      fc.property(
        arbitrary.reference,
        arbitrary.accountNumber,
        arbitrary.amount,
        arbitrary.memo,
        arbitrary.bookedAt,
        fc.integer({ min: 1, max: 9_007_199_254_740_991 }),
        (reference, accountNumber, amount, memo, bookedAt, orderCode) => {
          const secret = 'payos_checksum_key_property';
          const body = {
            code: '00',
            desc: 'success',
            success: true,
            data: {
              ...sdkSample.body.data,
              orderCode,
              amount,
              description: memo,
              accountNumber,
              reference,
              transactionDateTime: formatBankTime(bookedAt),
            },
          };
          const signed = payosProvider.sign({ body, secret, now });
          const request = requestOf(signed.rawBody, signed.headers);
          payosProvider.verify(request, ctx(secret));
          expect(payosProvider.parse(request).credits).toEqual([
            {
              provider: 'payos',
              providerTxnId: reference,
              accountNumber,
              amount,
              memo,
              bookedAt,
              bankReference: reference,
            },
          ]);
        },
      ),
    );
  });
});
