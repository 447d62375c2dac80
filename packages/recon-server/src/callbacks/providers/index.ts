/**
 * @module Bank-callback provider adapters by name. Each verifies a request with the agency's secret
 * and turns it into bank credits; the HTTP route stores, ingests and acknowledges.
 */
import { cassoProvider } from './casso.js';
import { genericProvider } from './generic.js';
import { payosProvider } from './payos.js';
import { sepayProvider } from './sepay.js';
import type { ProviderAdapter, ProviderName } from './types.js';

export { CallbackVerificationError } from '../../shared/signing.js';
export { cassoProvider } from './casso.js';
export { genericProvider } from './generic.js';
export { CallbackPayloadError } from './payload.js';
export { payosProvider } from './payos.js';
export { sepayProvider } from './sepay.js';
export type {
  CallbackRequest,
  IgnoredItem,
  ParsedCallback,
  ProviderAdapter,
  ProviderName,
  VerifyContext,
} from './types.js';

/**
 * Every adapter, keyed by the name used in callback URLs and provider settings.
 *
 * @example
 * providers.sepay.verify(request, { secret, now, toleranceSeconds: 300 });
 */
export const providers: Record<ProviderName, ProviderAdapter> = Object.freeze({
  generic: genericProvider,
  payos: payosProvider,
  sepay: sepayProvider,
  casso: cassoProvider,
});
