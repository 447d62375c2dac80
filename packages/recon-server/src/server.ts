/** @module Starting a server process: database, migrations, demo agency, HTTP listener. */
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { systemClock } from './clock.js';
import type { RuntimeSettings } from './config.js';
import { migrateLatest } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { type DemoAgencySeed, seedDemoAgency } from './domain/agencies.js';
import { createApp } from './http/app.js';

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
  const app = createApp({ db, clock: systemClock, logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(settings.port, '0.0.0.0', () => resolve(s)).once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  return {
    server,
    db,
    port,
    demo,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}
