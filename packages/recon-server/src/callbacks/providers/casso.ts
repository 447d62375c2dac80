/**
 * @module Casso webhooks.
 *
 * v2: `X-Casso-Signature: t=<epoch ms>,v1=<hex HMAC-SHA512(checksum key, t + "." + JSON of the WHOLE
 * body with keys sorted at every depth)>`. Verified against Casso's published sample; signing only
 * `data` does not match it. Casso signs a re-serialisation, not the bytes, so we must re-serialise
 * the parsed body the way Casso's server does, and which serialiser that is is NOT established:
 * Casso's sample code exists in JS (`JSON.stringify`) and in PHP (`json_encode`, which escapes `/`
 * as `\/` and non-ASCII as `\uXXXX`). The published vector contains neither, so both forms are tried;
 * each is a deterministic function of the body, so accepting either needs the key just the same.
 *
 * v1 (legacy): a static `secure-token: <key>` header (compared in constant time) and `data` as an
 * array of transactions. No signature, no timestamp: replays are stopped only by idempotency.
 */
import { z } from 'zod';
import type { BankCredit } from '../../ledger/credits.js';
import { CallbackVerificationError } from '../../shared/signing.js';
import { decodeJsonBody, MAX_CREDIT_VND, MAX_JSON_DEPTH, nestsDeeperThan, parsePayload } from './payload.js';
import {
  headerValue,
  hexSignatureMatches,
  hmacHex,
  parseTimestampedHeader,
  secretsEqual,
} from './signing.js';
import { bankTimeSchema } from './timestamps.js';
import type {
  CallbackRequest,
  IgnoredItem,
  ParsedCallback,
  ProviderAdapter,
  VerifyContext,
} from './types.js';

export const CASSO_SIGNATURE_HEADER = 'x-casso-signature';
export const CASSO_LEGACY_TOKEN_HEADER = 'secure-token';

/**
 * Sorts object keys at every depth (arrays keep their order), as Casso's sample code does.
 *
 * @example
 * JSON.stringify(deepSortKeys({ b: 1, a: { d: 2, c: 3 } })); // '{"a":{"c":3,"d":2},"b":1}'
 */
export function deepSortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepSortKeys);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, deepSortKeys(record[k])]),
    );
  }
  return value;
}

/** The JS serialisation Casso's Node sample uses. */
function canonicalJs(body: unknown): string {
  return JSON.stringify(deepSortKeys(body));
}

/**
 * PHP `json_encode` defaults on top of the JS form: `/` → `\/`, non-ASCII → `\uxxxx` (UTF-16, lower
 * hex). Both only ever occur inside JSON strings, so rewriting the whole text is safe.
 */
function canonicalPhp(body: unknown): string {
  return canonicalJs(body).replace(/[/\u0080-\uffff]/g, (c) =>
    c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The v2 signature for a body at a timestamp (ms), in the JS serialisation.
 *
 * @example
 * cassoSignature(checksumKey, '1727948258788', JSON.parse(rawBody)); // 'ed0a4bd2…7ff3'
 */
export function cassoSignature(checksumKey: string, timestampMs: string, body: unknown): string {
  return hmacHex('sha512', checksumKey, `${timestampMs}.`, canonicalJs(body));
}

function verifyV2(request: CallbackRequest, context: VerifyContext, header: string): void {
  const parsed = parseTimestampedHeader(header);
  if (!parsed) {
    throw new CallbackVerificationError(
      'malformed_header',
      'expected X-Casso-Signature: t=<epoch ms>,v1=<hex>',
    );
  }
  const t = Number(parsed.timestamp);
  // Casso's t is in milliseconds, unlike the Unix seconds of the generic and SePay headers.
  if (Math.abs(context.now.getTime() - t) > context.toleranceSeconds * 1000) {
    throw new CallbackVerificationError(
      'timestamp_outside_tolerance',
      `timestamp ${t} ms is more than ${context.toleranceSeconds}s away from the server clock (a replay, or a wrong clock)`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'Casso body is not JSON, so no signature can match it',
    );
  }
  // Casso's sample bodies nest 2 levels; re-serialising a 30 000-level body would overflow the stack.
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      `Casso body nests deeper than ${MAX_JSON_DEPTH} levels, so no signature can match it`,
    );
  }
  const expected = [canonicalJs(body), canonicalPhp(body)].map((text) =>
    hmacHex('sha512', context.secret, `${parsed.timestamp}.`, text),
  );
  // Every candidate is compared with every expectation, with no early exit: constant work per request.
  let matched = false;
  for (const candidate of parsed.signatures) {
    for (const hex of expected) if (hexSignatureMatches(candidate, hex)) matched = true;
  }
  if (!matched) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'X-Casso-Signature does not match the body under this checksum key',
    );
  }
}

function verify(request: CallbackRequest, context: VerifyContext): void {
  const signature = headerValue(request.headers, CASSO_SIGNATURE_HEADER);
  const token = headerValue(request.headers, CASSO_LEGACY_TOKEN_HEADER);
  if (signature !== undefined) {
    verifyV2(request, context, signature);
  } else if (token === undefined) {
    throw new CallbackVerificationError(
      'missing_header',
      'Casso callback has neither X-Casso-Signature (v2) nor secure-token (v1)',
    );
  } else if (!secretsEqual(token.trim(), context.secret)) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'the Casso secure-token is not this agency’s key',
    );
  }
}

