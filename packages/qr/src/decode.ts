/**
 * Strict VietQR decoder. Never throws: every problem becomes a {@link QrIssue} naming the tag, the position
 * and what was expected. Work is one linear pass over the payload plus a constant number of passes per field.
 */
import { crc16ccitt } from './crc16.js';
import type { QrIssue } from './errors.js';
import { fastDecode } from './fast-decode.js';
import {
  ACCOUNT_RULE,
  ADDITIONAL_BY_ID,
  AMOUNT_RULE,
  BIN_RULE,
  CARD_RULE,
  checkText,
  MCC_RULE,
  MERCHANT_RULES,
  PRINTABLE_ASCII,
  type TextRule,
} from './fields.js';
import {
  AccountTag,
  BeneficiaryTag,
  COUNTRY_VN,
  CURRENCY_VND,
  INITIATION_DYNAMIC,
  INITIATION_STATIC,
  PAYLOAD_FORMAT,
  SERVICE_ACCOUNT,
  SERVICE_CARD,
  Tag,
  VIETQR_GUID,
  VNPAY_GUID,
} from './tags.js';
import { readTlv, type TlvEntry } from './tlv.js';
import type { DecodeOptions, DecodeResult, Initiation, VietQr } from './types.js';

/** Issues that leave every field readable; `lenient` accepts a payload whose issues are all of this kind. */
type Collected = { issue: QrIssue; soft: boolean };

/** Text allowed in lenient mode: anything but control characters (non-ASCII is reported, not fatal). */
const NO_CONTROL = { test: (s: string) => !hasControlChar(s) };

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Beyond this many issues the rest are summarised: a garbage megabyte should not yield 250,000 errors. */
export const MAX_ISSUES = 50;

class Collector {
  readonly list: Collected[] = [];
  private dropped = 0;
  private anyFatal = false;
  fatal(issue: QrIssue): void {
    this.anyFatal = true;
    this.add({ issue, soft: false });
  }
  soft(issue: QrIssue): void {
    this.add({ issue, soft: true });
  }
  private add(c: Collected): void {
    if (this.list.length < MAX_ISSUES) this.list.push(c);
    else this.dropped++;
  }
  get hasFatal(): boolean {
    return this.anyFatal;
  }
  /** The issues, with a closing note when some were dropped. */
  issues(): QrIssue[] {
    const out = this.list.map((x) => x.issue);
    if (this.dropped > 0) {
      out.push({ code: 'too-many-issues', message: `${this.dropped} more issue(s) not listed` });
    }
    return out;
  }
}

/**
 * Decodes a VietQR payload into typed fields, or lists precise errors. Never throws.
 *
 * @example
 * const r = decode('00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F');
 * if (r.ok) console.log(r.value.bin, r.value.account); // '970416' '257678859'
 * else console.error(r.errors);
 */
export function decode(payload: string, options?: DecodeOptions): DecodeResult {
  try {
    if (typeof payload === 'string') {
      const value = fastDecode(payload);
      if (value) return { ok: true, value, errors: [] };
    }
    return decodeGeneral(payload, options?.lenient === true);
  } catch (error) {
    // Defensive: the decoder is written not to throw; if it ever does, report instead of escaping.
    return { ok: false, errors: [{ code: 'internal', message: `decoder failure: ${String(error)}` }] };
  }
}

/**
 * True when `payload` is a valid VietQR payload (strict decode succeeds).
 *
 * @example
 * validate('00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F'); // true
 */
export function validate(payload: unknown): boolean {
  return typeof payload === 'string' && decode(payload).ok;
}

/**
 * The general decoder: handles every input and reports every problem. `decode` tries the fast path first
 * and comes here only for payloads that are not flawless printable ASCII. Exported for the fuzz test.
 * @internal
 */
