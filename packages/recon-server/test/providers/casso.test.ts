/** Casso: v2 HMAC-SHA512 over the key-sorted whole body (t in ms), and the v1 secure-token. */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cassoProvider, deepSortKeys } from '../../src/callbacks/providers/casso.js';
import { formatBankTime } from '../../src/callbacks/providers/timestamps.js';
import { arbitrary, failure, oneByteChanged, payloadErrorPath, requestOf, sample } from './samples.js';

const docVector = sample('casso-webhook-v2-doc-vector.json');
const v2Sample = sample('casso-webhook-v2-sample.json');
const legacy = sample('casso-webhook-v1-legacy.json');

const signedAtMs = (s: { request: { headers: Record<string, string> } }) =>
  Number(/t=(\d+)/.exec(s.request.headers['X-Casso-Signature'] ?? '')?.[1]);
const ctx = (secret: string, now: Date) => ({ secret, now, toleranceSeconds: 300 });
const near = (s: typeof v2Sample) => new Date(signedAtMs(s) + 30_000);
const v2Request = (s: typeof v2Sample, raw = JSON.stringify(s.request.body)) =>
  requestOf(raw, s.request.headers);

describe('Casso v2 adapter', () => {
  it('reproduces the published signing string', () => {
    const t = signedAtMs(docVector);
    expect(`${t}.${JSON.stringify(deepSortKeys(docVector.request.body))}`).toBe(docVector.signingString);
  });

  it('verifies the published doc vector and the shared sample', () => {
    expect(
      failure(() => cassoProvider.verify(v2Request(docVector), ctx(docVector.checksumKey, near(docVector)))),
    ).toBe('passed');
    expect(
      failure(() => cassoProvider.verify(v2Request(v2Sample), ctx(v2Sample.checksumKey, near(v2Sample)))),
    ).toBe('passed');
  });

  it('refuses a one-byte change, a wrong key, and a stale timestamp (t in milliseconds)', () => {
    const raw = JSON.stringify(v2Sample.request.body);
    const changed = oneByteChanged(raw, '"amount"');
    const key = v2Sample.checksumKey;
    expect(failure(() => cassoProvider.verify(v2Request(v2Sample, changed), ctx(key, near(v2Sample))))).toBe(
      'no_matching_signature',
    );
    expect(
      failure(() => cassoProvider.verify(v2Request(v2Sample), ctx(docVector.checksumKey, near(v2Sample)))),
    ).toBe('no_matching_signature');
    const t = signedAtMs(v2Sample);
    expect(failure(() => cassoProvider.verify(v2Request(v2Sample), ctx(key, new Date(t + 300_000))))).toBe(
      'passed',
    );
    expect(failure(() => cassoProvider.verify(v2Request(v2Sample), ctx(key, new Date(t + 300_001))))).toBe(
      'timestamp_outside_tolerance',
    );
    expect(failure(() => cassoProvider.verify(v2Request(v2Sample), ctx(key, new Date(t - 300_001))))).toBe(
      'timestamp_outside_tolerance',
    );
  });

  it('verifies the parsed body, so key order and whitespace in the raw bytes do not matter', () => {
    const reordered = JSON.stringify({ data: deepSortKeys(v2Sample.request.body.data), error: 0 }, null, 2);
    expect(
      failure(() =>
        cassoProvider.verify(v2Request(v2Sample, reordered), ctx(v2Sample.checksumKey, near(v2Sample))),
      ),
    ).toBe('passed');
  });

  it('also accepts the PHP json_encode serialisation (escaped "/" and non-ASCII)', () => {
    const body = { error: 0, data: { ...v2Sample.request.body.data, description: 'Nộp phí HS 12/2026' } };
    const t = '1784083287123';
    const php = JSON.stringify(deepSortKeys(body)).replace(/[/\u0080-\uffff]/g, (c) =>
      c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    expect(php).toContain('N\\u1ed9p ph\\u00ed HS 12\\/2026');
    const v1 = createHmac('sha512', 'casso_php_key').update(`${t}.${php}`).digest('hex');
    const request = requestOf(JSON.stringify(body), { 'X-Casso-Signature': `t=${t},v1=${v1}` });
    expect(failure(() => cassoProvider.verify(request, ctx('casso_php_key', new Date(Number(t)))))).toBe(
      'passed',
    );
  });

  it('names a missing or malformed header', () => {
    const raw = JSON.stringify(v2Sample.request.body);
    const c = ctx(v2Sample.checksumKey, near(v2Sample));
    expect(failure(() => cassoProvider.verify(requestOf(raw), c))).toBe('missing_header');
    expect(failure(() => cassoProvider.verify(requestOf(raw, { 'X-Casso-Signature': 'v1=abc' }), c))).toBe(
      'malformed_header',
    );
  });

  it('parses the sample into a credit keyed by Casso’s id', () => {
    expect(cassoProvider.parse(v2Request(v2Sample))).toEqual({
      credits: [
        {
          provider: 'casso',
          providerTxnId: '1548392',
          accountNumber: '0071000123456',
          amount: 150000,
          memo: 'KB123456 NGUYEN VAN A nop phi HS000123',
          bookedAt: new Date('2026-07-15T09:41:27+07:00'),
          bankReference: 'FT26196123456789',
        },
      ],
      ignored: [],
    });
  });

  it('ignores the test webhook (id 0), money out and errors', () => {
    expect(cassoProvider.parse(v2Request(docVector))).toEqual({
      credits: [],
      ignored: [{ providerTxnId: '0', reason: 'casso_test_webhook' }],
    });
    const out = { error: 0, data: { ...v2Sample.request.body.data, amount: -150000 } };
    expect(cassoProvider.parse(requestOf(JSON.stringify(out))).ignored).toEqual([
      { providerTxnId: '1548392', reason: 'outgoing_transfer' },
    ]);
    const failed = { ...v2Sample.request.body, error: 1 };
    expect(cassoProvider.parse(requestOf(JSON.stringify(failed))).credits).toEqual([]);
  });

  it('reports malformed bodies with the path of the problem', () => {
    const withData = (patch: object) =>
      requestOf(JSON.stringify({ error: 0, data: { ...v2Sample.request.body.data, ...patch } }));
    expect(payloadErrorPath(() => cassoProvider.parse(requestOf('nope')))).toBe('');
    expect(payloadErrorPath(() => cassoProvider.parse(withData({ amount: 1.5 })))).toBe('data.amount');
    expect(payloadErrorPath(() => cassoProvider.parse(withData({ accountNumber: undefined })))).toBe(
      'data.accountNumber',
    );
    expect(
      payloadErrorPath(() => cassoProvider.parse(withData({ transactionDateTime: '2026-07-15 25:00:00' }))),
    ).toBe('data.transactionDateTime');
  });

  it('acknowledges with 200', () => {
    expect(cassoProvider.acknowledge().status).toBe(200);
  });

  it('round-trips random credits through sign, verify and parse', () => {
    const now = new Date('2026-11-23T02:00:00Z');
    fc.assert(
      fc.property(
        arbitrary.numericId,
        arbitrary.accountNumber,
        arbitrary.amount,
        arbitrary.memo,
        arbitrary.bookedAt,
        (id, accountNumber, amount, memo, bookedAt) => {
          const secret = 'casso_property_key';
          const body = {
            error: 0,
            data: {
              ...v2Sample.request.body.data,
              id,
              accountNumber,
              amount,
              description: memo,
              transactionDateTime: formatBankTime(bookedAt),
            },
          };
          const signed = cassoProvider.sign({ body, secret, now });
          const request = requestOf(signed.rawBody, signed.headers);
          cassoProvider.verify(request, ctx(secret, now));
          expect(cassoProvider.parse(request).credits).toEqual([
            {
              provider: 'casso',
              providerTxnId: String(id),
              accountNumber,
              amount,
              memo,
              bookedAt,
              bankReference: v2Sample.request.body.data.reference,
            },
          ]);
        },
      ),
    );
  });
});

describe('Casso v1 (legacy) adapter', () => {
  const raw = JSON.stringify(legacy.request.body);
  const now = new Date('2026-07-15T03:00:00Z');

  it('accepts the secure-token in constant time and refuses another', () => {
    expect(
      failure(() => cassoProvider.verify(requestOf(raw, legacy.request.headers), ctx('@123#abc', now))),
    ).toBe('passed');
    expect(
      failure(() => cassoProvider.verify(requestOf(raw, legacy.request.headers), ctx('@123#abd', now))),
    ).toBe('no_matching_signature');
  });

  it('parses each positive item of the data array into a credit', () => {
    const item = legacy.request.body.data[0];
    const body = { error: 0, data: [item, { ...item, id: 1548393, amount: -20000 }] };
    expect(cassoProvider.parse(requestOf(JSON.stringify(body)))).toEqual({
      credits: [
        {
          provider: 'casso',
          providerTxnId: '1548392',
          accountNumber: '0071000123456',
          amount: 150000,
          memo: 'KB123456 NGUYEN VAN A nop phi HS000123',
          bookedAt: new Date('2026-07-15T02:41:27Z'),
        },
      ],
      ignored: [{ providerTxnId: '1548393', reason: 'outgoing_transfer' }],
    });
    expect(
      payloadErrorPath(() =>
        cassoProvider.parse(requestOf(JSON.stringify({ error: 0, data: [{ ...item, when: 'x' }] }))),
      ),
    ).toBe('data[0].when');
  });
});
