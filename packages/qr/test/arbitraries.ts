/** fast-check generators of encoder inputs in normal form (every defaulted field explicit). */
import type { VietQrInput } from '@thuphi/qr';
import fc from 'fast-check';

/** Printable ASCII (0x20–0x7E): fast-check's `grapheme-ascii` unit. */
export const printable = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength });

const KNOWN = new Set(['00', '01', '38', '52', '53', '54', '58', '59', '60', '62', '63']);
const OPEN_TOP_IDS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).filter(
  (id) => !KNOWN.has(id),
);
const OPEN_62_IDS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).filter(
  (id) => id === '00' || id >= '10',
);

const common = {
  bin: fc.stringMatching(/^\d{6}$/),
  initiation: fc.constantFrom('static' as const, 'dynamic' as const),
  amount: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 9_999_999_999_999 })),
  mcc: fc.stringMatching(/^\d{4}$/),
  merchantName: printable(25),
  merchantCity: printable(15),
  billNumber: printable(12),
  mobileNumber: printable(12),
  storeLabel: printable(8),
  referenceLabel: printable(12),
  terminalLabel: printable(8),
  purpose: printable(25),
  consumerDataRequest: fc.constantFrom('A', 'M', 'E', 'AM', 'ME', 'AME', 'EMA'),
  extraAdditionalTags: fc.dictionary(fc.constantFrom(...OPEN_62_IDS), printable(10), { maxKeys: 2 }),
  extraTags: fc.dictionary(fc.constantFrom(...OPEN_TOP_IDS), printable(60), { minKeys: 1, maxKeys: 3 }),
};
const required = ['bin', 'account', 'service', 'initiation'] as const;

// Built once (not inside .chain): constructing stringMatching arbitraries per sample is slow.
export const vietQrInput: fc.Arbitrary<VietQrInput> = fc.oneof(
  fc.record(
    {
      ...common,
      account: fc.stringMatching(/^[A-Za-z0-9]{1,19}$/),
      service: fc.constant('QRIBFTTA' as const),
    },
    { requiredKeys: [...required] },
  ),
  fc.record(
    { ...common, account: fc.stringMatching(/^\d{1,19}$/), service: fc.constant('QRIBFTTC' as const) },
    { requiredKeys: [...required] },
  ),
);

/** Length tag 62 would have: the encoder must refuse inputs where it exceeds 99. */
export function additionalLength(x: VietQrInput): number {
  const keys = [
    'billNumber',
    'mobileNumber',
    'storeLabel',
    'loyaltyNumber',
    'referenceLabel',
    'customerLabel',
    'terminalLabel',
    'purpose',
    'consumerDataRequest',
  ] as const;
  let n = 0;
  for (const k of keys) if (x[k] !== undefined) n += 4 + x[k].length;
  for (const v of Object.values(x.extraAdditionalTags ?? {})) n += 4 + v.length;
  return n;
}
