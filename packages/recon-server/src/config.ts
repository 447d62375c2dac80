/** @module Server configuration: defaults, and reading it from the environment. */
import { resolve } from 'node:path';

export interface ServerConfig {
  /** The agency whose secret verifies `/v1/callbacks/generic` (the demo agency out of the box). */
  defaultAgencyId: string;
  /** Seconds a signed callback stays acceptable either side of the server clock. */
  callbackToleranceSeconds: number;
  /** Largest JSON or callback body accepted, in body-parser's notation. */
  bodyLimit: string;
  /** Largest schedule upload (`POST …/schedules`, the file inside JSON), in body-parser's notation. */
  scheduleBodyLimit: string;
  /**
   * Key of the HMAC-SHA256 that stands in for a payer's ID document number in cash-proxy records
   * (`THUPHI_ID_HASH_KEY`). The same key must stay in force, or the same document hashes differently.
   */
  idHashKey: string;
  /**
   * The platform operator's key (`THUPHI_ADMIN_KEY`) that may create agencies; unset disables
   * `POST /v1/agencies`.
   */
  operatorKey?: string | undefined;
  /** Failed authentications (401) allowed per client IP, and per key prefix, in a minute before 429. */
  authFailuresPerMinute: number;
}

/** The key used when none is configured: fine on a laptop, a warning in production (anyone can read it here). */
export const DEV_ID_HASH_KEY = 'thuphi-dev-only-id-hash-key-set-THUPHI_ID_HASH_KEY';

export const defaultConfig: ServerConfig = {
  defaultAgencyId: 'demo',
  callbackToleranceSeconds: 300,
  bodyLimit: '64kb',
  // The national layer is ~56 KB of YAML; a province's is a few KB.
  scheduleBodyLimit: '512kb',
  idHashKey: DEV_ID_HASH_KEY,
  authFailuresPerMinute: 10,
};

export interface RuntimeSettings {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  demoApiKey: string | undefined;
  demoCallbackSecret: string | undefined;
  logLevel: string;
  /** How often the outbox is polled for events to deliver (`THUPHI_EVENTS_INTERVAL_MS`, default 2000). */
  eventDispatchIntervalMs: number;
  /** `THUPHI_ID_HASH_KEY`; unset means {@link DEV_ID_HASH_KEY}. */
  idHashKey?: string | undefined;
  /** `THUPHI_ADMIN_KEY`: the platform operator key; unset means agencies cannot be created over HTTP. */
  operatorKey?: string | undefined;
  /**
   * Local time (Asia/Ho_Chi_Minh, `HH:MM`) of the nightly reconciliation (`THUPHI_RECONCILE_AT`,
   * default 23:30); null (`off`) schedules none.
   */
  reconcileAt?: string | null;
  /** Which day the nightly run closes (`THUPHI_RECONCILE_DAY`): `today` (default) or `yesterday`. */
  reconcileDay?: 'today' | 'yesterday';
}

function positiveInteger(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

/** Reads `PORT`, `DATABASE_URL`, `THUPHI_DATA`, `THUPHI_DEMO_API_KEY`, `THUPHI_DEMO_CALLBACK_SECRET`, `THUPHI_ADMIN_KEY`, `LOG_LEVEL`. */
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
    eventDispatchIntervalMs: positiveInteger(
      env.THUPHI_EVENTS_INTERVAL_MS,
      2000,
      'THUPHI_EVENTS_INTERVAL_MS',
    ),
    idHashKey: idHashKeyFrom(env.THUPHI_ID_HASH_KEY),
    operatorKey: operatorKeyFrom(env.THUPHI_ADMIN_KEY),
    ...reconcileFrom(env.THUPHI_RECONCILE_AT, env.THUPHI_RECONCILE_DAY),
  };
}

function reconcileFrom(
  at: string | undefined,
  day: string | undefined,
): Pick<RuntimeSettings, 'reconcileAt' | 'reconcileDay'> {
  const time = at === undefined || at === '' ? '23:30' : at;
  if (time !== 'off' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
    throw new Error(`THUPHI_RECONCILE_AT must be HH:MM (local time) or off, got ${at}`);
  }
  if (day !== undefined && day !== '' && day !== 'today' && day !== 'yesterday') {
    throw new Error(`THUPHI_RECONCILE_DAY must be today or yesterday, got ${day}`);
  }
  return {
    reconcileAt: time === 'off' ? null : time,
    reconcileDay: day === 'yesterday' ? 'yesterday' : 'today',
  };
}

function idHashKeyFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // A short key could be brute-forced together with the small space of ID numbers.
  if (raw.length < 32) throw new Error('THUPHI_ID_HASH_KEY must be at least 32 characters');
  return raw;
}

function operatorKeyFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // It can create agencies and their admin keys: it must not be guessable.
  if (raw.length < 32) throw new Error('THUPHI_ADMIN_KEY must be at least 32 characters');
  return raw;
}
