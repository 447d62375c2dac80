/**
 * VietQR encoder: checks every input field against its rule (collecting all problems), builds the TLV in
 * the canonical order, appends the CRC, then re-decodes its own output and checks that it reads back as the
 * input before returning it.
 *
 * Two paths build the payload. The fast path takes the common input (known fields only, every one valid),
 * checks each field as it writes the payload's bytes; at the first anomaly it gives up, and the general
 * path, which owns error reporting, checks everything again and lists every problem. Both end in the same
 * self-check (strict re-decode of the string, every field compared with the input), so the fast path can
 * only be fast, never wrong; a test also holds the two paths to identical output.
 */
import { byteBuffer, crc16ccitt, crc16ccittValue, crcBuffer, word } from './crc16.js';
import { decode } from './decode.js';
import { QrError, type QrIssue } from './errors.js';
import { fastDecode } from './fast-decode.js';
import {
  ACCOUNT_RULE,
  ADDITIONAL_RULES,
  type AdditionalKey,
  BIN_RULE,
  CARD_RULE,
  checkText,
  KNOWN_TOP_TAGS,
  MAX_AMOUNT,
  MCC_RULE,
  MERCHANT_RULES,
  PRINTABLE_ASCII,
  TAG_ID_RULE,
  type TextRule,
} from './fields.js';
import {
  AccountTag,
  BeneficiaryTag,
  COUNTRY_VN,
  CURRENCY_VND,
  INITIATION_DYNAMIC,
  INITIATION_STATIC,
  MAX_VALUE_LENGTH,
  PAYLOAD_FORMAT,
  SERVICE_ACCOUNT,
  SERVICE_CARD,
  Tag,
  VIETQR_GUID,
} from './tags.js';
import { tlv } from './tlv.js';
import type { VietQr, VietQrInput } from './types.js';

const ALLOWED_KEYS = new Set([
  'bin',
  'account',
  'service',
  'amount',
  'initiation',
  'mcc',
  'merchantName',
  'merchantCity',
  'extraTags',
  'extraAdditionalTags',
  ...ADDITIONAL_RULES.map((r) => r.key),
  // present on a decoded VietQr; checked against their fixed values, the CRC is recomputed
  'payloadFormat',
  'currency',
  'country',
  'crc',
]);

/**
 * Builds a VietQR payload string. Throws {@link QrError} listing every bad field; never truncates.
 * Also accepts a decoded {@link VietQr}, so `encode(decode(s).value)` rebuilds `s`.
 *
 * @example
 * encode({ bin: '970436', account: '0011001932418', amount: 8000, purpose: 'HS000123 le phi' });
 * // '000201010212385400…6304XXXX' (dynamic, because an amount is set)
 */
export function encode(input: VietQrInput | VietQr): string {
  const payload = fastEncode(input) ?? generalEncode(input);
  selfCheck(payload, input as VietQrInput);
  return payload;
}

/**
 * Checks the input, listing every problem, and builds the payload; any input, any field. Exported for the
 * test that holds the fast path to it.
 * @internal
 */
export function generalEncode(input: unknown): string {
  const issues = checkInput(input);
  if (issues.length > 0) throw new QrError(issues);
  const x = input as VietQrInput;
  const additional = additionalData(x);
  if (additional.length > MAX_VALUE_LENGTH) {
    throw new QrError([
      issue(
        Tag.ADDITIONAL_DATA,
        `additional data (tag 62) would be ${additional.length} characters, at most ${MAX_VALUE_LENGTH}; shorten its sub-fields`,
        `at most ${MAX_VALUE_LENGTH}`,
        'too-long',
      ),
    ]);
  }
  return build(x, additional);
}

/** A request with an amount is dynamic (one payment), one without is static (a reusable code), unless said. */
function defaultInitiation(amount: number | undefined): 'dynamic' | 'static' {
  return amount !== undefined ? 'dynamic' : 'static';
}

function issue(tag: string, message: string, expected?: string, code = 'invalid-input'): QrIssue {
  return expected === undefined ? { code, tag, message } : { code, tag, message, expected };
}