export function decodeGeneral(payload: string, lenient: boolean): DecodeResult {
  if (typeof payload !== 'string') {
    return {
      ok: false,
      errors: [{ code: 'not-a-string', message: `payload is ${typeof payload}, not a string` }],
    };
  }
  if (payload.length === 0) {
    return { ok: false, errors: [{ code: 'empty', position: 0, message: 'payload is empty' }] };
  }
  const ascii = isAscii(payload);
  let units = payload;
  let read = readTlv(units);
  let byteMode = false;
  if (!ascii && read.issue) {
    // The TLV length unit for non-ASCII text is ambiguous (JS characters in some generators, UTF-8 bytes in
    // others). Characters failed; try bytes, carried as a latin1 string so one reader serves both.
    const bytes = Buffer.from(payload, 'utf8').toString('latin1');
    const byBytes = readTlv(bytes);
    if (!byBytes.issue) {
      units = bytes;
      read = byBytes;
      byteMode = true;
    }
  }
  if (read.issue) return { ok: false, errors: [read.issue] };
  const text = byteMode ? (s: string) => Buffer.from(s, 'latin1').toString('utf8') : (s: string) => s;
  const c = new Collector();
  return interpret(payload, units, read.entries, text, c, lenient);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function interpret(
  payload: string,
  units: string,
  entries: TlvEntry[],
  text: (s: string) => string,
  c: Collector,
  lenient: boolean,
): DecodeResult {
  const byId = new Map<string, TlvEntry>();
  for (const e of entries) {
    if (byId.has(e.id)) {
      c.fatal({
        code: 'duplicate-tag',
        tag: e.id,
        position: e.position,
        message: `tag ${e.id} appears more than once`,
        expected: 'each tag at most once',
      });
    } else byId.set(e.id, e);
  }

  const value: Partial<VietQr> & Record<string, unknown> = {};
  const extraTags: Record<string, string> = {};

  // 00 payload format indicator
  const pfi = byId.get(Tag.PAYLOAD_FORMAT);
  if (!pfi) missing(c, Tag.PAYLOAD_FORMAT, 'payload format indicator', PAYLOAD_FORMAT);
  else {
    value.payloadFormat = pfi.value;
    if (pfi.value !== PAYLOAD_FORMAT) {
      c.soft({
        code: 'invalid-value',
        tag: Tag.PAYLOAD_FORMAT,
        position: pfi.valuePosition,
        message: `payload format indicator is ${JSON.stringify(pfi.value)}`,
        expected: PAYLOAD_FORMAT,
      });
    }
  }

  // 01 point of initiation
  const poi = byId.get(Tag.INITIATION);
  if (!poi) missing(c, Tag.INITIATION, 'point of initiation', '11 (static) or 12 (dynamic)');
  else if (poi.value === INITIATION_STATIC) value.initiation = 'static';
  else if (poi.value === INITIATION_DYNAMIC) value.initiation = 'dynamic';
  else {
    c.fatal({
      code: 'invalid-value',
      tag: Tag.INITIATION,
      position: poi.valuePosition,
      message: `point of initiation is ${JSON.stringify(poi.value)}`,
      expected: '11 (static) or 12 (dynamic)',
    });
  }

  // 38 merchant account information (VietQR)
  const account = byId.get(Tag.MERCHANT_ACCOUNT);
  if (!account) {
    const other = entries.find((e) => e.id >= '02' && e.id <= '51' && e.value.includes(VNPAY_GUID));
    c.fatal({
      code: other ? 'not-vietqr' : 'missing-tag',
      tag: Tag.MERCHANT_ACCOUNT,
      position: other?.position,
      message: other
        ? `not a VietQR payload: tag ${other.id} carries VNPAY-QR (GUID ${VNPAY_GUID}) and there is no tag 38`
        : 'tag 38 (VietQR merchant account information) is missing',
      expected: `tag 38 with GUID ${VIETQR_GUID}`,
    });
  } else readAccount(account, text, c, value);

  // 52 MCC
  const mcc = byId.get(Tag.MCC);
  if (mcc) {
    value.mcc = mcc.value;
    if (!MCC_RULE.test(mcc.value)) invalid(c, mcc, 'merchant category code', 'exactly 4 digits');
  }

  // 53 currency
  const currency = byId.get(Tag.CURRENCY);
  if (!currency) missing(c, Tag.CURRENCY, 'transaction currency', CURRENCY_VND);
  else {
    value.currency = currency.value;
    if (currency.value !== CURRENCY_VND) invalid(c, currency, 'currency', `${CURRENCY_VND} (VND)`);
  }

  // 54 amount
  const amount = byId.get(Tag.AMOUNT);
  if (amount) {
    if (AMOUNT_RULE.test(amount.value)) value.amount = Number(amount.value);
    else {
      invalid(c, amount, 'amount', 'integer VND: 1-13 digits, no leading zero, no decimal point');
    }
  }

  // 58 country
  const country = byId.get(Tag.COUNTRY);
  if (!country) missing(c, Tag.COUNTRY, 'country code', COUNTRY_VN);
  else {
    value.country = country.value;
    if (country.value !== COUNTRY_VN) invalid(c, country, 'country code', COUNTRY_VN);
  }

  // 59, 60
  for (const rule of MERCHANT_RULES) {
    const e = byId.get(rule.id);
    if (e) value[rule.key] = readText(rule, e, text, c);
  }

  // 62 additional data
  const additional = byId.get(Tag.ADDITIONAL_DATA);
  if (additional) readAdditional(additional, text, c, value);

  // 63 CRC: last, 4 hex digits, over everything before its value (including "6304"). Hex is
  // case-insensitive: some bank and wallet apps (MBBank, MoMo) write it in lower case, and
  // vietnam-qr-pay accepts that; the value is kept upper-case, as the encoder writes it.
  const crc = byId.get(Tag.CRC);
  const last = entries[entries.length - 1]!;
  if (!crc) missing(c, Tag.CRC, 'CRC', '6304 followed by 4 hex digits, last in the payload');
  else if (crc !== last) {
    c.fatal({
      code: 'crc-not-last',
      tag: Tag.CRC,
      position: crc.position,
      message: `tag 63 (CRC) is followed by tag ${last.id}`,
      expected: 'tag 63 last',
    });
  } else if (!/^[0-9A-Fa-f]{4}$/.test(crc.value)) {
    value.crc = crc.value;
    c.fatal({
      code: 'crc-format',
      tag: Tag.CRC,
      position: crc.valuePosition,
      message: `CRC is ${JSON.stringify(crc.value)}`,
      expected: '4 hex digits',
    });
  } else {
    value.crc = crc.value.toUpperCase();
    const computed = crc16ccitt(
      units === payload ? payload.slice(0, crc.valuePosition) : text(units.slice(0, crc.valuePosition)),
    );
    if (computed !== value.crc) {
      c.soft({
        code: 'crc-mismatch',
        tag: Tag.CRC,
        position: crc.valuePosition,
        message: `CRC is ${crc.value} but the payload computes to ${computed}`,
        expected: computed,
      });
    }
  }

  // Tags the profile leaves open: kept verbatim for the round trip.
  for (const e of byId.values()) {
    if (isKnownTop(e.id)) continue;
    const v = text(e.value);
    extraTags[e.id] = v;
    checkOpenValue(e, v, e.id, c);
  }
  if (Object.keys(extraTags).length > 0) value.extraTags = sortKeys(extraTags);

  const errors = c.issues();
  const hasValue = typeof value.bin === 'string' && typeof value.account === 'string';
  const shaped = hasValue ? shape(value) : undefined;
  const ok = shaped !== undefined && !c.hasFatal && (lenient || c.list.length === 0);
  if (ok) return { ok: true, value: shaped, errors };
  return shaped ? { ok: false, value: shaped, errors } : { ok: false, errors };
}

const KNOWN = new Set<string>(Object.values(Tag));
function isKnownTop(id: string): boolean {
  return KNOWN.has(id);
}

function missing(c: Collector, tag: string, label: string, expected: string): void {
  c.fatal({ code: 'missing-tag', tag, message: `tag ${tag} (${label}) is missing`, expected });
}

function invalid(c: Collector, e: TlvEntry, label: string, expected: string, tag = e.id): void {
  c.fatal({
    code: 'invalid-value',
    tag,
    position: e.valuePosition,
    message: `${label} is ${JSON.stringify(e.value)}`,
    expected,
  });
}

function readText(rule: TextRule, e: TlvEntry, text: (s: string) => string, c: Collector): string {
  const v = text(e.value);
  const problem = checkText(rule, v);
  if (problem) {
    // Non-ASCII text is readable but its TLV length is ambiguous across generators: lenient mode accepts it.
    const softNonAscii = v.length <= rule.max && rule.pattern === PRINTABLE_ASCII && NO_CONTROL.test(v);
    const issue: QrIssue = {
      code: softNonAscii ? 'non-ascii' : problem.code,
      tag: rule.tag,
      position: e.valuePosition,
      message: softNonAscii ? `${rule.label} contains non-ASCII characters` : problem.message,
      expected: rule.expected,
    };
    if (softNonAscii) c.soft(issue);
    else c.fatal(issue);
  }
  return v;
}

function checkOpenValue(e: TlvEntry, v: string, tag: string, c: Collector): void {
  if (PRINTABLE_ASCII.test(v)) return;
  const issue: QrIssue = {
    code: NO_CONTROL.test(v) ? 'non-ascii' : 'invalid-value',
    tag,
    position: e.valuePosition,
    message: `tag ${tag} has characters outside printable ASCII`,
    expected: 'printable ASCII',
  };
  if (issue.code === 'non-ascii') c.soft(issue);
  else c.fatal(issue);
}

function readAccount(
  e: TlvEntry,
  text: (s: string) => string,
  c: Collector,
  value: Partial<VietQr> & Record<string, unknown>,
): void {
  const inner = readTlv(e.value, e.valuePosition, Tag.MERCHANT_ACCOUNT);
  if (inner.issue) {
    c.fatal(inner.issue);
    return;
  }
  const subs = uniqueSubs(inner.entries, '38', c);
  for (const s of subs.values()) {
    if (s.id !== AccountTag.GUID && s.id !== AccountTag.BENEFICIARY && s.id !== AccountTag.SERVICE) {
      unexpected(c, s, '38', '00 (GUID), 01 (beneficiary), 02 (service code)');
    }
  }
  const guid = subs.get(AccountTag.GUID);
  if (!guid) missing(c, '38.00', 'VietQR GUID', VIETQR_GUID);
  else if (guid.value !== VIETQR_GUID) {
    c.fatal({
      code: 'not-vietqr',
      tag: '38.00',
      position: guid.valuePosition,
      message: `GUID is ${JSON.stringify(guid.value)}`,
      expected: VIETQR_GUID,
    });
  }
  const service = subs.get(AccountTag.SERVICE);
  if (!service) missing(c, '38.02', 'service code', `${SERVICE_ACCOUNT} or ${SERVICE_CARD}`);
  else {
    value.service = service.value;
    if (service.value !== SERVICE_ACCOUNT && service.value !== SERVICE_CARD) {
      invalid(c, service, 'service code', `${SERVICE_ACCOUNT} (account) or ${SERVICE_CARD} (card)`, '38.02');
    }
  }
  const beneficiary = subs.get(AccountTag.BENEFICIARY);
  if (!beneficiary) {
    missing(c, '38.01', 'beneficiary organization', '00 acquirer BIN + 01 account or card number');
    return;
  }
  const ben = readTlv(beneficiary.value, beneficiary.valuePosition, '38.01');
  if (ben.issue) {
    c.fatal(ben.issue);
    return;
  }
  const bsubs = uniqueSubs(ben.entries, '38.01', c);
  for (const s of bsubs.values()) {
    if (s.id !== BeneficiaryTag.BIN && s.id !== BeneficiaryTag.ACCOUNT) {
      unexpected(c, s, '38.01', '00 (acquirer BIN), 01 (account or card number)');
    }
  }
  const bin = bsubs.get(BeneficiaryTag.BIN);
  if (!bin) missing(c, '38.01.00', 'acquirer BIN', '6 digits');
  else {
    value.bin = text(bin.value);
    if (!BIN_RULE.test(bin.value)) invalid(c, bin, 'acquirer BIN', 'exactly 6 digits', '38.01.00');
  }
  const acc = bsubs.get(BeneficiaryTag.ACCOUNT);
  if (!acc) missing(c, '38.01.01', 'account or card number', 'letters and digits, 1-19');
  else {
    value.account = text(acc.value);
    const isCard = service?.value === SERVICE_CARD;
    if (!(isCard ? CARD_RULE : ACCOUNT_RULE).test(acc.value)) {
      invalid(
        c,
        acc,
        isCard ? 'card number' : 'account number',
        isCard ? '1-19 digits' : '1-19 letters or digits',
        '38.01.01',
      );
    }
  }
}

function readAdditional(
  e: TlvEntry,
  text: (s: string) => string,
  c: Collector,
  value: Partial<VietQr> & Record<string, unknown>,
): void {
  const inner = readTlv(e.value, e.valuePosition, Tag.ADDITIONAL_DATA);
  if (inner.issue) {
    c.fatal(inner.issue);
    return;
  }
  const subs = uniqueSubs(inner.entries, '62', c);
  const extra: Record<string, string> = {};
  for (const s of subs.values()) {
    const rule = ADDITIONAL_BY_ID.get(s.id);
    if (rule) value[rule.key] = readText(rule, s, text, c);
    else {
      const v = text(s.value);
      extra[s.id] = v;
      checkOpenValue(s, v, `62.${s.id}`, c);
    }
  }
  if (Object.keys(extra).length > 0) value.extraAdditionalTags = sortKeys(extra);
}

function uniqueSubs(entries: TlvEntry[], path: string, c: Collector): Map<string, TlvEntry> {
  const map = new Map<string, TlvEntry>();
  for (const s of entries) {
    if (map.has(s.id)) {
      c.fatal({
        code: 'duplicate-tag',
        tag: `${path}.${s.id}`,
        position: s.position,
        message: `sub-tag ${path}.${s.id} appears more than once`,
        expected: 'each sub-tag at most once',
      });
    } else map.set(s.id, s);
  }
  return map;
}

function unexpected(c: Collector, s: TlvEntry, path: string, expected: string): void {
  c.fatal({
    code: 'unexpected-tag',
    tag: `${path}.${s.id}`,
    position: s.position,
    message: `sub-tag ${s.id} is not allowed inside ${path}`,
    expected,
  });
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(record).sort()) out[k] = record[k]!;
  return out;
}

/** Builds the result object with a stable key order and no undefined-valued keys. */
function shape(v: Partial<VietQr> & Record<string, unknown>): VietQr {
  const out: VietQr = {
    payloadFormat: v.payloadFormat ?? '',
    initiation: (v.initiation ?? 'static') as Initiation,
    bin: v.bin ?? '',
    account: v.account ?? '',
    service: v.service ?? '',
    currency: v.currency ?? '',
    country: v.country ?? '',
    crc: v.crc ?? '',
  };
  const optional = [
    'mcc',
    'amount',
    'merchantName',
    'merchantCity',
    'billNumber',
    'mobileNumber',
    'storeLabel',
    'loyaltyNumber',
    'referenceLabel',
    'customerLabel',
    'terminalLabel',
    'purpose',
    'consumerDataRequest',
    'extraAdditionalTags',
    'extraTags',
  ] as const;
  const target = out as unknown as Record<string, unknown>;
  for (const k of optional) if (v[k] !== undefined) target[k] = v[k];
  return out;
}
