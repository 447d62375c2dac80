/**
 * @module The contract every bank-callback provider adapter fulfils. Adapters are pure: the secret,
 * the clock and the request bytes come in as arguments, so the HTTP layer, tests and simulators
 * drive them the same way.
 */
import type { BankCredit } from '../../ledger/credits.js';

export type ProviderName = 'generic' | 'payos' | 'sepay' | 'casso';

export interface CallbackRequest {
  /** The exact bytes received: signatures are checked over these, never over a re-serialised body. */
  rawBody: Buffer;
  /** Header names lower-cased, as Node delivers them. */
  headers: Record<string, string | undefined>;
}

export interface VerifyContext {
  secret: string;
  now: Date;
  /** How far a signed timestamp may be from `now`, either way, for providers that sign one. */
  toleranceSeconds: number;
}

export interface IgnoredItem {
  providerTxnId?: string;
  reason: string;
}

export interface ParsedCallback {
  /** Money in, to be ingested; `provider` is the adapter's name. */
  credits: BankCredit[];
  /** Genuine, well-formed items that are not money in for us (outgoing transfers, probes, zero amounts). */
  ignored: IgnoredItem[];
}

export interface ProviderAdapter {
  readonly name: ProviderName;
  /**
   * Throws a CallbackVerificationError (from shared/signing) saying which check failed.
   * Every secret comparison is constant-time.
   */
  verify(request: CallbackRequest, context: VerifyContext): void;
  /** Parses a verified body; throws CallbackPayloadError for a body outside the provider's documented shape. */
  parse(request: CallbackRequest): ParsedCallback;
  /** What the provider expects back once the credits are committed. */
  acknowledge(): { status: number; body: unknown };
  /** Test signer: a raw body and headers that `verify` accepts, for tests and simulators. */
  sign(input: { body: unknown; secret: string; now: Date }): {
    rawBody: string;
    headers: Record<string, string>;
  };
}
