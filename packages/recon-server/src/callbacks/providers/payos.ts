/**
 * @module payOS webhooks. The signature travels in the body: `signature` = hex HMAC-SHA256(checksum
 * key, `k=v&…` over the keys of `data` sorted), as `@payos/node@2.0.5` computes it
 * (`createSignatureFromObj`). Only `data` is signed; the top-level `code`, `desc`, `success` are not.
 *
 * payOS signs no timestamp, so there is no replay window: a captured genuine delivery verifies
 * forever. What makes a replay harmless is idempotency downstream (the same `reference` is one
 * credit), not this adapter; `toleranceSeconds` is deliberately unused here.
 */
import { z } from 'zod';
import { CallbackVerificationError } from '../../shared/signing.js';
import { decodeJsonBody, MAX_CREDIT_VND, MAX_JSON_DEPTH, nestsDeeperThan, parsePayload } from './payload.js';
import { hexSignatureMatches, hmacHex } from './signing.js';
import { bankTimeSchema } from './timestamps.js';
import type { CallbackRequest, ParsedCallback, ProviderAdapter, VerifyContext } from './types.js';

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The SDK's `sortObjDataByKey`: top-level keys only, in `Array.prototype.sort()` (UTF-16) order. */
function sortTopLevel(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );
}

/**
 * The exact string payOS signs for `data`: sorted keys, `null`/`undefined`/`"null"`/`"undefined"`
 * → empty, arrays as JSON of key-sorted items, numbers as JS `String()` renders them, and no URL
 * encoding (Vietnamese text is signed as-is).
 *
 * @example
 * payosSigningString({ amount: 3000, code: '00', counterAccountName: null });
 * // 'amount=3000&code=00&counterAccountName='
 */
export function payosSigningString(data: Json): string {
  return Object.keys(data)
    .sort()
    .filter((key) => data[key] !== undefined)
    .map((key) => {
      let value = data[key];
      if (Array.isArray(value)) value = JSON.stringify(value.map(sortTopLevel));
      if (value === null || value === undefined || value === 'null' || value === 'undefined') value = '';
      return `${key}=${String(value)}`;
    })
    .join('&');
}

/**
 * hex HMAC-SHA256 of {@link payosSigningString}.
 *
 * @example
 * payosSignature(body.data, checksumKey) === body.signature;
 */
export function payosSignature(data: Json, checksumKey: string): string {
  return hmacHex('sha256', checksumKey, payosSigningString(data));
}

function verify(request: CallbackRequest, context: VerifyContext): void {
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new CallbackVerificationError(
      'malformed_header',
      'payOS body is not JSON, so it carries no signature',
    );
  }
  // For payOS the "header" is the body's `signature` field next to the signed `data`.
  if (!isPlainObject(body) || !isPlainObject(body.data)) {
    throw new CallbackVerificationError('malformed_header', 'payOS body has no `data` object to verify');
  }
  // payOS `data` is flat; serialising a deeply nested array in it for the signing string would overflow the stack.
  if (nestsDeeperThan(body.data, MAX_JSON_DEPTH)) {
    throw new CallbackVerificationError(
      'malformed_header',
      `payOS \`data\` nests deeper than ${MAX_JSON_DEPTH} levels, so it carries no verifiable signature`,
    );
  }
  if (body.signature === undefined || body.signature === null || body.signature === '') {
    throw new CallbackVerificationError('missing_header', 'payOS body has no `signature` field');
  }
  if (typeof body.signature !== 'string' || !/^[0-9a-f]{64}$/i.test(body.signature)) {
    throw new CallbackVerificationError('malformed_header', 'payOS `signature` is not 64 hex characters');
  }
  // The SDK compares with `!==`; this comparison is constant-time.
  if (!hexSignatureMatches(body.signature, payosSignature(body.data, context.secret))) {
    throw new CallbackVerificationError(
      'no_matching_signature',
      'payOS signature does not match `data` under this checksum key',
    );
  }
}

const optionalText = z.string().nullish();

