/**
 * @module SePay bank-transaction webhooks. Two authentication modes, told apart by the headers sent:
 *
 * - API key: `Authorization: Apikey <key>`, compared in constant time with the stored secret. No
 *   signature and no timestamp: the key itself travels, and replays are only stopped by idempotency.
 * - HMAC: `X-SePay-Timestamp: <unix s>` and `X-SePay-Signature: sha256=<hex>` over
 *   `${timestamp}.${raw body}`, rejected outside the tolerance (SePay's security page says 5 min).
 *   UNVERIFIED against SePay's own text: the official page names HMAC-SHA256 and the timestamp header
 *   but the readable copy stops before the formula, which is taken from independent integrations.
 *
 * When both are present HMAC wins: it binds the body and the time. SePay's OAuth2 mode (it fetches a
 * bearer token from us) is not supported.
 *
 * Each SePay webhook has a payload format (developer.sepay.vn, "Create a webhook in Test mode", step 1:
 * JSON `application/json`, the default; URL-encoded form `application/x-www-form-urlencoded`; or
 * multipart `multipart/form-data`). JSON and the URL-encoded form are read; a multipart body gets a
 * clear 400 asking for one of those. The signature is over the raw bytes either way.
 */
import { z } from 'zod';
import { CallbackVerificationError } from '../../shared/signing.js';
import {
  CallbackPayloadError,
  decodeJsonBody,
  MAX_CREDIT_VND,
  NUL_MESSAGE,
  parsePayload,
} from './payload.js';
import { headerValue, hexSignatureMatches, hmacHex, secretsEqual } from './signing.js';
import { bankTimeSchema } from './timestamps.js';
import type { CallbackRequest, ParsedCallback, ProviderAdapter, VerifyContext } from './types.js';

export const SEPAY_TIMESTAMP_HEADER = 'x-sepay-timestamp';
export const SEPAY_SIGNATURE_HEADER = 'x-sepay-signature';

/**
 * hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`), the value after `sha256=`.
 *
 * @example
 * `sha256=${sepaySignature(secret, '1784083287', rawBody)}`;
 */
export function sepaySignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return hmacHex('sha256', secret, `${timestamp}.`, rawBody);
}

function verifyHmac(request: CallbackRequest, context: VerifyContext, signatureHeader: string): void {
  const timestamp = headerValue(request.headers, SEPAY_TIMESTAMP_HEADER)?.trim();
  if (!timestamp)
    throw new CallbackVerificationError('missing_header', 'X-SePay-Timestamp header is missing');
  const signature = signatureHeader.trim().replace(/^sha256=/i, '');
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature)) {
    throw new CallbackVerificationError(
      'malformed_header',
      'expected X-SePay-Timestamp: <unix seconds> and X-SePay-Signature: sha256=<64 hex>',
    );
  }
  const t = Number(timestamp);
  if (Math.abs(context.now.getTime() / 1000 - t) > context.toleranceSeconds) {
    throw new CallbackVerificationError(
      'timestamp_outside_tolerance',
      `timestamp ${t} is more than ${context.toleranceSeconds}s away from the server clock (a replay, or a wrong clock)`,
    );
  }
  if (!hexSignatureMatches(signature, sepaySignature(context.secret, timestamp, request.rawBody))) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'X-SePay-Signature does not match the raw body and timestamp under this secret',
    );
  }
}

function verifyApiKey(context: VerifyContext, authorization: string): void {
  const m = /^\s*apikey\s+(\S+)\s*$/i.exec(authorization);
  if (!m?.[1])
    throw new CallbackVerificationError('malformed_header', 'expected Authorization: Apikey <key>');
  if (!secretsEqual(m[1], context.secret)) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'the SePay API key is not this agency’s key',
    );
  }
}

function verify(request: CallbackRequest, context: VerifyContext): void {
  const signature = headerValue(request.headers, SEPAY_SIGNATURE_HEADER);
  const authorization = headerValue(request.headers, 'authorization');
  if (signature !== undefined) verifyHmac(request, context, signature);
  else if (authorization !== undefined) verifyApiKey(context, authorization);
  else
    throw new CallbackVerificationError(
      'missing_header',
      'SePay callback has neither X-SePay-Signature (HMAC) nor Authorization: Apikey <key>',
    );
}

