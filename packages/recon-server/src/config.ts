/** @module Server configuration: defaults, and reading it from the environment. */
import { resolve } from 'node:path';
import { compilePolicy } from './events/destination.js';

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
  /**
   * Failed authentications (401) allowed per client IP, and per key prefix, in a minute; past it a
   * wrong key is answered 429. A valid key is never refused for it.
   */
  authFailuresPerMinute: number;
  /** Most clients (IPs, and key prefixes) whose failures are remembered at once; the oldest go first. */
  authFailureTrackedClients: number;
  /**
   * Express's `trust proxy` (`THUPHI_TRUST_PROXY`): false (the default) takes the client's IP from
   * the socket; behind a reverse proxy, the number of proxies in front of the server or their
   * addresses, so that the failure limit counts real clients and not the proxy.
   */
  trustProxy: TrustProxy;
  /**
   * Networks (CIDR or single addresses) that may receive events although they are not public
   * (`THUPHI_EVENTS_ALLOW_NETWORKS`); empty: public addresses only.
   */
  eventsAllowNetworks: readonly string[];
  /** Events URLs must be https; unset means so when `NODE_ENV=production`. */
  eventsRequireHttps?: boolean | undefined;
}

/** `false`, a number of proxy hops, or proxy addresses / CIDR ranges / `loopback`, `linklocal`, `uniquelocal`. */
export type TrustProxy = false | number | string[];

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
  authFailureTrackedClients: 10_000,
  trustProxy: false,
  eventsAllowNetworks: [],
};

/** Node's HTTP server limits (see `server.ts`); every one in milliseconds except the cap. */
export interface HttpLimits {
  /** Time for a client to send all request headers (slowloris): `THUPHI_HEADERS_TIMEOUT_MS`, 15 s. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included: `THUPHI_REQUEST_TIMEOUT_MS`, 120 s. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept: `THUPHI_KEEP_ALIVE_TIMEOUT_MS`, 5 s. */
  keepAliveTimeoutMs: number;
  /** Open connections allowed from one IP (an IPv6 /64): `THUPHI_MAX_CONNECTIONS_PER_IP`, 200; null (`off`): no cap. */
  maxConnectionsPerIp: number | null;
}

export const defaultHttpLimits: HttpLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerIp: 200,
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
  /**
   * Whether the demo agency is seeded and its credentials printed (`THUPHI_DEMO`): on by default,
   * off by default when `NODE_ENV=production`.
   */
  demo?: boolean;
  /** `NODE_ENV=production`. */
  production?: boolean;
  /** `THUPHI_TRUST_PROXY`: see {@link ServerConfig.trustProxy}. */
  trustProxy?: TrustProxy;
  /** `THUPHI_EVENTS_ALLOW_NETWORKS`: see {@link ServerConfig.eventsAllowNetworks}. */
  eventsAllowNetworks?: string[];
  /** Time-outs and the per-IP connection cap. */
  http?: HttpLimits;
}

function positiveInteger(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

/**
 * Reads the server's settings from the environment (the README's configuration table lists every
 * variable); a malformed value throws with the variable's name.
 *
 * @example
 * const settings = settingsFromEnv({ PORT: '8080', NODE_ENV: 'production' }); // settings.demo === false
 */
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
    production: env.NODE_ENV === 'production',
    demo: demoFrom(env.THUPHI_DEMO, env.NODE_ENV === 'production'),
    trustProxy: trustProxyFrom(env.THUPHI_TRUST_PROXY),
    eventsAllowNetworks: networksFrom(env.THUPHI_EVENTS_ALLOW_NETWORKS),
    http: httpLimitsFrom(env),
  };
}

function demoFrom(raw: string | undefined, production: boolean): boolean {
  if (raw === undefined || raw === '') return !production;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`THUPHI_DEMO must be on or off, got ${raw}`);
}

function listFrom(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function networksFrom(raw: string | undefined): string[] {
  const list = listFrom(raw);
  try {
    compilePolicy({ allowNetworks: list, requireHttps: false });
  } catch (error) {
    throw new Error(`THUPHI_EVENTS_ALLOW_NETWORKS: ${(error as Error).message}`);
  }
  return list;
}

/**
 * `THUPHI_TRUST_PROXY`: empty or `false` trusts no proxy; a whole number is the count of proxies in
 * front; otherwise a comma-separated list of addresses, CIDR ranges or express's names (`loopback`,
 * `linklocal`, `uniquelocal`). `true` is refused: it would let any client choose its own IP with
 * `X-Forwarded-For`, and with it whose failures count.
 */
export function trustProxyFrom(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false' || value === 'off') return false;
  if (value === 'true') {
    throw new Error(
      'THUPHI_TRUST_PROXY=true would trust any X-Forwarded-For a client sends: give the number of proxies in front (e.g. 1) or their addresses (e.g. loopback, 10.0.0.5)',
    );
  }
  if (/^\d+$/.test(value)) return Number(value);
  const list = listFrom(value);
  for (const entry of list) {
    if (!/^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i.test(entry)) {
      throw new Error(
        `THUPHI_TRUST_PROXY: "${entry}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`,
      );
    }
  }
  return list;
}

function httpLimitsFrom(env: NodeJS.ProcessEnv): HttpLimits {
  const d = defaultHttpLimits;
  const limits: HttpLimits = {
    headersTimeoutMs: positiveInteger(
      env.THUPHI_HEADERS_TIMEOUT_MS,
      d.headersTimeoutMs,
      'THUPHI_HEADERS_TIMEOUT_MS',
    ),
    requestTimeoutMs: positiveInteger(
      env.THUPHI_REQUEST_TIMEOUT_MS,
      d.requestTimeoutMs,
      'THUPHI_REQUEST_TIMEOUT_MS',
    ),
    keepAliveTimeoutMs: positiveInteger(
      env.THUPHI_KEEP_ALIVE_TIMEOUT_MS,
      d.keepAliveTimeoutMs,
      'THUPHI_KEEP_ALIVE_TIMEOUT_MS',
    ),
    maxConnectionsPerIp:
      env.THUPHI_MAX_CONNECTIONS_PER_IP === 'off'
        ? null
        : positiveInteger(
            env.THUPHI_MAX_CONNECTIONS_PER_IP,
            d.maxConnectionsPerIp ?? 200,
            'THUPHI_MAX_CONNECTIONS_PER_IP',
          ),
  };
  // Node refuses a headers time-out longer than the whole request's.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `THUPHI_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed THUPHI_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
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
