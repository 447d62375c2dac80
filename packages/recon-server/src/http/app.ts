/** @module The Express application, assembled from its parts; listening is the entry point's job. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Schedule, shippedSchedules } from '@thuphi/fee-core';
import express, { type Express } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { DEV_ID_HASH_KEY, defaultConfig, type ServerConfig } from '../config.js';
import { pingDatabase } from '../db/open.js';
import { compilePolicy } from '../events/destination.js';
import { createLogger } from '../logger.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { findNul, formatPath, NUL_MESSAGE } from '../shared/input.js';
import { requireApiKey } from './middleware/auth.js';
import { authFailureLimiter } from './middleware/auth-rate-limit.js';
import { problemHandler } from './middleware/problem-handler.js';
import { allOperations } from './openapi/all-operations.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { pagesRouter } from './pages/index.js';
import { agenciesRouter } from './routes/agencies.js';
import { agencyRouter } from './routes/agency.js';
import { agencyKeysRouter } from './routes/agency-keys.js';
import { callbacksRouter } from './routes/callbacks.js';
import { cashRouter } from './routes/cash.js';
import { custodyRouter } from './routes/custody.js';
import { depositsRouter } from './routes/deposits.js';
import { feesRouter } from './routes/fees.js';
import { platformRouter } from './routes/platform.js';
import { receiptEventsRouter } from './routes/receipt-events.js';
import { receiptsRouter } from './routes/receipts.js';
import { reconciliationsRouter } from './routes/reconciliations.js';
import { resolutionsRouter } from './routes/resolutions.js';
import { statementsRouter } from './routes/statements.js';

export interface AppDependencies {
  db: Knex;
  clock?: Clock;
  config?: Partial<ServerConfig>;
  logger?: Logger;
  /**
   * The shipped schedule layers every agency starts from (default: fee-core's national, example and province
   * layers). Uploaded versions and each agency's administrative unit are read from the database; the example
   * province only ever prices the demo agency.
   */
  baseSchedules?: readonly Schedule[];
}

/**
 * Builds the HTTP app on a migrated database. Nothing listens until the caller says so.
 *
 * @example
 * const db = await openDatabase();
 * await migrateLatest(db);
 * const app = createApp({ db, clock: systemClock, config: {} });
 * app.listen(3000);
 */
