/** @module Starting a server process: database, migrations, demo agency, HTTP listener. */
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { agencyExists, DEMO_AGENCY_ID, type DemoAgencySeed, seedDemoAgency } from './agencies/agencies.js';
import { defaultHttpLimits, type RuntimeSettings } from './config.js';
import { migrateLatest } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { compilePolicy } from './events/destination.js';
import { createDispatcher } from './events/dispatcher.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http-server.js';
import { startDailyReconciliation } from './jobs/daily-reconciliation.js';
import { systemClock } from './shared/clock.js';

export interface RunningServer {
  server: Server;
  db: Knex;
  port: number;
  /** The demo agency as seeded on this start; undefined when the demo is off (production). */
  demo: DemoAgencySeed | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database, migrates, seeds the demo agency (unless `settings.demo` is false) and listens
 * on `settings.port` with the time-outs and connection cap of `settings.http`.
 *
 * @example
 * const running = await startServer(settingsFromEnv(), createLogger({ level: 'info' }));
 */
export async function startServer(settings: RuntimeSettings, logger: Logger): Promise<RunningServer> {
  const db = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir });
  try {
    return await serve(db, settings, logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function serve(db: Knex, settings: RuntimeSettings, logger: Logger): Promise<RunningServer> {
  await migrateLatest(db);
  const demoOn = settings.demo ?? true;
  const demo = demoOn
    ? await seedDemoAgency(db, systemClock, {
        apiKey: settings.demoApiKey,
        callbackSecret: settings.demoCallbackSecret,
      })
    : undefined;
  if (!demoOn && (await agencyExists(db, DEMO_AGENCY_ID))) {
    // Seeded by an earlier start without NODE_ENV=production: its keys still work.
    logger.warn(
      { agencyId: DEMO_AGENCY_ID },
      'the demo agency exists in this database (from an earlier start with the demo on); revoke its keys if this is production',
    );
  }
  const production = settings.production ?? process.env.NODE_ENV === 'production';
  const eventsRequireHttps = production;
  const app = createApp({
    db,
    clock: systemClock,
    logger,
    config: {
      ...(settings.idHashKey ? { idHashKey: settings.idHashKey } : {}),
      ...(settings.operatorKey ? { operatorKey: settings.operatorKey } : {}),
      trustProxy: settings.trustProxy ?? false,
      eventsAllowNetworks: settings.eventsAllowNetworks ?? [],
      eventsRequireHttps,
    },
  });
  const server = createHttpServer(app, settings.http ?? defaultHttpLimits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(settings.port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Events to the agencies' own software leave from the outbox, whatever instance wrote them.
  const dispatcher = createDispatcher({
    db,
    clock: systemClock,
    logger,
    destinations: compilePolicy({
      allowNetworks: settings.eventsAllowNetworks ?? [],
      requireHttps: eventsRequireHttps,
    }),
  });
  dispatcher.start(settings.eventDispatchIntervalMs);
  // Every instance schedules it; the advisory lock lets one of them run each agency-day.
  const reconciliation = settings.reconcileAt
    ? startDailyReconciliation({
        db,
        clock: systemClock,
        logger,
        at: settings.reconcileAt,
        day: settings.reconcileDay ?? 'today',
      })
    : undefined;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  return {
    server,
    db,
    port,
    demo,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open counter displays (event streams) never end by themselves; close would wait forever.
        server.closeAllConnections();
      });
      await dispatcher.stop();
      await reconciliation?.stop();
      await db.destroy();
    },
  };
}