/** Fields from developer.sepay.vn/en/sepay-webhooks and sepayvn/laravel-sepay `SePayWebhookData`. */
export const sepayWebhookBody = z.object({
  id: z.number().int().nonnegative(),
  gateway: z.string(),
  transactionDate: bankTimeSchema,
  accountNumber: z.string().trim().min(1).max(40),
  subAccount: z.string().nullish(),
  code: z.string().nullish(),
  content: z.string().nullish(),
  transferType: z.enum(['in', 'out']),
  transferAmount: z.number().int().min(0).max(MAX_CREDIT_VND),
  accumulated: z.number().nullish(),
  referenceCode: z.string().nullish(),
  description: z.string().nullish(),
});

/** Form fields that are numbers in the JSON body; in a form every value is text. */
const NUMERIC_FIELDS = new Set(['id', 'transferAmount', 'accumulated']);

/**
 * A URL-encoded SePay body as the object its JSON twin would be: the same field names, numbers for
 * the numeric fields, and an empty value for what JSON sends as `null`. A field given twice is refused
 * (which one would be the money?); so is a NUL, which PostgreSQL text cannot hold.
 *
 * @example
 * sepayFormBody(Buffer.from('id=92704&transferAmount=150000&code=')); // { id: 92704, transferAmount: 150000, code: null }
 */
export function sepayFormBody(rawBody: Buffer): Record<string, unknown> {
  // A Map, then fromEntries: a field named `__proto__` becomes an own property, not a prototype.
  const fields = new Map<string, unknown>();
  for (const [key, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    if (fields.has(key)) throw new CallbackPayloadError(key, 'is given more than once in the form');
    if (value.includes('\u0000') || key.includes('\u0000')) throw new CallbackPayloadError(key, NUL_MESSAGE);
    if (value === '') fields.set(key, null);
    else if (NUMERIC_FIELDS.has(key) && /^-?\d{1,16}(?:\.\d{1,6})?$/.test(value))
      fields.set(key, Number(value));
    else fields.set(key, value);
  }
  return Object.fromEntries(fields);
}

/** The body as the webhook's payload format sends it (Content-Type), JSON when it says nothing else. */
function decodeBody(request: CallbackRequest): unknown {
  const mediaType = headerValue(request.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return sepayFormBody(request.rawBody);
  if (mediaType === 'multipart/form-data') {
    throw new CallbackPayloadError(
      '',
      'multipart/form-data is not read: set the SePay webhook’s payload format to JSON or URL-encoded (application/x-www-form-urlencoded)',
    );
  }
  return decodeJsonBody(request.rawBody);
}

function parse(request: CallbackRequest): ParsedCallback {
  const body = parsePayload(sepayWebhookBody, decodeBody(request));
  // SePay's own id is its dedupe key; `referenceCode` is the bank's and is not always present.
  const providerTxnId = String(body.id);
  if (body.transferType === 'out')
    return { credits: [], ignored: [{ providerTxnId, reason: 'outgoing_transfer' }] };
  if (body.transferAmount === 0) return { credits: [], ignored: [{ providerTxnId, reason: 'zero_amount' }] };
  return {
    credits: [
      {
        provider: 'sepay',
        providerTxnId,
        // The money lands in `accountNumber`, the real bank account. `subAccount` is a virtual account
        // routed into it; the collection account is what settings and reconciliation know.
        accountNumber: body.accountNumber,
        amount: body.transferAmount,
        // `content` is the transfer memo SePay extracted; when it cannot (some banks' SMS/statement
        // formats) it is empty, and the full bank text in `description` still carries the reference.
        memo: body.content || body.description || '',
        bookedAt: body.transactionDate,
        ...(body.referenceCode ? { bankReference: body.referenceCode } : {}),
      },
    ],
    ignored: [],
  };
}

/**
 * The SePay adapter. `sign` uses HMAC mode; for API-key mode send `Authorization: Apikey <secret>`.
 *
 * @example
 * const signed = sepayProvider.sign({ body: webhook, secret: 'whsec_…', now });
 * sepayProvider.verify({ rawBody: Buffer.from(signed.rawBody), headers: signed.headers }, { secret: 'whsec_…', now, toleranceSeconds: 300 });
 */
export const sepayProvider: ProviderAdapter = {
  name: 'sepay',
  verify,
  parse,
  // SePay retries (8 times over ~33 min) unless it gets a 2xx with this body.
  acknowledge: () => ({ status: 200, body: { success: true } }),
  sign({ body, secret, now }) {
    const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        [SEPAY_TIMESTAMP_HEADER]: timestamp,
        [SEPAY_SIGNATURE_HEADER]: `sha256=${sepaySignature(secret, timestamp, rawBody)}`,
      },
    };
  },
};
