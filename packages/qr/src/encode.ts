/**
 * VietQR encoder: checks every input field against its rule (collecting all problems), builds the TLV in
 * the canonical order, appends the CRC, then re-decodes its own output before returning it.
 */
import { crc16ccitt } from './crc16.js';
import { decode } from './decode.js';
import { QrError, type QrIssue } from './errors.js';
import {
  ACCOUNT_RULE,
  ADDITIONAL_RULES,
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
import { PayloadWriter } from './writer.js';

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
  const payload = build(x, additional);
  // Self-check, as uuid's stringify does: never hand out a payload our own strict decoder rejects.
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
  return payload;
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
  const initiation = x.initiation ?? (x.amount !== undefined ? 'dynamic' : 'static');

  if (x.extraTags === undefined) {
    // The common case: known tags only, streamed in ascending order with the CRC computed on the way.
    const w = new PayloadWriter();
    w.put(initiation === 'dynamic' ? '000201010212' : '000201010211');
    const beneficiaryLength = 10 + 4 + x.account.length; // 00 BIN (4+6) + 01 account
    w.header(Tag.MERCHANT_ACCOUNT, 14 + 4 + beneficiaryLength + 12); // 00 GUID, 01 beneficiary, 02 service
    w.put(`0010${VIETQR_GUID}`);
    w.header(AccountTag.BENEFICIARY, beneficiaryLength);
    w.field(BeneficiaryTag.BIN, x.bin);
    w.field(BeneficiaryTag.ACCOUNT, x.account);
    w.field(AccountTag.SERVICE, service);
    if (x.mcc !== undefined) w.field(Tag.MCC, x.mcc);
    w.put('5303704');
    if (x.amount !== undefined) w.field(Tag.AMOUNT, String(x.amount));
    w.put('5802VN');
    if (x.merchantName !== undefined) w.field(Tag.MERCHANT_NAME, x.merchantName);
    if (x.merchantCity !== undefined) w.field(Tag.MERCHANT_CITY, x.merchantCity);
    if (additional.length > 0) w.field(Tag.ADDITIONAL_DATA, additional);
    return w.finish();
  }

  // Open top-level tags (rare): collect every field, sort by ID, then write.
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
