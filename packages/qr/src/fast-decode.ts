/**
 * Fast path of the decoder for the common case: a printable-ASCII payload with no problem at all.
 * One pass computes the CRC and checks the character set, then the TLV is walked in place (no entry
 * objects, no slices except the returned values). At the first anomaly it gives up and returns undefined;
 * the general decoder then produces the precise errors. So error reporting lives in one place, and this
 * module only has to agree with it on what is valid (the fuzz test checks that they agree).
 */
import { crcStep, pairTable } from './crc16.js';
import type { VietQr } from './types.js';

const HEX = '0123456789ABCDEF';

// Generation stamps instead of clearing per-call arrays: a slot is "seen" when stamp[id] === gen.
const topStamp = new Int32Array(100);
const topStart = new Int32Array(100);
const topLen = new Int32Array(100);
let gen = 0;

function digit(s: string, at: number): number {
  const c = s.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigits(s: string, at: number): number {
  const a = digit(s, at);
  const b = digit(s, at + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function allDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function alnum(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) | 0x20; // fold A-Z onto a-z; digits are unaffected by the 0x20 bit
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

const ADDITIONAL_KEYS = [
  '',
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

/**
 * One pass: printable-ASCII check and CRC (two characters per table lookup) over `s[0, end)`.
 * Returns -1 at the first character outside 0x20-0x7E. Kept small so V8 optimises the loop on its own.
 */
function printableCrc(s: string, end: number): number {
  const pairs = pairTable();
  let crc = 0xffff;
  let i = 0;
  for (; i + 1 < end; i += 2) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    if (a < 0x20 || a > 0x7e || b < 0x20 || b > 0x7e) return -1;
    crc = pairs[crc ^ ((a << 8) | b)]!;
  }
  if (i < end) {
    const a = s.charCodeAt(i);
    if (a < 0x20 || a > 0x7e) return -1;
    crc = crcStep(crc, a);
  }
  return crc;
}

/** Returns the decoded value when the payload is valid in every respect, else undefined. */
export function fastDecode(s: string): VietQr | undefined {
  const n = s.length;
  if (n < 8 || n > 4096) return undefined;
  const crc = printableCrc(s, n - 4);
  if (crc < 0) return undefined;
  // Trailer: "6304" + the CRC in upper-case hex, last.
  if (
    s.charCodeAt(n - 8) !== 54 ||
    s.charCodeAt(n - 7) !== 51 ||
    s.charCodeAt(n - 6) !== 48 ||
    s.charCodeAt(n - 5) !== 52 ||
    s.charCodeAt(n - 4) !== HEX.charCodeAt((crc >> 12) & 15) ||
    s.charCodeAt(n - 3) !== HEX.charCodeAt((crc >> 8) & 15) ||
    s.charCodeAt(n - 2) !== HEX.charCodeAt((crc >> 4) & 15) ||
    s.charCodeAt(n - 1) !== HEX.charCodeAt(crc & 15)
  ) {
    return undefined;
  }

  gen = (gen + 1) | 0;
  const g = gen;
  let extras: number[] | undefined;
  const end = n - 8;
  let at = 0;
  while (at < end) {
    if (at + 4 > end) return undefined;
    const id = twoDigits(s, at);
    const len = twoDigits(s, at + 2);
    if (id < 0 || len < 0) return undefined;
    const v = at + 4;
    if (v + len > end) return undefined;
    if (topStamp[id] === g) return undefined; // duplicate
    topStamp[id] = g;
    topStart[id] = v;
    topLen[id] = len;
    switch (id) {
      case 0:
        if (len !== 2 || s.charCodeAt(v) !== 48 || s.charCodeAt(v + 1) !== 49) return undefined;
        break;
      case 1:
        if (
          len !== 2 ||
          s.charCodeAt(v) !== 49 ||
          (s.charCodeAt(v + 1) !== 49 && s.charCodeAt(v + 1) !== 50)
        ) {
          return undefined;
        }
        break;
      case 38:
      case 62:
        break;
      case 52:
        if (len !== 4 || !allDigits(s, v, v + 4)) return undefined;
        break;
      case 53:
        if (len !== 3 || !s.startsWith('704', v)) return undefined;
        break;
      case 54:
        if (len < 1 || len > 13 || s.charCodeAt(v) === 48 || !allDigits(s, v, v + len)) return undefined;
        break;
      case 58:
        if (len !== 2 || !s.startsWith('VN', v)) return undefined;
        break;
      case 59:
        if (len > 25) return undefined;
        break;
      case 60:
        if (len > 15) return undefined;
        break;
      case 63:
        return undefined; // a second CRC tag, or one that is not last
      default:
        extras ??= [];
        extras.push(id);
    }
    at = v + len;
  }
  if (
    topStamp[0] !== g ||
    topStamp[1] !== g ||
    topStamp[38] !== g ||
    topStamp[53] !== g ||
    topStamp[58] !== g
  ) {
    return undefined;
  }

  // 38: 00 GUID, 01 beneficiary (00 BIN, 01 account), 02 service; nothing else.
  const a0 = topStart[38]!;
  const aEnd = a0 + topLen[38]!;
  let guid = -1;
  let ben = -1;
  let benLen = 0;
  let svc = -1;
  at = a0;
  while (at < aEnd) {
    if (at + 4 > aEnd) return undefined;
    const id = twoDigits(s, at);
    const len = twoDigits(s, at + 2);
    const v = at + 4;
    if (len < 0 || v + len > aEnd) return undefined;
    if (id === 0 && guid < 0) {
      if (len !== 10 || !s.startsWith('A000000727', v)) return undefined;
      guid = v;
    } else if (id === 1 && ben < 0) {
      ben = v;
      benLen = len;
    } else if (id === 2 && svc < 0) {
      if (len !== 8 || !(s.startsWith('QRIBFTTA', v) || s.startsWith('QRIBFTTC', v))) return undefined;
      svc = v;
    } else return undefined;
    at = v + len;
  }
  if (guid < 0 || ben < 0 || svc < 0) return undefined;
  const isCard = s.charCodeAt(svc + 7) === 67; // 'C'
  let binAt = -1;
  let accAt = -1;
  let accLen = 0;
  at = ben;
  const bEnd = ben + benLen;
  while (at < bEnd) {
    if (at + 4 > bEnd) return undefined;
    const id = twoDigits(s, at);
    const len = twoDigits(s, at + 2);
    const v = at + 4;
    if (len < 0 || v + len > bEnd) return undefined;
    if (id === 0 && binAt < 0) {
      if (len !== 6 || !allDigits(s, v, v + 6)) return undefined;
      binAt = v;
    } else if (id === 1 && accAt < 0) {
      if (len < 1 || len > 19 || !(isCard ? allDigits(s, v, v + len) : alnum(s, v, v + len)))
        return undefined;
      accAt = v;
      accLen = len;
    } else return undefined;
    at = v + len;
  }
  if (binAt < 0 || accAt < 0) return undefined;

  const value: VietQr = {
    payloadFormat: '01',
    initiation: s.charCodeAt(topStart[1]! + 1) === 50 ? 'dynamic' : 'static',
    bin: s.slice(binAt, binAt + 6),
    account: s.slice(accAt, accAt + accLen),
    service: isCard ? 'QRIBFTTC' : 'QRIBFTTA',
    currency: '704',
    country: 'VN',
    crc: s.slice(n - 4),
  };
  if (topStamp[52] === g) value.mcc = s.slice(topStart[52]!, topStart[52]! + 4);
  if (topStamp[54] === g) {
    let amount = 0;
    const v = topStart[54]!;
    for (let i = v; i < v + topLen[54]!; i++) amount = amount * 10 + (s.charCodeAt(i) - 48);
    value.amount = amount;
  }
  if (topStamp[59] === g) value.merchantName = s.slice(topStart[59]!, topStart[59]! + topLen[59]!);
  if (topStamp[60] === g) value.merchantCity = s.slice(topStart[60]!, topStart[60]! + topLen[60]!);

  if (topStamp[62] === g && !readAdditional(s, topStart[62]!, topStart[62]! + topLen[62]!, value))
    return undefined;

  if (extras) {
    extras.sort((x, y) => x - y);
    const extraTags: Record<string, string> = {};
    for (const id of extras) {
      extraTags[id < 10 ? `0${id}` : `${id}`] = s.slice(topStart[id]!, topStart[id]! + topLen[id]!);
    }
    value.extraTags = extraTags;
  }
  return value;
}

function readAdditional(s: string, from: number, to: number, value: VietQr): boolean {
  let seen = 0; // bit per sub-tag 01-09
  let extra: [string, string][] | undefined;
  let at = from;
  const target = value as unknown as Record<string, string>;
  while (at < to) {
    if (at + 4 > to) return false;
    const id = twoDigits(s, at);
    const len = twoDigits(s, at + 2);
    const v = at + 4;
    if (id < 0 || len < 0 || v + len > to) return false;
    if (id >= 1 && id <= 9) {
      if (seen & (1 << id)) return false;
      seen |= 1 << id;
      if (id === 9) {
        if (!consumerDataRequest(s, v, len)) return false;
      } else if (len > 25) return false;
      target[ADDITIONAL_KEYS[id]!] = s.slice(v, v + len);
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
function consumerDataRequest(s: string, v: number, len: number): boolean {
  if (len < 1 || len > 3) return false;
  let mask = 0;
  for (let i = v; i < v + len; i++) {
    const c = s.charCodeAt(i);
    const bit = c === 65 ? 1 : c === 77 ? 2 : c === 69 ? 4 : 0;
    if (bit === 0 || mask & bit) return false;
    mask |= bit;
  }
  return true;
}
