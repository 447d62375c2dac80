/** @module Starting a server process: database, migrations, demo agency, HTTP listener. */
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { type DemoAgencySeed, seedDemoAgency } from './agencies/agencies.js';
import type { RuntimeSettings } from './config.js';
import { migrateLatest } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { createDispatcher } from './events/dispatcher.js';
import { createApp } from './http/app.js';
import { startDailyReconciliation } from './jobs/daily-reconciliation.js';
import { systemClock } from './shared/clock.js';

export interface RunningServer {
  server: Server;
  db: Knex;
  port: number;
  demo: DemoAgencySeed;
  close(): Promise<void>;
}

/** Opens the database, migrates, seeds the demo agency and listens on `settings.port`. */
export async function startServer(settings: RuntimeSettings, logger: Logger): Promise<RunningServer> {
  const db = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir });
  await migrateLatest(db);
  const demo = await seedDemoAgency(db, systemClock, {
    apiKey: settings.demoApiKey,
    callbackSecret: settings.demoCallbackSecret,
  });
  const app = createApp({
    db,
    clock: systemClock,
    logger,
    config: {
      ...(settings.idHashKey ? { idHashKey: settings.idHashKey } : {}),
      ...(settings.operatorKey ? { operatorKey: settings.operatorKey } : {}),
    },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(settings.port, '0.0.0.0', () => resolve(s)).once('error', reject);
  });
  // Events to the agencies' own software leave from the outbox, whatever instance wrote them.
  const dispatcher = createDispatcher({ db, clock: systemClock, logger });
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
