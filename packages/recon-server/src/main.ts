#!/usr/bin/env node
/** Entry point of `pnpm start`: the recon server on PGlite (or PostgreSQL with DATABASE_URL). */
import { settingsFromEnv } from './config.js';
import { DataDirLockedError } from './db/lock.js';
import { createLogger } from './logger.js';
import { type RunningServer, startServer } from './server.js';

const settings = settingsFromEnv();
const logger = createLogger({ level: settings.logLevel });
let running: RunningServer;
try {
  running = await startServer(settings, logger);
} catch (error) {
  if (!(error instanceof DataDirLockedError)) throw error;
  // Another process has the embedded database: say who, and stop without touching it.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const { demo } = running;

const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${settings.dataDir}`;
const lines = ['', `thuphi recon-server listening on http://localhost:${running.port}  (database: ${where})`];
if (demo) {
  lines.push(
    `Demo agency "${demo.agencyId}": collection account ${demo.account.accountNumber} at BIN ${demo.account.bankBin} (${demo.account.accountName})`,
  );
  // Printed to the terminal once, never through the logger: these are credentials.
  if (demo.apiKey) lines.push(`  API key (Authorization: Bearer …):   ${demo.apiKey}`);
  if (demo.callbackSecret) lines.push(`  Callback secret (X-Thuphi-Signature): ${demo.callbackSecret}`);
  if (!demo.created && !demo.apiKey) {
    lines.push(
      '  (keys were printed on first start; set THUPHI_DEMO_API_KEY / THUPHI_DEMO_CALLBACK_SECRET to fix them)',
    );
  }
} else {
  lines.push(
    `No demo agency (${settings.production ? 'NODE_ENV=production' : 'THUPHI_DEMO=off'}): create agencies with POST /v1/agencies and the operator key (THUPHI_ADMIN_KEY).`,
  );
}
process.stdout.write(`${lines.join('\n')}\n\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    process.exit(0);
  });
}
