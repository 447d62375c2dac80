/**
 * Fast path of the decoder for the common case: a printable-ASCII payload with no problem at all.
 * The payload is copied once into a byte buffer (which proves it is ASCII); one pass over the bytes checks
 * the character set and computes the CRC, then the TLV is walked in place (no entry objects, no slices
 * except the returned values). At the first anomaly it gives up and returns undefined; the general decoder
 * then produces the precise errors. So error reporting lives in one place, and this module only has to
 * agree with it on what is valid (the fuzz test checks that they agree).
 */
import { asciiBytes, type ByteBuffer, crcPrintable, SCRATCH_LENGTH, word } from './crc16.js';
import { SERVICE_ACCOUNT, VIETQR_GUID } from './tags.js';
import type { VietQr } from './types.js';

/** Character codes of the upper-case hex digits, indexed by nibble. */
const HEX = Uint8Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));
// Fixed texts compared four bytes at a time (see word()): the GUID, and the service codes QRIBFTTA and
// QRIBFTTC, which share all but the last byte.
const GUID_0 = word(VIETQR_GUID);
const GUID_1 = word(VIETQR_GUID, 4);
const GUID_2 = VIETQR_GUID.charCodeAt(8) | (VIETQR_GUID.charCodeAt(9) << 8);
const SERVICE_0 = word(SERVICE_ACCOUNT);
const SERVICE_1 = word(SERVICE_ACCOUNT, 4) & 0xffffff;

/** A bit per top-level tag with a meaning (0 for open tags, which are checked for repeats separately). */
const KNOWN_BIT = new Int32Array(100);
[0, 1, 38, 52, 53, 54, 58, 59, 60, 62].forEach((id, i) => {
  KNOWN_BIT[id] = 1 << i;
});
/** Tags 00, 01, 38, 53 and 58 must be present. */
const REQUIRED = KNOWN_BIT[0]! | KNOWN_BIT[1]! | KNOWN_BIT[38]! | KNOWN_BIT[53]! | KNOWN_BIT[58]!;

/**
 * The TLV header at `at` (ID, length: four digits) read as one 32-bit word, returned as `id << 8 | length`,
 * or -1 unless all four are digits. The bytes are printable ASCII (checked first), so per byte lane the top
 * bit of `w - '0000'` is set for a byte below '0' and that of `'9999' - w` for one above '9'; a borrow
 * between lanes only follows such a byte.
 */
function header(view: DataView, at: number): number {
  const w = view.getInt32(at, true);
  const d = w - 0x30303030;
  if (((d | (0x39393939 - w)) & 0x80808080) !== 0) return -1;
  return (((d & 0xff) * 10 + ((d >> 8) & 0xff)) << 8) | (((d >> 16) & 0xff) * 10 + (d >>> 24));
}