const amount = z.number().int().min(-MAX_CREDIT_VND).max(MAX_CREDIT_VND);
const optionalText = z.string().nullish();

/** Casso v2 body (developer.casso.vn webhook v2). Loose: Casso may add fields. */
export const cassoV2Body = z.object({
  error: z.number().int(),
  data: z.object({
    id: z.number().int().nonnegative(),
    reference: optionalText,
    description: z.string(),
    amount,
    runningBalance: z.number().nullish(),
    transactionDateTime: bankTimeSchema,
    accountNumber: z.string().trim().min(1).max(40),
    bankName: optionalText,
    bankAbbreviation: optionalText,
    virtualAccountNumber: optionalText,
    virtualAccountName: optionalText,
    counterAccountName: optionalText,
    counterAccountNumber: optionalText,
    counterAccountBankId: optionalText,
    counterAccountBankName: optionalText,
  }),
});

/** Casso v1 (legacy) body: `data` is an array; field names from the public `CassoTransactionData`. */
export const cassoV1Body = z.object({
  error: z.number().int(),
  data: z.array(
    z.object({
      id: z.number().int().nonnegative(),
      tid: optionalText,
      description: z.string(),
      amount,
      cusum_balance: z.number().nullish(),
      when: bankTimeSchema,
      bank_sub_acc_id: z.string().trim().min(1).max(40),
      subAccId: optionalText,
    }),
  ),
});

interface Item {
  id: number;
  accountNumber: string;
  amount: number;
  memo: string;
  bookedAt: Date;
  bankReference?: string | undefined;
}

/** Splits items into credits and ignored: only positive amounts are money in. */
function classify(items: Item[]): ParsedCallback {
  const credits: BankCredit[] = [];
  const ignored: IgnoredItem[] = [];
  for (const item of items) {
    // The id is Casso's own transaction id, unique per Casso business; `reference` is the bank's
    // and may be empty or repeat across banks, so it is kept out of the dedupe key.
    const providerTxnId = String(item.id);
    if (item.amount < 0) ignored.push({ providerTxnId, reason: 'outgoing_transfer' });
    else if (item.amount === 0) ignored.push({ providerTxnId, reason: 'zero_amount' });
    else {
      credits.push({
        provider: 'casso',
        providerTxnId,
        accountNumber: item.accountNumber,
        amount: item.amount,
        memo: item.memo,
        bookedAt: item.bookedAt,
        ...(item.bankReference ? { bankReference: item.bankReference } : {}),
      });
    }
  }
  return { credits, ignored };
}

function parse(request: CallbackRequest): ParsedCallback {
  const json = decodeJsonBody(request.rawBody);
  const legacy =
    typeof json === 'object' && json !== null && Array.isArray((json as { data?: unknown }).data);
  if (legacy) {
    const body = parsePayload(cassoV1Body, json);
    if (body.error !== 0) return { credits: [], ignored: [{ reason: `casso_error_${body.error}` }] };
    return classify(
      body.data.map((d) => ({
        id: d.id,
        accountNumber: d.bank_sub_acc_id,
        amount: d.amount,
        memo: d.description,
        bookedAt: d.when,
      })),
    );
  }
  const body = parsePayload(cassoV2Body, json);
  const { data } = body;
  if (body.error !== 0)
    return {
      credits: [],
      ignored: [{ providerTxnId: String(data.id), reason: `casso_error_${body.error}` }],
    };
  // Casso's "send test webhook" posts its sample: id 0, reference MA_GIAO_DICH_THU_NGHIEM. Id 0 is
  // never a real transaction, and ingesting it would make every later test a "conflict".
  if (data.id === 0) return { credits: [], ignored: [{ providerTxnId: '0', reason: 'casso_test_webhook' }] };
  return classify([
    {
      id: data.id,
      accountNumber: data.accountNumber,
      amount: data.amount,
      memo: data.description,
      bookedAt: data.transactionDateTime,
      bankReference: data.reference ?? undefined,
    },
  ]);
}

/**
 * The Casso adapter. `sign` produces v2 (`X-Casso-Signature`, JS serialisation).
 *
 * @example
 * const signed = cassoProvider.sign({ body: { error: 0, data }, secret: checksumKey, now });
 * cassoProvider.verify({ rawBody: Buffer.from(signed.rawBody), headers: signed.headers }, { secret: checksumKey, now, toleranceSeconds: 300 });
 */
export const cassoProvider: ProviderAdapter = {
  name: 'casso',
  verify,
  parse,
  // Casso only needs a 2xx.
  acknowledge: () => ({ status: 200, body: { success: true } }),
  sign({ body, secret, now }) {
    const parsedBody: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
    const t = String(now.getTime());
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        [CASSO_SIGNATURE_HEADER]: `t=${t},v1=${cassoSignature(secret, t, parsedBody)}`,
      },
    };
  },
};
