/** @module Server configuration: defaults, and reading it from the environment. */
import { resolve } from 'node:path';

export interface ServerConfig {
  /** The agency whose secret verifies `/v1/callbacks/generic` (the demo agency out of the box). */
  defaultAgencyId: string;
  /** Seconds a signed callback stays acceptable either side of the server clock. */
  callbackToleranceSeconds: number;
  /** Largest JSON or callback body accepted, in body-parser's notation. */
  bodyLimit: string;
}

export const defaultConfig: ServerConfig = {
  defaultAgencyId: 'demo',
  callbackToleranceSeconds: 300,
  bodyLimit: '64kb',
};

export interface RuntimeSettings {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  demoApiKey: string | undefined;
  demoCallbackSecret: string | undefined;
  logLevel: string;
}

/** Reads `PORT`, `DATABASE_URL`, `THUPHI_DATA`, `THUPHI_DEMO_API_KEY`, `THUPHI_DEMO_CALLBACK_SECRET`, `LOG_LEVEL`. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0–65535, got ${env.PORT}`);
  return {
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.THUPHI_DATA || '.thuphi', 'pgdata'),
    demoApiKey: env.THUPHI_DEMO_API_KEY || undefined,
    demoCallbackSecret: env.THUPHI_DEMO_CALLBACK_SECRET || undefined,
    logLevel: env.LOG_LEVEL || 'info',
  };
}