function allDigits(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function alnum(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]! | 0x20; // fold A-Z onto a-z (control characters, which would fold onto digits, were refused)
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

/** Sets sub-field 62.`id` (1-9). Named stores, not `value[key]`: they stay monomorphic, so they are cheap. */
function setAdditional(value: VietQr, id: number, text: string): void {
  switch (id) {
    case 1:
      value.billNumber = text;
      break;
    case 2:
      value.mobileNumber = text;
      break;
    case 3:
      value.storeLabel = text;
      break;
    case 4:
      value.loyaltyNumber = text;
      break;
    case 5:
      value.referenceLabel = text;
      break;
    case 6:
      value.customerLabel = text;
      break;
    case 7:
      value.terminalLabel = text;
      break;
    case 8:
      value.purpose = text;
      break;
    default:
      value.consumerDataRequest = text;
  }
}

/** Returns the decoded value when the payload is valid in every respect, else undefined. */
export function fastDecode(s: string): VietQr | undefined {
  const n = s.length;
  if (n < 8 || n > SCRATCH_LENGTH) return undefined;
  const buffer = asciiBytes(s);
  if (!buffer) return undefined;
  const b = buffer.bytes;
  const view = buffer.view;
  const crc = crcPrintable(buffer, n - 4);
  if (crc < 0) return undefined;
  // Trailer: "6304" + the CRC in upper-case hex, last (a lower-case CRC, as valid, is left to the general decoder).
  if (
    b[n - 8] !== 54 ||
    b[n - 7] !== 51 ||
    b[n - 6] !== 48 ||
    b[n - 5] !== 52 ||
    b[n - 4] !== HEX[(crc >> 12) & 15] ||
    b[n - 3] !== HEX[(crc >> 8) & 15] ||
    b[n - 2] !== HEX[(crc >> 4) & 15] ||
    b[n - 1] !== HEX[crc & 15]
  ) {
    return undefined;
  }

  // Positions live in locals, one bit per known tag marks it seen (a repeat is a duplicate); open tags
  // (rare) are collected as [id, start, length].
  let seen = 0;
  let dynamic = false;
  let accountAt = -1;
  let accountEnd = 0;
  let mccAt = -1;
  let amount = -1;
  let nameAt = -1;
  let nameEnd = 0;
  let cityAt = -1;
  let cityEnd = 0;
  let additionalAt = -1;
  let additionalEnd = 0;
  let extras: [number, number, number][] | undefined;
  const end = n - 8;
  let at = 0;
  while (at < end) {
    if (at + 4 > end) return undefined;
    const h = header(view, at);
    if (h < 0) return undefined;
    const id = h >> 8;
    const len = h & 0xff;
    const v = at + 4;
    if (v + len > end) return undefined;
    const bit = KNOWN_BIT[id]!;
    if (seen & bit) return undefined; // duplicate
    seen |= bit;
    switch (id) {
      case 0:
        if (len !== 2 || b[v] !== 48 || b[v + 1] !== 49) return undefined;
        break;
      case 1:
        if (len !== 2 || b[v] !== 49 || (b[v + 1] !== 49 && b[v + 1] !== 50)) return undefined;
        dynamic = b[v + 1] === 50;
        break;
      case 38:
        accountAt = v;
        accountEnd = v + len;
        break;
      case 52:
        if (len !== 4 || !allDigits(b, v, v + 4)) return undefined;
        mccAt = v;
        break;
      case 53:
        if (len !== 3 || b[v] !== 55 || b[v + 1] !== 48 || b[v + 2] !== 52) return undefined; // 704
        break;
      case 54: {
        // 1-13 digits, no leading zero: below 2^53, so the sum is exact.
        if (len < 1 || len > 13 || b[v] === 48) return undefined;
        amount = 0;
        for (let i = v; i < v + len; i++) {
          const d = b[i]! - 48;
          if (d < 0 || d > 9) return undefined;
          amount = amount * 10 + d;
        }
        break;
      }
      case 58:
        if (len !== 2 || b[v] !== 86 || b[v + 1] !== 78) return undefined; // VN
        break;
      case 59:
        if (len > 25) return undefined;
        nameAt = v;
        nameEnd = v + len;
        break;
      case 60:
        if (len > 15) return undefined;
        cityAt = v;
        cityEnd = v + len;
        break;
      case 62:
        additionalAt = v;
        additionalEnd = v + len;
        break;
      case 63:
        return undefined; // a second CRC tag, or one that is not last
      default:
        if (extras?.some((e) => e[0] === id)) return undefined; // duplicate
        extras ??= [];
        extras.push([id, v, len]);
    }
    at = v + len;
  }
  if ((seen & REQUIRED) !== REQUIRED) return undefined;

  // 38: 00 GUID, 01 beneficiary (00 BIN, 01 account), 02 service; nothing else.
  const a0 = accountAt;
  const aEnd = accountEnd;
  let guid = -1;
  let ben = -1;
  let benLen = 0;
  let svc = -1;
  at = a0;
  while (at < aEnd) {
    if (at + 4 > aEnd) return undefined;
    const h = header(view, at);
    if (h < 0) return undefined;
    const id = h >> 8;
    const len = h & 0xff;
    const v = at + 4;
    if (v + len > aEnd) return undefined;
    if (id === 0 && guid < 0) {
      if (
        len !== 10 ||
        view.getInt32(v, true) !== GUID_0 ||
        view.getInt32(v + 4, true) !== GUID_1 ||
        view.getUint16(v + 8, true) !== GUID_2
      ) {
        return undefined;
      }
      guid = v;
    } else if (id === 1 && ben < 0) {
      ben = v;
      benLen = len;
    } else if (id === 2 && svc < 0) {
      if (
        len !== 8 ||
        view.getInt32(v, true) !== SERVICE_0 ||
        (view.getInt32(v + 4, true) & 0xffffff) !== SERVICE_1 ||
        (b[v + 7] !== 65 && b[v + 7] !== 67) // A or C
      ) {
        return undefined;
      }
      svc = v;
    } else return undefined;
    at = v + len;
  }
  if (guid < 0 || ben < 0 || svc < 0) return undefined;
  const isCard = b[svc + 7] === 67; // 'C'
  let binAt = -1;
  let accAt = -1;
  let accLen = 0;
  at = ben;
  const bEnd = ben + benLen;
  while (at < bEnd) {
    if (at + 4 > bEnd) return undefined;
    const h = header(view, at);
    if (h < 0) return undefined;
    const id = h >> 8;
    const len = h & 0xff;
    const v = at + 4;
    if (v + len > bEnd) return undefined;
    if (id === 0 && binAt < 0) {
      if (len !== 6 || !allDigits(b, v, v + 6)) return undefined;
      binAt = v;
    } else if (id === 1 && accAt < 0) {
      if (len < 1 || len > 19 || !(isCard ? allDigits(b, v, v + len) : alnum(b, v, v + len)))
        return undefined;
      accAt = v;
      accLen = len;
    } else return undefined;
    at = v + len;
  }
  if (binAt < 0 || accAt < 0) return undefined;

  const value: VietQr = {
    payloadFormat: '01',
    initiation: dynamic ? 'dynamic' : 'static',
    bin: s.slice(binAt, binAt + 6),
    account: s.slice(accAt, accAt + accLen),
    service: isCard ? 'QRIBFTTC' : 'QRIBFTTA',
    currency: '704',
    country: 'VN',
    crc: s.slice(n - 4),
  };
  if (mccAt >= 0) value.mcc = s.slice(mccAt, mccAt + 4);
  if (amount >= 0) value.amount = amount;
  if (nameAt >= 0) value.merchantName = s.slice(nameAt, nameEnd);
  if (cityAt >= 0) value.merchantCity = s.slice(cityAt, cityEnd);

  if (additionalAt >= 0 && !readAdditional(s, buffer, additionalAt, additionalEnd, value)) return undefined;

  if (extras) {
    extras.sort((x, y) => x[0] - y[0]);
    const extraTags: Record<string, string> = {};
    for (const [id, start, len] of extras)
      extraTags[id < 10 ? `0${id}` : `${id}`] = s.slice(start, start + len);
    value.extraTags = extraTags;
  }
  return value;
}

function readAdditional(s: string, buffer: ByteBuffer, from: number, to: number, value: VietQr): boolean {
  const b = buffer.bytes;
  const view = buffer.view;
  let seen = 0; // bit per sub-tag 01-09
  let extra: [string, string][] | undefined;
  let at = from;
  while (at < to) {
    if (at + 4 > to) return false;
    const h = header(view, at);
    if (h < 0) return false;
    const id = h >> 8;
    const len = h & 0xff;
    const v = at + 4;
    if (v + len > to) return false;
    if (id >= 1 && id <= 9) {
      if (seen & (1 << id)) return false;
      seen |= 1 << id;
      if (id === 9) {
        if (!consumerDataRequest(b, v, len)) return false;
      } else if (len > 25) return false;
      setAdditional(value, id, s.slice(v, v + len));
    } else {
      const key = s.slice(at, at + 2);
      if (extra?.some((e) => e[0] === key)) return false;
      extra ??= [];
      extra.push([key, s.slice(v, v + len)]);
    }
    at = v + len;
  }
  if (extra) {
    extra.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const out: Record<string, string> = {};
    for (const [k, v] of extra) out[k] = v;
    value.extraAdditionalTags = out;
  }
  return true;
}

/** 62.09: one to three distinct letters of A, M, E. */
function consumerDataRequest(b: Uint8Array, v: number, len: number): boolean {
  if (len < 1 || len > 3) return false;
  let mask = 0;
  for (let i = v; i < v + len; i++) {
    const c = b[i]!;
    const bit = c === 65 ? 1 : c === 77 ? 2 : c === 69 ? 4 : 0;
    if (bit === 0 || mask & bit) return false;
    mask |= bit;
  }
  return true;
}
