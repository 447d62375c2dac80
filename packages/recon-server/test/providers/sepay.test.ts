/** SePay: API-key or HMAC headers, chosen by what the request carries. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sepayFormBody, sepayProvider, sepaySignature } from '../../src/callbacks/providers/sepay.js';
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

describe('SePay form-encoded bodies (the webhook payload format "Form (URL-encoded)")', () => {
  // The sample transaction as SePay sends it with that format: the same fields, every value as text,
  // `null` as an empty value, UTF-8 percent-encoded.
  const form =
    'id=92704&gateway=Vietcombank&transactionDate=2026-07-15+09%3A41%3A27&accountNumber=0071000123456' +
    '&code=KB123456&content=KB123456+NGUYEN+VAN+A+nop+phi+HS000123&transferType=in&transferAmount=150000' +
    '&accumulated=19077000&subAccount=&referenceCode=FT26196123456789' +
    '&description=MBVCB.9876543210.KB123456+NGUYEN+VAN+A+nop+phi+HS000123.CT+tu+0901234567+NGUYEN+VAN+A+toi+0071000123456+KHO+BAC+NHA+NUOC';
  const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

  it('is the JSON sample, field for field', () => {
    const sorted = (params: URLSearchParams) => {
      params.sort();
      return params.toString();
    };
    const fromJson = new URLSearchParams(
      Object.entries(hmacSample.request.body).map(([k, v]): [string, string] => [
        k,
        v === null ? '' : String(v),
      ]),
    );
    expect(sorted(new URLSearchParams(form))).toBe(sorted(fromJson));
    expect(sepayFormBody(Buffer.from(form))).toEqual(hmacSample.request.body);
  });

  it('verifies (HMAC over the raw form bytes, or the API key) and parses into the same credit', () => {
    const t = String(signedAt);
    const hmac = requestOf(form, {
      ...formHeaders,
      'X-SePay-Timestamp': t,
      'X-SePay-Signature': `sha256=${sepaySignature(hmacSample.secret, t, form)}`,
    });
    expect(failure(() => sepayProvider.verify(hmac, ctx(hmacSample.secret)))).toBe('passed');
    expect(sepayProvider.parse(hmac)).toEqual({ credits: [expectedCredit], ignored: [] });

    const apiKey = requestOf(form, {
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
      Authorization: apiKeySample.request.headers.Authorization,
    });
    expect(failure(() => sepayProvider.verify(apiKey, ctx(apiKeySample.apiKey)))).toBe('passed');
    expect(sepayProvider.parse(apiKey).credits).toEqual([expectedCredit]);
  });

  it('reads Vietnamese text and empty optional fields', () => {
    const body =
      `${form.replace('content=KB123456+NGUYEN+VAN+A+nop+phi+HS000123', `content=${encodeURIComponent('Nộp lệ phí HS000123')}`)}`.replace(
        'code=KB123456',
        'code=',
      );
    const [credit] = sepayProvider.parse(requestOf(body, formHeaders)).credits;
    expect(credit?.memo).toBe('Nộp lệ phí HS000123');
  });

  it('refuses what a form cannot mean: a field twice, a NUL, a number that is not one', () => {
    expect(
      payloadErrorPath(() => sepayProvider.parse(requestOf(`${form}&transferAmount=1`, formHeaders))),
    ).toBe('transferAmount');
    expect(payloadErrorPath(() => sepayProvider.parse(requestOf(`${form}&x=%00`, formHeaders)))).toBe('x');
    const notANumber = form.replace('transferAmount=150000', 'transferAmount=150.000%C4%91');
    expect(payloadErrorPath(() => sepayProvider.parse(requestOf(notANumber, formHeaders)))).toBe(
      'transferAmount',
    );
    const proto = sepayFormBody(Buffer.from('__proto__=x&id=1'));
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('answers a multipart body with what to change, and still reads JSON without a form type', () => {
    const multipart = requestOf('--b\r\nContent-Disposition: form-data; name="id"\r\n\r\n1\r\n--b--', {
      'Content-Type': 'multipart/form-data; boundary=b',
    });
    expect(() => sepayProvider.parse(multipart)).toThrow(/payload format to JSON or URL-encoded/);
    expect(payloadErrorPath(() => sepayProvider.parse(multipart))).toBe('');
    expect(
      sepayProvider.parse(requestOf(hmacSample.rawBody, { 'Content-Type': 'text/plain' })).credits,
    ).toEqual([expectedCredit]);
  });
});
