/** @module Structured logging (pino), with secrets redacted wherever they could appear. */
import { type Logger, pino } from 'pino';

/** Paths pino blanks out: credentials in headers, and any secret-looking field of a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-thuphi-signature"]',
  'req.headers.cookie',
  '*.secret',
  '*.apiKey',
  '*.callbackSecret',
];

export function createLogger(options: { level?: string; silent?: boolean } = {}): Logger {
  return pino({
    level: options.silent ? 'silent' : (options.level ?? 'info'),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}
