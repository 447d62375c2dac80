/** Public data types of the codec. */
import type { QrIssue } from './errors.js';

/** `static` = tag 01 value `11` (reusable QR); `dynamic` = `12` (one payment). */
export type Initiation = 'static' | 'dynamic';

/** 38.02 service code: `QRIBFTTA` transfer to an account, `QRIBFTTC` transfer to a card. */
export type ServiceCode = 'QRIBFTTA' | 'QRIBFTTC';

/** Sub-fields of tag 62 (additional data), flattened onto the payload object. */
export interface AdditionalData {
  /** 62.01 bill number. Note: bank apps do NOT pre-fill the memo from this; use `purpose`. */
  billNumber?: string;
  /** 62.02 mobile number. */
  mobileNumber?: string;
  /** 62.03 store label. */
  storeLabel?: string;
  /** 62.04 loyalty number. */
  loyaltyNumber?: string;
  /** 62.05 reference label (MoMo requires `MOMOW2W…` here). */
  referenceLabel?: string;
  /** 62.06 customer label. */
  customerLabel?: string;
  /** 62.07 terminal label. */
  terminalLabel?: string;
  /** 62.08 purpose of transaction: the transfer memo bank apps pre-fill (≤25 characters). */
  purpose?: string;
  /** 62.09 additional consumer data request: up to 3 of `A` (address), `M` (mobile), `E` (email). */
  consumerDataRequest?: string;
  /** Other 62 sub-tags (10–99), keyed by their 2-digit ID, kept and re-emitted verbatim. */
  extraAdditionalTags?: Record<string, string>;
}

/** What {@link encode} takes. */
export interface VietQrInput extends AdditionalData {
  /** 6-digit acquirer BIN (38.01.00), e.g. `'970436'` for Vietcombank. */
  bin: string;
  /** 38.01.01 account number (letters and digits) or, for `QRIBFTTC`, card number (digits); ≤19. */
  account: string;
  /** Default `QRIBFTTA`. */
  service?: ServiceCode;
  /** Integer VND, > 0, at most 13 digits. */
  amount?: number;
  /** Default: `dynamic` when `amount` is set, else `static`. */
  initiation?: Initiation;
  /** 52 merchant category code, 4 digits. */
  mcc?: string;
  /** 59 merchant name, ≤25 (banks show their own account-holder name; this is informational). */
  merchantName?: string;
  /** 60 merchant city, ≤15. */
  merchantCity?: string;
  /**
   * Top-level tags the VietQR profile leaves open (e.g. `'15'`, `'64'`, `'80'`–`'99'`), keyed by 2-digit ID,
   * kept and re-emitted verbatim in ascending tag order.
   */
  extraTags?: Record<string, string>;
}

/** What {@link decode} returns. */
export interface VietQr extends AdditionalData {
  /** Tag 00, `'01'`. */
  payloadFormat: string;
  initiation: Initiation;
  bin: string;
  account: string;
  service: string;
  mcc?: string;
  /** Tag 53, `'704'`. */
  currency: string;
  amount?: number;
  /** Tag 58, `'VN'`. */
  country: string;
  merchantName?: string;
  merchantCity?: string;
  extraTags?: Record<string, string>;
  /** Tag 63 in upper case (4 hex digits; a payload may write them in lower case, which is as valid). */
  crc: string;
}

/**
 * Result of {@link decode}: `ok` with the fields, or the list of precise errors. With `ok: true`, `errors`
 * is empty in strict mode and lists the tolerated problems in lenient mode. With `ok: false`, `value` is
 * present when tag 38 could be read; it is best effort (fields that could not be read are empty strings).
 */
export type DecodeResult =
  | { ok: true; value: VietQr; errors: QrIssue[] }
  | { ok: false; value?: VietQr; errors: QrIssue[] };

/** Options of {@link decode}. */
export interface DecodeOptions {
  /**
   * Accept payloads whose only problems leave the fields readable: a CRC mismatch, a payload format
   * other than `01`, non-ASCII text. Those problems are still listed in `errors`.
   */
  lenient?: boolean;
}
