/** @module Structured logging (pino), with secrets redacted wherever they could appear. */
import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Paths pino blanks out: every header that carries a credential or a signature (API keys, provider
 * webhook signatures and tokens, cookies), and any secret-looking or identity field of a logged
 * object or request body. Request bodies are not logged today; the body paths keep it so if a
 * serializer ever adds them.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-thuphi-signature"]',
  'req.headers["x-casso-signature"]',
  'req.headers["secure-token"]',
  'req.headers["x-sepay-signature"]',
  'res.headers["set-cookie"]',
  'req.body.secret',
  'req.body.idDocument.number',
  '*.secret',
  '*.apiKey',
  '*.callbackSecret',
  '*.signature',
  '*.idDocument.number',
  '*.idNumber',
];

/**
 * The process logger: JSON lines on stdout (or `destination`), secrets redacted.
 *
 * @example
 * const logger = createLogger({ level: 'debug' });
 * logger.info({ receiptId }, 'receipt opened');
 */
export function createLogger(
  options: { level?: string; silent?: boolean; destination?: DestinationStream } = {},
): Logger {
  const settings = {
    level: options.silent ? 'silent' : (options.level ?? 'info'),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
