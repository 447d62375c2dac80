/**
 * Cross-check against vietnam-qr-pay (devDependency only) on ≥10,000 random payloads, both ways:
 * byte-identical output for the inputs both libraries support, and each decodes the other's payloads.
 */
import { decode, encode } from '@thuphi/qr';
import fc from 'fast-check';
import { QRPay } from 'vietnam-qr-pay';
import { describe, expect, test } from 'vitest';

// vietnam-qr-pay writes 62.08 only when the purpose is truthy and accepts no explicit empty memo.
const input = fc.record(
  {
    bin: fc.stringMatching(/^\d{6}$/),
    account: fc.stringMatching(/^[A-Za-z0-9]{1,19}$/),
    amount: fc.integer({ min: 1, max: 9_999_999_999_999 }),
    purpose: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 25 }),
  },
  { requiredKeys: ['bin', 'account'] },
);

describe('cross-check with vietnam-qr-pay', () => {
  test('10,000 random inputs: identical payloads, and each library decodes the other', () => {
    let runs = 0;
    fc.assert(
      fc.property(input, (x) => {
        runs++;
        const ours = encode(x);
        const theirs = QRPay.initVietQR({
          bankBin: x.bin,
          bankNumber: x.account,
          ...(x.amount !== undefined ? { amount: String(x.amount) } : {}),
          ...(x.purpose !== undefined ? { purpose: x.purpose } : {}),
        }).build();
        expect(ours).toBe(theirs);

        // theirs → our decoder
        const r = decode(theirs);
        expect(r.ok).toBe(true);
        expect(r.value).toMatchObject({ bin: x.bin, account: x.account });
        expect(r.value?.amount).toBe(x.amount);
        expect(r.value?.purpose).toBe(x.purpose);
        expect(r.value?.initiation).toBe(x.amount !== undefined ? 'dynamic' : 'static');

        // ours → their decoder
        const q = new QRPay(ours);
        expect(q.isValid).toBe(true);
        expect(q.consumer.bankBin).toBe(x.bin);
        expect(q.consumer.bankNumber).toBe(x.account);
        expect(q.amount).toBe(x.amount !== undefined ? String(x.amount) : undefined);
        expect(q.additionalData.purpose).toBe(x.purpose);
      }),
      { numRuns: 10_000, seed: 20261123 },
    );
    expect(runs).toBeGreaterThanOrEqual(10_000);
  }, 60_000);
});
