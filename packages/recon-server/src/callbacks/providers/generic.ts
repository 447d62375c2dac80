/**
 * @module The generic format: thuphi's own signed callback, for banks or middleware that can be
 * told what to send. Body `{ transactionId, accountNumber, amount, memo, bookedAt }`, header
 * `X-Thuphi-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 */
import { z } from 'zod';
import {
  GENERIC_SIGNATURE_HEADER,
  signGenericCallback,
  verifyGenericSignature,
} from '../../shared/signing.js';
import { decodeJsonBody, MAX_CREDIT_VND, parsePayload } from './payload.js';
import { headerValue } from './signing.js';
import { bankTimeSchema } from './timestamps.js';
import type { CallbackRequest, ParsedCallback, ProviderAdapter, VerifyContext } from './types.js';

/** Strict: it is our own format, so an unknown field is a sender bug worth hearing about. */
export const genericCallbackBody = z.strictObject({
  transactionId: z.string().trim().min(1).max(100),
  accountNumber: z.string().regex(/^[A-Za-z0-9]{1,19}$/, 'account number: 1–19 letters or digits'),
  amount: z.number().int().positive().max(MAX_CREDIT_VND),
  memo: z.string().max(1000),
  bookedAt: bankTimeSchema,
  /** The bank's own reference (FT…), when known: it ties this credit to its statement line. */
  bankReference: z.string().trim().min(1).max(100).optional(),
});

function verify(request: CallbackRequest, context: VerifyContext): void {
  verifyGenericSignature({
    rawBody: request.rawBody,
    header: headerValue(request.headers, GENERIC_SIGNATURE_HEADER),
    secret: context.secret,
    now: context.now,
    toleranceSeconds: context.toleranceSeconds,
  });
}

function parse(request: CallbackRequest): ParsedCallback {
  const body = parsePayload(genericCallbackBody, decodeJsonBody(request.rawBody));
  return {
    credits: [
      {
        provider: 'generic',
        providerTxnId: body.transactionId,
        accountNumber: body.accountNumber,
        amount: body.amount,
        memo: body.memo,
        bookedAt: body.bookedAt,
        ...(body.bankReference ? { bankReference: body.bankReference } : {}),
      },
    ],
    ignored: [],
  };
}

/**
 * The generic adapter.
 *
 * @example
 * const { rawBody, headers } = genericProvider.sign({ body: credit, secret, now });
 * genericProvider.verify({ rawBody: Buffer.from(rawBody), headers }, { secret, now, toleranceSeconds: 300 });
 */
export const genericProvider: ProviderAdapter = {
  name: 'generic',
  verify,
  parse,
  acknowledge: () => ({ status: 200, body: { received: true } }),
  sign({ body, secret, now }) {
    const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        [GENERIC_SIGNATURE_HEADER]: signGenericCallback({
          body: rawBody,
          secret,
          timestamp: now.getTime() / 1000,
        }),
      },
    };
  },
};
