/** A real app on a fresh test database, with the demo agency seeded with known credentials. */
import type { Express } from 'express';
import { seedDemoAgency } from '../../src/agencies/agencies.js';
import type { ServerConfig } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { type Clock, fixedClock } from '../../src/shared/clock.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const TEST_API_KEY = 'tp_test_demo_key_0123456789abcdef';
export const TEST_CALLBACK_SECRET = 'whsec_test_demo_secret_0123456789';

export interface TestApp {
  app: Express;
  database: TestDatabase;
  clock: Clock & { set(at: string | Date): void };
  auth: { Authorization: string };
  close(): Promise<void>;
}

export async function createTestApp(
  options: { now?: string; config?: Partial<ServerConfig> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = fixedClock(options.now ?? '2026-11-23T02:00:00Z');
  await seedDemoAgency(database.db, clock, { apiKey: TEST_API_KEY, callbackSecret: TEST_CALLBACK_SECRET });
  const app = createApp({ db: database.db, clock, config: options.config ?? {} });
  return {
    app,
    database,
    clock,
    auth: { Authorization: `Bearer ${TEST_API_KEY}` },
    close: () => database.drop(),
  };
}