/** payOS `WebhookData` (`@payos/node` webhook.d.ts). Loose: payOS may add fields (they are signed anyway). */
export const payosWebhookBody = z.object({
  code: z.string(),
  desc: z.string().nullish(),
  success: z.boolean(),
  signature: z.string(),
  data: z.object({
    orderCode: z.number().int(),
    amount: z.number().int().min(-MAX_CREDIT_VND).max(MAX_CREDIT_VND),
    description: z.string(),
    accountNumber: z.string().trim().min(1).max(40),
    reference: z.string().trim().min(1).max(100),
    transactionDateTime: bankTimeSchema,
    currency: z.string().nullish(),
    paymentLinkId: z.string().nullish(),
    code: z.string().nullish(),
    desc: z.string().nullish(),
    counterAccountBankId: optionalText,
    counterAccountBankName: optionalText,
    counterAccountName: optionalText,
    counterAccountNumber: optionalText,
    virtualAccountName: optionalText,
    virtualAccountNumber: optionalText,
  }),
});

/**
 * The test delivery payOS sends when a webhook URL is confirmed (`POST /confirm-webhook`, which
 * `@payos/node` exposes as `webhooks.confirm(url)`), recognised as payOS's own code recognises it:
 * - its documented sample webhook (payos.vn "Webhook thông tin thanh toán": orderCode 123,
 *   description `VQRIO123`, account 12345678, 3000 đ), matched on those three fields as in payOS's
 *   demo (payOSHQ/payos-demo-dotnet-core, WebhookController); the sample's reference, amount and
 *   payment link id are not required;
 * - the older probe, description `Ma giao dich thu nghiem` ("test transaction"), as in payOS's older
 *   demo (same repository, PaymentController).
 * A real payment's description starts with payOS's own code (`CSIUIF4UZH2 …`), so neither is a real
 * transfer's memo, and a real order numbered 123 still counts. The body is verified before this.
 */
function isConfirmationProbe(data: z.output<typeof payosWebhookBody>['data']): boolean {
  const description = data.description.trim();
  if (description === 'Ma giao dich thu nghiem') return true;
  return data.orderCode === 123 && description === 'VQRIO123' && data.accountNumber === '12345678';
}

function parse(request: CallbackRequest): ParsedCallback {
  const body = parsePayload(payosWebhookBody, decodeJsonBody(request.rawBody));
  const { data } = body;
  // Identity: `reference` is the bank's transaction reference, i.e. this transfer. `orderCode` and
  // `paymentLinkId` name the payment link; a second transfer to the same link (a top-up after an
  // underpayment) would collapse into the first as a "duplicate" or a conflict if they were the key.
  const providerTxnId = data.reference;
  // A delivery payOS itself marks as not successful is genuine (it verified) but is not money in.
  const failure =
    body.code !== '00'
      ? `payos_code_${body.code}`
      : !body.success
        ? 'payos_not_success'
        : data.code !== undefined && data.code !== null && data.code !== '00'
          ? `payos_data_code_${data.code}`
          : undefined;
  if (failure) return { credits: [], ignored: [{ providerTxnId, reason: failure }] };
  if (isConfirmationProbe(data))
    return { credits: [], ignored: [{ providerTxnId, reason: 'payos_confirmation_probe' }] };
  if (data.amount <= 0) return { credits: [], ignored: [{ providerTxnId, reason: 'not_money_in' }] };
  return {
    credits: [
      {
        provider: 'payos',
        providerTxnId,
        accountNumber: data.accountNumber,
        amount: data.amount,
        // payOS puts its own VA code first ("CSIUIF4UZH2 <our memo>"); matching searches the whole memo.
        memo: data.description,
        bookedAt: data.transactionDateTime,
        bankReference: data.reference,
      },
    ],
    ignored: [],
  };
}

/**
 * The payOS adapter.
 *
 * @example
 * const signed = payosProvider.sign({ body: { code: '00', desc: 'success', success: true, data }, secret, now });
 * payosProvider.parse({ rawBody: Buffer.from(signed.rawBody), headers: signed.headers }).credits;
 */
export const payosProvider: ProviderAdapter = {
  name: 'payos',
  verify,
  parse,
  // payOS only needs a 2xx; JSON keeps the reply uniform with the other providers.
  acknowledge: () => ({ status: 200, body: { success: true } }),
  sign({ body, secret }) {
    if (!isPlainObject(body) || !isPlainObject(body.data)) {
      throw new TypeError('payOS sign(): body must be an object with a `data` object');
    }
    const signed = { ...body, signature: payosSignature(body.data, secret) };
    return { rawBody: JSON.stringify(signed), headers: { 'content-type': 'application/json' } };
  },
};
