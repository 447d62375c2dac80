/**
 * The VietQR grammar in one place: tag IDs, fixed values and the order the encoder writes.
 * Every other module names tags through these constants so a spec change touches one file.
 */

/** Top-level tag IDs (EMVCo MPM as profiled by NAPAS for VietQR). */
export const Tag = {
  PAYLOAD_FORMAT: '00',
  INITIATION: '01',
  MERCHANT_ACCOUNT: '38',
  MCC: '52',
  CURRENCY: '53',
  AMOUNT: '54',
  COUNTRY: '58',
  MERCHANT_NAME: '59',
  MERCHANT_CITY: '60',
  ADDITIONAL_DATA: '62',
  CRC: '63',
} as const;

/** Sub-tags of 38 (merchant account information, VietQR template). */
export const AccountTag = {
  GUID: '00',
  BENEFICIARY: '01',
  SERVICE: '02',
} as const;

/** Sub-tags of 38.01 (beneficiary organization). */
export const BeneficiaryTag = {
  BIN: '00',
  ACCOUNT: '01',
} as const;

/** Sub-tags of 62 (additional data field template). */
export const AdditionalTag = {
  BILL_NUMBER: '01',
  MOBILE_NUMBER: '02',
  STORE_LABEL: '03',
  LOYALTY_NUMBER: '04',
  REFERENCE_LABEL: '05',
  CUSTOMER_LABEL: '06',
  TERMINAL_LABEL: '07',
  PURPOSE: '08',
  CONSUMER_DATA_REQUEST: '09',
} as const;

/** Fixed values. */
export const PAYLOAD_FORMAT = '01';
export const INITIATION_STATIC = '11';
export const INITIATION_DYNAMIC = '12';
export const VIETQR_GUID = 'A000000727';
/** VNPAY-QR GUID: recognised only to explain why such a payload is not VietQR. */
export const VNPAY_GUID = 'A000000775';
export const CURRENCY_VND = '704';
export const COUNTRY_VN = 'VN';
export const SERVICE_ACCOUNT = 'QRIBFTTA';
export const SERVICE_CARD = 'QRIBFTTC';

/** A TLV value can never exceed 99 characters: the length field has two digits. */
export const MAX_VALUE_LENGTH = 99;
/** Length of the CRC trailer `6304XXXX`. */
export const CRC_TRAILER_LENGTH = 8;