function checkInput(input: unknown): QrIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [issue('input', 'input must be an object', '{ bin, account, … }')];
  }
  const x = input as Record<string, unknown>;
  const out: QrIssue[] = [];
  for (const key of Object.keys(x)) {
    if (!ALLOWED_KEYS.has(key) && x[key] !== undefined)
      out.push(issue(key, `unknown field ${JSON.stringify(key)}`));
  }

  if (typeof x.bin !== 'string' || !BIN_RULE.test(x.bin)) {
    out.push(issue('bin', `acquirer BIN is ${describe(x.bin)}`, 'exactly 6 digits, e.g. 970436'));
  }
  const service = x.service ?? SERVICE_ACCOUNT;
  if (service !== SERVICE_ACCOUNT && service !== SERVICE_CARD) {
    out.push(
      issue('service', `service code is ${describe(service)}`, `${SERVICE_ACCOUNT} or ${SERVICE_CARD}`),
    );
  }
  const isCard = service === SERVICE_CARD;
  if (typeof x.account !== 'string' || !(isCard ? CARD_RULE : ACCOUNT_RULE).test(x.account)) {
    out.push(
      issue(
        'account',
        `${isCard ? 'card' : 'account'} number is ${describe(x.account)}`,
        isCard ? '1-19 digits' : '1-19 letters or digits',
      ),
    );
  }
  if (x.amount !== undefined) {
    const a = x.amount;
    if (typeof a !== 'number' || !Number.isSafeInteger(a) || a <= 0 || a > MAX_AMOUNT) {
      out.push(issue('amount', `amount is ${describe(a)}`, `an integer VND from 1 to ${MAX_AMOUNT}`));
    }
  }
  if (x.initiation !== undefined && x.initiation !== 'static' && x.initiation !== 'dynamic') {
    out.push(issue('initiation', `initiation is ${describe(x.initiation)}`, "'static' or 'dynamic'"));
  }
  if (x.mcc !== undefined && (typeof x.mcc !== 'string' || !MCC_RULE.test(x.mcc))) {
    out.push(issue('mcc', `merchant category code is ${describe(x.mcc)}`, 'exactly 4 digits'));
  }
  fixed(out, x, 'payloadFormat', PAYLOAD_FORMAT);
  fixed(out, x, 'currency', CURRENCY_VND);
  fixed(out, x, 'country', COUNTRY_VN);
  if (x.crc !== undefined && typeof x.crc !== 'string') out.push(issue('crc', `crc is ${describe(x.crc)}`));

  for (const rule of TEXT_RULES) if (x[rule.key] !== undefined) checkTextInput(out, rule, x[rule.key]);
  if (x.extraTags !== undefined)
    checkExtra(out, 'extraTags', x.extraTags, (id) =>
      KNOWN_TOP_TAGS.has(id) ? `tag ${id} has a meaning in VietQR; set it through its own field` : undefined,
    );
  if (x.extraAdditionalTags !== undefined)
    checkExtra(out, 'extraAdditionalTags', x.extraAdditionalTags, (id) =>
      id >= '01' && id <= '09' ? `sub-tag 62.${id} has a meaning; set it through its own field` : undefined,
    );
  return out;
}

const TEXT_RULES: readonly TextRule[] = [...MERCHANT_RULES, ...ADDITIONAL_RULES];

function fixed(out: QrIssue[], x: Record<string, unknown>, key: string, expected: string): void {
  if (x[key] !== undefined && x[key] !== expected) {
    out.push(issue(key, `${key} is ${describe(x[key])}; the encoder only writes ${expected}`, expected));
  }
}

function checkTextInput(out: QrIssue[], rule: TextRule, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string') {
    out.push(issue(rule.key, `${rule.label} (${rule.tag}) is ${describe(v)}, not a string`, rule.expected));
    return;
  }
  const problem = checkText(rule, v);
  if (problem) {
    out.push(
      issue(
        rule.key,
        `${problem.message} (tag ${rule.tag})${problem.code === 'too-long' || PRINTABLE_ASCII.test(v) ? '' : '; bankSafeText() or safeMemo() make text ASCII'}`,
        rule.expected,
        problem.code === 'too-long' ? 'too-long' : 'invalid-input',
      ),
    );
  }
}

