/** @module The Express application, assembled from its parts; listening is the entry point's job. */
import { randomUUID } from 'node:crypto';
import { defaultSchedules, type ScheduleSet } from '@thuphi/fee-core';
import express, { type Express } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { type Clock, systemClock } from '../clock.js';
import { defaultConfig, type ServerConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { AppError } from './errors.js';
import { problemHandler } from './middleware/problem-handler.js';
import { agencyRouter } from './routes/agency.js';
import { callbacksRouter } from './routes/callbacks.js';
import { receiptsRouter } from './routes/receipts.js';
import { resolutionsRouter } from './routes/resolutions.js';

export interface AppDependencies {
  db: Knex;
  clock?: Clock;
  config?: Partial<ServerConfig>;
  logger?: Logger;
  schedules?: ScheduleSet;
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
  const schedules = deps.schedules ?? defaultSchedules;
  const { db } = deps;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        // Accept a caller's request id only if it is short and plain; otherwise make our own.
        const id =
          typeof incoming === 'string' && /^[\w\-=.]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
    }),
  );

  app.get('/healthz', async (_req, res) => {
    await db.raw('select 1');
    res.json({ status: 'ok' });
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

  app.use(express.json({ limit: config.bodyLimit, strict: true }));
  app.use((req, _res, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is('application/json')) {
      throw new AppError('unsupported_media_type');
    }
    next();
  });
  app.use('/v1/agency', agencyRouter({ db, clock }));
  app.use('/v1/receipts', receiptsRouter({ db, clock, schedules }));
  app.use('/v1', resolutionsRouter({ db, clock }));

  app.use((req, _res, next) => next(new AppError('not_found', { detail: `${req.method} ${req.path}` })));
  app.use(problemHandler({ logger }));
  return app;
}
