/** @module The one error middleware: everything becomes application/problem+json. */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, problemBody } from '../../shared/errors.js';

/** Maps body-parser's errors (they carry `type`) to our codes, so clients see one vocabulary. */
function fromParserError(error: { type?: string; status?: number }): AppError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('body_too_large');
    case 'entity.parse.failed':
      return new AppError('malformed_json');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type');
    default:
      return undefined;
  }
}

export function problemHandler({ logger }: { logger: Logger }): ErrorRequestHandler {
  return function problemHandler(error, req, res, _next) {
    const appError =
      error instanceof AppError
        ? error
        : (fromParserError(error) ?? new AppError('internal', { cause: error }));
    if (appError.status >= 500) logger.error({ err: error, reqId: req.id }, 'request failed');
    res
      .status(appError.status)
      .type('application/problem+json')
      .send(JSON.stringify(problemBody(appError, req.originalUrl)));
  };
}