export function createApp(deps: AppDependencies): Express {
  const config: ServerConfig = { ...defaultConfig, ...deps.config };
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ silent: true });
  const baseSchedules = deps.baseSchedules ?? shippedSchedules;
  const { db } = deps;
  if (config.idHashKey === DEV_ID_HASH_KEY && process.env.NODE_ENV === 'production') {
    // Anyone with the source can hash every ID number under this key: say so loudly.
    logger.warn('THUPHI_ID_HASH_KEY is not set: ID documents are hashed with the public development key');
  }

  const eventDestinations = compilePolicy({
    allowNetworks: config.eventsAllowNetworks,
    requireHttps: config.eventsRequireHttps ?? process.env.NODE_ENV === 'production',
  });
  const authFailures = authFailureLimiter({
    perMinute: config.authFailuresPerMinute,
    maxTracked: config.authFailureTrackedClients,
  });

  const app = express();
  app.disable('x-powered-by');
  // Which address is the client's: the socket's, unless the operator says which proxies to believe.
  app.set('trust proxy', config.trustProxy);
  const requestId = (req: IncomingMessage, res: ServerResponse) => {
    const incoming = req.headers['x-request-id'];
    // Accept a caller's request id only if it is short and plain; otherwise make our own.
    const id = typeof incoming === 'string' && /^[\w\-=.]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  };
  // pino-http writes its request lines at info, but it serialises every request into a child logger
  // even when nothing will be written: above info, only the request id is kept (errors are logged
  // by the problem handler).
  if (logger.isLevelEnabled('info')) {
    app.use(pinoHttp({ logger, genReqId: requestId }));
  } else {
    app.use((req, res, next) => {
      req.id = requestId(req, res);
      next();
    });
  }

  // A NUL (%00) has no place in any URL here, and PostgreSQL text cannot hold one: refuse it before
  // it reaches a query as an agency id, a file name or a key id.
  app.use((req, _res, next) => {
    if (/%00/.test(req.originalUrl)) {
      throw new AppError('validation_failed', { errors: [{ path: 'url', message: NUL_MESSAGE }] });
    }
    next();
  });

  app.get('/healthz', async (_req, res) => {
    await pingDatabase(db);
    res.json({ status: 'ok' });
  });

  let openapi: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get('/openapi.json', (_req, res) => {
    openapi ??= buildOpenApiDocument(
      {
        title: 'thuphi recon-server',
        version: '0.1.0',
        description:
          'Receipts with VietQR, bank callbacks and statements, matching, cash at the counter and daily reconciliation for Vietnamese one-stop-shop offices. Amounts are integer VND.',
      },
      allOperations,
    );
    res.json(openapi);
  });

  // Callbacks come before the JSON parser: their signatures cover the raw bytes.
  app.use(
    '/v1/callbacks',
    callbacksRouter({
      db,
      clock,
      logger,
      defaultAgencyId: config.defaultAgencyId,
      toleranceSeconds: config.callbackToleranceSeconds,
      bodyLimit: config.bodyLimit,
    }),
  );

  // Statement files are uploaded raw (CSV, XLSX, MT940, XML), so they too come before the JSON parser.
  app.use('/v1/statements', statementsRouter({ db, clock }));

  // Agency keys are resolved before any JSON is parsed: a caller without a valid key hears 401, never
  // 415 or 400 about a body nobody should read, and no route is told apart from another.
  const authenticate = requireApiKey({ db, clock });
  app.use('/v1', (req, res, next) => {
    // The operator's routes carry their own key; callback URLs answer for themselves (a wrong method there is a 404).
    if (/^\/(agencies|callbacks|platform)(\/|$)/.test(req.path)) return next();
    return authenticate(req, res, next);
  });

  // Schedule files are bigger than other bodies (the national layer is ~56 KB): their own JSON parser, with its
  // own limit; the NUL check of the text is in the body schema.
  app.use(
    ['/v1/agency/schedules', '/v1/platform/schedules'],
    express.json({ limit: config.scheduleBodyLimit, strict: true }),
  );

  // In UTF-8 JSON a NUL can only be written as the escape \u0000: only bodies holding it (or in another
  // charset) are walked for one, not every body of every request.
  const mayHoldNul = new WeakSet<object>();
  app.use(
    express.json({
      limit: config.bodyLimit,
      strict: true,
      verify: (req, _res, buf, encoding) => {
        if (!/^utf-?8$/i.test(encoding) || buf.includes('\\u0000')) mayHoldNul.add(req);
      },
    }),
  );
  app.use((req, _res, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is('application/json')) {
      throw new AppError('unsupported_media_type');
    }
    next();
  });
  app.use((req, _res, next) => {
    const nul = mayHoldNul.has(req) ? findNul(req.body) : undefined;
    if (nul)
      throw new AppError('validation_failed', { errors: [{ path: formatPath(nul), message: NUL_MESSAGE }] });
    next();
  });
  app.use('/v1/agencies', agenciesRouter({ db, clock, operatorKey: config.operatorKey }));
  app.use('/v1/platform', platformRouter({ db, clock, operatorKey: config.operatorKey, baseSchedules }));
  app.use('/v1', feesRouter({ db, clock, baseSchedules }));
  app.use('/v1/agency/keys', agencyKeysRouter({ db, clock }));
  app.use('/v1/agency', agencyRouter({ db, clock, eventDestinations }));
  app.use('/v1', cashRouter({ db, clock, idHashKey: config.idHashKey }));
  app.use('/v1', depositsRouter({ db, clock }));
  app.use('/v1/receipts', receiptEventsRouter({ db }));
  app.use('/v1', custodyRouter({ db, clock }));
  app.use('/v1/receipts', receiptsRouter({ db, clock, baseSchedules }));
  app.use('/v1', resolutionsRouter({ db, clock }));
  app.use('/v1/reconciliations', reconciliationsRouter({ db, clock }));

  app.use(pagesRouter({ db, clock }));

  app.use((req, _res, next) => next(new AppError('not_found', { detail: `${req.method} ${req.path}` })));
  // Every wrong agency or operator key under /v1 is counted here, after it was found wrong: a valid
  // key never meets the limit. Callbacks answer bad signatures with their own code and are not counted.
  app.use('/v1', authFailures.handler);
  app.use(problemHandler({ logger }));
  return app;
}
