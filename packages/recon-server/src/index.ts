/**
 * @thuphi/recon-server: receipts with VietQR, bank callbacks, matching and reconciliation.
 *
 * @example
 * // The whole server: HTTP, event delivery from the outbox, the nightly reconciliation.
 * import { createLogger, settingsFromEnv, startServer } from '@thuphi/recon-server';
 * const running = await startServer(settingsFromEnv(), createLogger());
 * process.once('SIGTERM', () => running.close());
 */

export { DEMO_AGENCY_ID, seedDemoAgency } from './agencies/agencies.js';
export {
  defaultConfig,
  defaultHttpLimits,
  type HttpLimits,
  type RuntimeSettings,
  type ServerConfig,
  settingsFromEnv,
} from './config.js';
export { DataDirLockedError } from './db/lock.js';
export { migrateLatest, migrateRollbackAll } from './db/migrate.js';
export { type DatabaseOptions, engineOf, openDatabase } from './db/open.js';
export { type AppDependencies, createApp } from './http/app.js';
export { createHttpServer } from './http-server.js';
export { createLogger } from './logger.js';
export { type RunningServer, startServer } from './server.js';
export { type Clock, fixedClock, systemClock } from './shared/clock.js';
export { AppError, type ProblemCode, problems } from './shared/errors.js';
export {
  CallbackVerificationError,
  signGenericCallback,
  verifyGenericSignature,
} from './shared/signing.js';
