/**
 * Golden vectors, copied into test/fixtures from the team's reference folder (fixtures/SOURCES.md says
 * from where; read at test time only, the package never needs them), with the decisions for the odd ones.
 */
import { readFileSync } from 'node:fs';

export interface Vector {
  source: string;
  payload: string;
  decoded: Record<string, unknown> | null;
  crcValid: boolean;
  notes?: string[];
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const VECTORS: Vector[] = JSON.parse(fixture('vietqr-vectors.json'));
export const REJECTED: Vector[] = JSON.parse(fixture('vietqr-vectors-rejected.json'));

/**
 * Vectors we do not accept as valid VietQR, and why. Everything else must decode strictly and re-encode
 * byte-identically.
 */
export const SPECIAL: Record<string, { strictCode: string; tag: string; lenient: boolean; why: string }> = {
  'binhnguyenduc/vietqr-ts fixtures DYNAMIC_WITH_OPTIONALS': {
    strictCode: 'missing-tag',
    tag: '38.02',
    lenient: false,
    why: 'service code nested inside 38.01 (as 38.01.02) and no 38.02: structurally wrong (vietqr.md §1 pitfalls)',
  },
  '"published payload" (note 000200 PFI)': {
    strictCode: 'invalid-value',
    tag: '00',
    lenient: true,
    why: 'payload format indicator "00" instead of "01": readable, so lenient mode returns the fields',
  },
  'VNPAY-QR (tag 26, GUID A000000775) not VietQR': {
    strictCode: 'not-vietqr',
    tag: '38',
    lenient: false,
    why: 'a VNPAY-QR merchant code (tag 26), not a VietQR transfer',
  },
  'odoo/odoo PR #127689': {
    strictCode: 'non-ascii',
    tag: '59',
    lenient: true,
    why: 'non-ASCII 59 with lengths in JS characters: CRC-valid but ambiguous; lenient mode reads it, the encoder emits ASCII only',
  },
};

export function specialFor(source: string) {
  const key = Object.keys(SPECIAL).find((k) => source.includes(k));
  return key ? SPECIAL[key] : undefined;
}

/** Maps the reference file's description of a vector to our VietQr field names. */
export function expectedFields(d: Record<string, unknown>): Record<string, unknown> {
  const account = d.merchantAccount as {
    beneficiary: { acquirerBin: string; accountOrCard: string };
    serviceCode?: string;
  };
  const out: Record<string, unknown> = {
    payloadFormat: d.payloadFormatIndicator,
    initiation: String(d.pointOfInitiation).startsWith('11') ? 'static' : 'dynamic',
    bin: account.beneficiary.acquirerBin,
    account: account.beneficiary.accountOrCard,
    currency: d.currency,
    country: d.country,
    crc: d.crc,
  };
  if (account.serviceCode) out.service = account.serviceCode;
  if (d.amount !== undefined) out.amount = Number(d.amount);
  if (d.mcc !== undefined) out.mcc = d.mcc;
  if (d.merchantName !== undefined) out.merchantName = d.merchantName;
  if (d.merchantCity !== undefined) out.merchantCity = d.merchantCity;
  const names: Record<string, string> = {
    '01': 'billNumber',
    '02': 'mobileNumber',
    '03': 'storeLabel',
    '04': 'loyaltyNumber',
    '05': 'referenceLabel',
    '06': 'customerLabel',
    '07': 'terminalLabel',
    '08': 'purpose',
    '09': 'consumerDataRequest',
  };
  for (const [k, v] of Object.entries((d.additionalData as Record<string, string>) ?? {})) {
    const id = /\((\d\d)\)/.exec(k)?.[1];
    if (id) out[names[id]!] = v;
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) {
    const m = /^tag(\d\d)$/.exec(k);
    if (m) extra[m[1]!] = String(v);
  }
  if (Object.keys(extra).length > 0) out.extraTags = extra;
  return out;
}
