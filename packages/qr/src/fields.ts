/**
 * Length and character-set rules for every field, shared by the encoder (input checks) and the decoder
 * (payload checks) so both sides enforce exactly the same limits.
 */
import { AdditionalTag, Tag } from './tags.js';
import type { AdditionalData } from './types.js';

export interface TextRule {
  /** Property name on VietQr / VietQrInput. */
  key: string;
  /** Tag path as shown in issues, e.g. `'62.08'`. */
  tag: string;
  /** Tag ID inside its template. */
  id: string;
  label: string;
  min: number;
  max: number;
  pattern: RegExp;
  /** The character set, in words, for messages. */
  charset: string;
  expected: string;
}

/** Printable ASCII: what every bank parser agrees on (non-ASCII makes TLV lengths ambiguous). */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ANS = 'printable ASCII (no diacritics)';

function text(key: string, tag: string, id: string, label: string, max: number): TextRule {
  return {
    key,
    tag,
    id,
    label,
    min: 0,
    max,
    pattern: PRINTABLE_ASCII,
    charset: ANS,
    expected: `${ANS}, at most ${max}`,
  };
}

export const BIN_RULE = /^\d{6}$/;
export const ACCOUNT_RULE = /^[A-Za-z0-9]{1,19}$/;
export const CARD_RULE = /^\d{1,19}$/;
export const MCC_RULE = /^\d{4}$/;
export const AMOUNT_RULE = /^[1-9]\d{0,12}$/;
/** The largest amount a VietQR payload carries (tag 54: at most 13 digits), in đồng. */
export const MAX_AMOUNT = 9_999_999_999_999;
export const TAG_ID_RULE = /^\d\d$/;

/** 59 and 60. */
export const MERCHANT_RULES: readonly TextRule[] = [
  text('merchantName', Tag.MERCHANT_NAME, Tag.MERCHANT_NAME, 'merchant name', 25),
  text('merchantCity', Tag.MERCHANT_CITY, Tag.MERCHANT_CITY, 'merchant city', 15),
];

/** Property names of the 62.01–62.09 text sub-fields. */
export type AdditionalKey = Exclude<keyof AdditionalData, 'extraAdditionalTags'>;

/** 62.01–62.09, in tag order. */
export const ADDITIONAL_RULES: readonly (TextRule & { key: AdditionalKey })[] = [
  text('billNumber', '62.01', AdditionalTag.BILL_NUMBER, 'bill number', 25),
  text('mobileNumber', '62.02', AdditionalTag.MOBILE_NUMBER, 'mobile number', 25),
  text('storeLabel', '62.03', AdditionalTag.STORE_LABEL, 'store label', 25),
  text('loyaltyNumber', '62.04', AdditionalTag.LOYALTY_NUMBER, 'loyalty number', 25),
  text('referenceLabel', '62.05', AdditionalTag.REFERENCE_LABEL, 'reference label', 25),
  text('customerLabel', '62.06', AdditionalTag.CUSTOMER_LABEL, 'customer label', 25),
  text('terminalLabel', '62.07', AdditionalTag.TERMINAL_LABEL, 'terminal label', 25),
  text('purpose', '62.08', AdditionalTag.PURPOSE, 'purpose of transaction (memo)', 25),
  {
    key: 'consumerDataRequest',
    tag: '62.09',
    id: AdditionalTag.CONSUMER_DATA_REQUEST,
    label: 'additional consumer data request',
    min: 1,
    max: 3,
    pattern: /^(?!.*(.).*\1)[AME]{1,3}$/,
    charset: 'distinct letters A, M, E',
    expected: 'one to three distinct letters of A, M, E',
  },
] as const as readonly (TextRule & { key: AdditionalKey })[];

export const ADDITIONAL_BY_ID: ReadonlyMap<string, TextRule & { key: AdditionalKey }> = new Map(
  ADDITIONAL_RULES.map((r) => [r.id, r]),
);

/** Top-level tags with a meaning in VietQR; any other 2-digit ID is kept verbatim as an extra tag. */
export const KNOWN_TOP_TAGS: ReadonlySet<string> = new Set(Object.values(Tag));

/** Checks a text value against its rule; returns the problem or undefined. */
export function checkText(rule: TextRule, value: string): { code: string; message: string } | undefined {
  if (value.length > rule.max) {
    return { code: 'too-long', message: `${rule.label} is ${value.length} characters, at most ${rule.max}` };
  }
  if (value.length < rule.min) {
    return { code: 'invalid-value', message: `${rule.label} must not be empty` };
  }
  if (!rule.pattern.test(value)) {
    return { code: 'invalid-value', message: `${rule.label} has characters outside ${rule.charset}` };
  }
  return undefined;
}