function checkExtra(
  out: QrIssue[],
  key: string,
  v: unknown,
  reserved: (id: string) => string | undefined,
): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push(issue(key, `${key} must be an object of 2-digit tag ID → string`));
    return;
  }
  for (const [id, value] of Object.entries(v)) {
    if (!TAG_ID_RULE.test(id)) {
      out.push(issue(`${key}.${id}`, `tag ID ${JSON.stringify(id)} is not two digits`, 'two digits'));
      continue;
    }
    const why = reserved(id);
    if (why) out.push(issue(`${key}.${id}`, why));
    if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH || !PRINTABLE_ASCII.test(value)) {
      out.push(
        issue(
          `${key}.${id}`,
          `value of tag ${id} is ${describe(value)}`,
          'printable ASCII, at most 99 characters',
        ),
      );
    }
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string')
    return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}… (${v.length} chars)` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return typeof v === 'object'
    ? v === null
      ? 'null'
      : Array.isArray(v)
        ? 'an array'
        : 'an object'
    : typeof v;
}

function additionalData(x: VietQrInput): string {
  let out = '';
  // Sub-tags 01-09 in ascending order; open sub-tags (00, 10-99, rare) are merged in by ID.
  for (const rule of ADDITIONAL_RULES) {
    const v = x[rule.key];
    if (v !== undefined) out += tlv(rule.id, v);
  }
  const extra = x.extraAdditionalTags;
  if (extra === undefined) return out;
  const parts: [string, string][] = [];
  for (const rule of ADDITIONAL_RULES) {
    const v = x[rule.key];
    if (v !== undefined) parts.push([rule.id, v]);
  }
  for (const id in extra) parts.push([id, extra[id]!]);
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  out = '';
  for (const [id, v] of parts) out += tlv(id, v);
  return out;
}

/** Assembles the payload from checked input, tags in ascending ID order (63 last). */
function build(x: VietQrInput, additional: string): string {
  const service = x.service ?? SERVICE_ACCOUNT;
  const initiation = x.initiation ?? defaultInitiation(x.amount);

  // Collect every field (open top-level tags included), sort by ID, then write.
  const beneficiary = tlv(BeneficiaryTag.BIN, x.bin) + tlv(BeneficiaryTag.ACCOUNT, x.account);
  const account =
    tlv(AccountTag.GUID, VIETQR_GUID) +
    tlv(AccountTag.BENEFICIARY, beneficiary) +
    tlv(AccountTag.SERVICE, service);
  const fields: [string, string | undefined][] = [
    [Tag.PAYLOAD_FORMAT, PAYLOAD_FORMAT],
    [Tag.INITIATION, initiation === 'dynamic' ? INITIATION_DYNAMIC : INITIATION_STATIC],
    [Tag.MERCHANT_ACCOUNT, account],
    [Tag.MCC, x.mcc],
    [Tag.CURRENCY, CURRENCY_VND],
    [Tag.AMOUNT, x.amount !== undefined ? String(x.amount) : undefined],
    [Tag.COUNTRY, COUNTRY_VN],
    [Tag.MERCHANT_NAME, x.merchantName],
    [Tag.MERCHANT_CITY, x.merchantCity],
    [Tag.ADDITIONAL_DATA, additional.length > 0 ? additional : undefined],
  ];
  for (const id in x.extraTags) fields.push([id, x.extraTags[id]]);
  fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let payload = '';
  for (const [id, v] of fields) if (v !== undefined) payload += tlv(id, v);
  payload += `${Tag.CRC}04`;
  return payload + crc16ccitt(payload);
}

/** Length limit of each text field, from the shared rules. */
const MAX = Object.fromEntries(TEXT_RULES.map((r) => [r.key, r.max])) as Record<
  'merchantName' | 'merchantCity' | AdditionalKey,
  number
>;

/**
 * The fast path writes bytes, not strings: the payload is assembled in this buffer (constants copied, input
 * characters checked as they are copied), the CRC runs over it, and one native call makes the string.
 * Joining ~20 pieces with `+` would build a rope that every later reader (CRC, re-decode) has to flatten.
 * A payload without open tags is at most ~280 characters.
 */
const OUT = byteBuffer(512);
/** The same memory as a Buffer, for its native latin1 decoding. */
const OUT_TEXT = Buffer.from(OUT.bytes.buffer, 0, 512) as Buffer & {
  latin1Slice?: (start: number, end: number) => string;
};
// `latin1Slice` is what `toString('latin1', …)` calls after resolving the encoding name; calling it directly
// saves that step. It is not in the typings (nor the docs), so fall back when a runtime lacks it.
const HAS_LATIN1_SLICE = typeof OUT_TEXT.latin1Slice === 'function';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * Every payload starts alike up to the BIN: `00 02 01`, `01 02 1?`, `38 ??`, `00 10 A000000727`, `01 ??`,
 * `00 06`. OUT holds that head from the start; each call only fills in the point of initiation (`ii`) and
 * the lengths of 38 (`aa`) and 38.01 (`bb`).
 */
const HEAD = `0002${PAYLOAD_FORMAT}0102ii${Tag.MERCHANT_ACCOUNT}aa${AccountTag.GUID}10${VIETQR_GUID}${AccountTag.BENEFICIARY}bb${BeneficiaryTag.BIN}06`;
const INITIATION_AT = HEAD.indexOf('ii');
const LENGTH_38_AT = HEAD.indexOf('aa');
const LENGTH_38_01_AT = HEAD.indexOf('bb');
OUT.bytes.set(ascii(HEAD));
/**
 * The first 36 bytes of the head depend only on the point of initiation and the account's length, so the
 * CRC register after them is looked up here (index: 20 for dynamic, plus the length) and the CRC pass
 * starts at byte 36. The re-decode still checks the CRC over the whole payload.
 */
const HEAD_CRC_LENGTH = 36;
const HEAD_CRC = new Uint16Array(40);
for (const [base, init] of [
  [0, INITIATION_STATIC],
  [20, INITIATION_DYNAMIC],
] as const) {
  for (let n = 1; n <= 19; n++) {
    const head = HEAD.replace('ii', init)
      .replace('aa', String(44 + n))
      .replace('bb', String(14 + n).padStart(2, '0'));
    HEAD_CRC[base + n] = crc16ccittValue(head.slice(0, HEAD_CRC_LENGTH));
  }
}
const INITIATION_STATIC_BYTES = ascii(INITIATION_STATIC);
const INITIATION_DYNAMIC_BYTES = ascii(INITIATION_DYNAMIC);
const HEX = ascii('0123456789ABCDEF');

/** A constant field of up to 12 ASCII characters as three little-endian words, written four bytes per store. */
interface Fixed {
  readonly length: number;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
}

function constant(text: string): Fixed {
  const t = text.padEnd(12, '\0');
  return { length: text.length, w0: word(t, 0), w1: word(t, 4), w2: word(t, 8) };
}

const SERVICE_ACCOUNT_FIELD = constant(`${AccountTag.SERVICE}08${SERVICE_ACCOUNT}`);
const SERVICE_CARD_FIELD = constant(`${AccountTag.SERVICE}08${SERVICE_CARD}`);
const CURRENCY_FIELD = constant(`${Tag.CURRENCY}03${CURRENCY_VND}`);
const COUNTRY_FIELD = constant(`${Tag.COUNTRY}02${COUNTRY_VN}`);
const CRC_HEADER = constant(`${Tag.CRC}04`);

/**
 * Writes a constant at `at` (past the fixed head) and returns the next position. Whole words are stored,
 * so up to 3 bytes after the constant are zeroed; whatever comes next is written over them, and the
 * payload ends with the CRC, written byte by byte.
 */
function put(view: DataView, at: number, c: Fixed): number {
  view.setInt32(at, c.w0, true);
  if (c.length > 4) view.setInt32(at + 4, c.w1, true);
  if (c.length > 8) view.setInt32(at + 8, c.w2, true);
  return at + c.length;
}

/** Writes `n` (0-99) as two digits. */
function twoDigits(out: Uint8Array, at: number, n: number): void {
  out[at] = 48 + ((n / 10) | 0);
  out[at + 1] = 48 + (n % 10);
}

/** Writes a 2-digit tag ID (as a number) and a 2-digit length; returns the next position. */
function header(out: Uint8Array, at: number, id: number, length: number): number {
  twoDigits(out, at, id);
  twoDigits(out, at + 2, length);
  return at + 4;
}

// Copy `s` to `at`, checking each character; return the next position, or -1 at a character outside
// the set. One function per set, so each loop has a single test per character.

function copyDigits(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    out[at + i] = c;
  }
  return at + s.length;
}

function copyAlnum(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const f = c | 0x20; // fold A-Z onto a-z
    if (!((c >= 48 && c <= 57) || (f >= 97 && f <= 122))) return -1;
    out[at + i] = c;
  }
  return at + s.length;
}

function copyPrintable(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return -1;
    out[at + i] = c;
  }
  return at + s.length;
}

/** Writes a positive integer below 10^13 in decimal (its length already known); returns the next position. */
function integer(out: Uint8Array, at: number, length: number, value: number): number {
  let v = value;
  let i = at + length;
  // Above 2^31 in doubles (exact: every quotient of a number below 2^53 by 10 floors correctly), then in
  // 32-bit integers, where dividing by 10 compiles to a multiply.
  while (v > 0x7fffffff) {
    const q = Math.floor(v / 10);
    out[--i] = 48 + (v - q * 10);
    v = q;
  }
  let w = v | 0;
  while (w >= 10) {
    const q = (w / 10) | 0;
    out[--i] = 48 + (w - q * 10);
    w = q;
  }
  out[--i] = 48 + w;
  return at + length;
}

function decimalLength(value: number): number {
  let n = 1;
  for (let p = 10; p <= value; p *= 10) n++;
  return n;
}

/** Too long for any TLV value: marks a text field that is not a string within its limit. */
const INVALID = 1 << 20;

/** Space a present text field takes (ID, length, value), or {@link INVALID}. */
function textSize(v: unknown, max: number): number {
  return typeof v === 'string' && v.length <= max ? 4 + v.length : INVALID;
}

/** Writes a present text field, checking it is printable ASCII; -1 when it is not (or `at` is -1). */
function text(out: Uint8Array, at: number, id: number, v: string): number {
  return at < 0 ? at : copyPrintable(out, header(out, at, id, v.length), v);
}

/**
 * The fast path: writes the payload for an input with known fields only, checking every field (type,
 * length, character set, fixed values) as it goes, or returns undefined at the first thing it does not
 * like; then {@link generalEncode} checks again and reports every problem.
 * @internal
 */
export function fastEncode(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const x = input as Partial<VietQr> & VietQrInput;
  const { bin, account, amount, mcc, merchantName, merchantCity, consumerDataRequest } = x;
  const { billNumber, mobileNumber, storeLabel, loyaltyNumber } = x;
  const { referenceLabel, customerLabel, terminalLabel, purpose } = x;
  const { payloadFormat, currency, country, crc: oldCrc } = x;

  // Only known fields: then the enumerable keys are exactly the fields read above that are set (any other
  // key, or a known one holding undefined, makes the counts differ). Counting avoids a set lookup per key.
  let keys = 0;
  for (const _ in x) keys++;
  const known =
    +(bin !== undefined) +
    +(account !== undefined) +
    +(x.service !== undefined) +
    +(amount !== undefined) +
    +(x.initiation !== undefined) +
    +(mcc !== undefined) +
    +(merchantName !== undefined) +
    +(merchantCity !== undefined) +
    +(billNumber !== undefined) +
    +(mobileNumber !== undefined) +
    +(storeLabel !== undefined) +
    +(loyaltyNumber !== undefined) +
    +(referenceLabel !== undefined) +
    +(customerLabel !== undefined) +
    +(terminalLabel !== undefined) +
    +(purpose !== undefined) +
    +(consumerDataRequest !== undefined) +
    +(payloadFormat !== undefined) +
    +(currency !== undefined) +
    +(country !== undefined) +
    +(oldCrc !== undefined);
  if (keys !== known) return undefined;

  if (typeof bin !== 'string' || bin.length !== 6) return undefined;
  const service = x.service ?? SERVICE_ACCOUNT;
  if (service !== SERVICE_ACCOUNT && service !== SERVICE_CARD) return undefined;
  const card = service === SERVICE_CARD;
  if (typeof account !== 'string' || account.length < 1 || account.length > 19) return undefined;
  if (
    amount !== undefined &&
    (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT)
  ) {
    return undefined;
  }
  const initiation = x.initiation ?? defaultInitiation(amount);
  if (initiation !== 'static' && initiation !== 'dynamic') return undefined;
  if (mcc !== undefined && (typeof mcc !== 'string' || mcc.length !== 4)) return undefined;
  if (
    (payloadFormat !== undefined && payloadFormat !== PAYLOAD_FORMAT) ||
    (currency !== undefined && currency !== CURRENCY_VND) ||
    (country !== undefined && country !== COUNTRY_VN) ||
    (oldCrc !== undefined && typeof oldCrc !== 'string')
  ) {
    return undefined;
  }
  if (
    (merchantName !== undefined && textSize(merchantName, MAX.merchantName) === INVALID) ||
    (merchantCity !== undefined && textSize(merchantCity, MAX.merchantCity) === INVALID)
  ) {
    return undefined;
  }
  // Tag 62's length is the sum of its sub-fields' (INVALID makes it too long).
  let additional = 0;
  if (billNumber !== undefined) additional += textSize(billNumber, MAX.billNumber);
  if (mobileNumber !== undefined) additional += textSize(mobileNumber, MAX.mobileNumber);
  if (storeLabel !== undefined) additional += textSize(storeLabel, MAX.storeLabel);
  if (loyaltyNumber !== undefined) additional += textSize(loyaltyNumber, MAX.loyaltyNumber);
  if (referenceLabel !== undefined) additional += textSize(referenceLabel, MAX.referenceLabel);
  if (customerLabel !== undefined) additional += textSize(customerLabel, MAX.customerLabel);
  if (terminalLabel !== undefined) additional += textSize(terminalLabel, MAX.terminalLabel);
  if (purpose !== undefined) additional += textSize(purpose, MAX.purpose);
  if (consumerDataRequest !== undefined) {
    if (!isConsumerDataRequest(consumerDataRequest)) return undefined;
    additional += 4 + consumerDataRequest.length;
  }
  if (additional > MAX_VALUE_LENGTH) return undefined;

  // Tags in ascending ID order, 63 last. 38 = 00 GUID (14) + 01 beneficiary (4 + 14 + account) + 02 service (12).
  const out = OUT.bytes;
  const view = OUT.view;
  const n = account.length;
  const init = initiation === 'dynamic' ? INITIATION_DYNAMIC_BYTES : INITIATION_STATIC_BYTES;
  out[INITIATION_AT] = init[0]!;
  out[INITIATION_AT + 1] = init[1]!;
  twoDigits(out, LENGTH_38_AT, 44 + n);
  twoDigits(out, LENGTH_38_01_AT, 14 + n);
  let at = copyDigits(out, HEAD.length, bin);
  if (at < 0) return undefined;
  at = card
    ? copyDigits(out, header(out, at, 1, n), account)
    : copyAlnum(out, header(out, at, 1, n), account);
  if (at < 0) return undefined;
  at = put(view, at, card ? SERVICE_CARD_FIELD : SERVICE_ACCOUNT_FIELD);
  if (mcc !== undefined) {
    at = copyDigits(out, header(out, at, 52, 4), mcc);
    if (at < 0) return undefined;
  }
  at = put(view, at, CURRENCY_FIELD);
  if (amount !== undefined) {
    const length = decimalLength(amount);
    at = integer(out, header(out, at, 54, length), length, amount);
  }
  at = put(view, at, COUNTRY_FIELD);
  if (merchantName !== undefined) at = text(out, at, 59, merchantName);
  if (merchantCity !== undefined) at = text(out, at, 60, merchantCity);
  if (additional > 0 && at >= 0) {
    at = header(out, at, 62, additional);
    if (billNumber !== undefined) at = text(out, at, 1, billNumber);
    if (mobileNumber !== undefined) at = text(out, at, 2, mobileNumber);
    if (storeLabel !== undefined) at = text(out, at, 3, storeLabel);
    if (loyaltyNumber !== undefined) at = text(out, at, 4, loyaltyNumber);
    if (referenceLabel !== undefined) at = text(out, at, 5, referenceLabel);
    if (customerLabel !== undefined) at = text(out, at, 6, customerLabel);
    if (terminalLabel !== undefined) at = text(out, at, 7, terminalLabel);
    if (purpose !== undefined) at = text(out, at, 8, purpose);
    if (consumerDataRequest !== undefined) at = text(out, at, 9, consumerDataRequest);
  }
  if (at < 0) return undefined; // a text field outside printable ASCII
  at = put(view, at, CRC_HEADER);
  const crc = crcBuffer(OUT, at, HEAD_CRC_LENGTH, HEAD_CRC[(initiation === 'dynamic' ? 20 : 0) + n]);
  out[at] = HEX[(crc >> 12) & 15]!;
  out[at + 1] = HEX[(crc >> 8) & 15]!;
  out[at + 2] = HEX[(crc >> 4) & 15]!;
  out[at + 3] = HEX[crc & 15]!;
  return HAS_LATIN1_SLICE ? OUT_TEXT.latin1Slice!(0, at + 4) : OUT_TEXT.toString('latin1', 0, at + 4);
}

/** 62.09: one to three distinct letters of A, M, E. */
function isConsumerDataRequest(v: unknown): v is string {
  if (typeof v !== 'string' || v.length < 1 || v.length > 3) return false;
  let mask = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const bit = c === 65 ? 1 : c === 77 ? 2 : c === 69 ? 4 : 0;
    if (bit === 0 || mask & bit) return false;
    mask |= bit;
  }
  return true;
}

/**
 * Re-decodes the payload (strict, from the string alone) and checks every field reads back as the input.
 * Throws an `internal` {@link QrError} otherwise: a payload we cannot read back is never handed out.
 */
function selfCheck(payload: string, x: VietQrInput & Partial<VietQr>): void {
  let value = fastDecode(payload);
  if (value === undefined) {
    // The fast decoder gives no reasons; the general one does (and has the last word on validity).
    const check = decode(payload);
    if (!check.ok) {
      throw new QrError(
        check.errors.map((e) => ({
          ...e,
          code: 'internal',
          message: `encoder produced an invalid payload: ${e.message}`,
        })),
      );
    }
    value = check.value;
  }
  if (readsBackAs(value, x)) return;
  const expected = normalised(x);
  const differ = COMPARED_KEYS.filter((k) => !sameValue(value[k], expected[k]));
  throw new QrError(
    differ.length === 0
      ? [{ code: 'internal', message: 'encoder produced a payload that does not read back as its input' }]
      : differ.map((k) => ({
          code: 'internal',
          tag: k,
          message: `encoder produced a payload that reads back ${k} as ${describe(value[k])}, not ${describe(expected[k])}`,
        })),
  );
}

/** The comparison on the hot path: explicit property reads, no loops over keys. */
function readsBackAs(v: VietQr, x: VietQrInput & Partial<VietQr>): boolean {
  return (
    v.bin === x.bin &&
    v.account === x.account &&
    v.service === (x.service ?? SERVICE_ACCOUNT) &&
    v.initiation === (x.initiation ?? defaultInitiation(x.amount)) &&
    v.amount === x.amount &&
    v.mcc === x.mcc &&
    v.payloadFormat === (x.payloadFormat ?? PAYLOAD_FORMAT) &&
    v.currency === (x.currency ?? CURRENCY_VND) &&
    v.country === (x.country ?? COUNTRY_VN) &&
    v.merchantName === x.merchantName &&
    v.merchantCity === x.merchantCity &&
    v.billNumber === x.billNumber &&
    v.mobileNumber === x.mobileNumber &&
    v.storeLabel === x.storeLabel &&
    v.loyaltyNumber === x.loyaltyNumber &&
    v.referenceLabel === x.referenceLabel &&
    v.customerLabel === x.customerLabel &&
    v.terminalLabel === x.terminalLabel &&
    v.purpose === x.purpose &&
    v.consumerDataRequest === x.consumerDataRequest &&
    sameTags(v.extraTags, x.extraTags) &&
    sameTags(v.extraAdditionalTags, x.extraAdditionalTags)
  );
}

/** Every field {@link readsBackAs} compares, for naming the ones that differ. */
const COMPARED_KEYS = [
  'bin',
  'account',
  'service',
  'initiation',
  'amount',
  'mcc',
  'payloadFormat',
  'currency',
  'country',
  'merchantName',
  'merchantCity',
  ...ADDITIONAL_RULES.map((r) => r.key),
  'extraTags',
  'extraAdditionalTags',
] as const satisfies readonly (keyof VietQr)[];

/** The input with defaults filled in, as the decoder reports it. */
function normalised(x: VietQrInput & Partial<VietQr>): Partial<VietQr> {
  return {
    ...x,
    service: x.service ?? SERVICE_ACCOUNT,
    initiation: x.initiation ?? defaultInitiation(x.amount),
    payloadFormat: x.payloadFormat ?? PAYLOAD_FORMAT,
    currency: x.currency ?? CURRENCY_VND,
    country: x.country ?? COUNTRY_VN,
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const isTags = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null);
  return (
    isTags(a) &&
    isTags(b) &&
    sameTags(a as Record<string, string> | undefined, b as Record<string, string> | undefined)
  );
}

/** Open-tag dictionaries are equal when they hold the same IDs and values; empty is the same as absent. */
function sameTags(
  read: Record<string, string> | undefined,
  given: Record<string, string> | undefined,
): boolean {
  if (read === given) return true;
  const readIds = read === undefined ? [] : Object.keys(read);
  const givenIds = given === undefined ? [] : Object.keys(given);
  if (readIds.length !== givenIds.length) return false;
  for (const id of givenIds) if (read![id] !== given![id]) return false;
  return true;
}
