#!/usr/bin/env node
/** Entry point of `pnpm start`: the recon server on PGlite (or PostgreSQL with DATABASE_URL). */
import { settingsFromEnv } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

const settings = settingsFromEnv();
const logger = createLogger({ level: settings.logLevel });
const running = await startServer(settings, logger);
const { demo } = running;

const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${settings.dataDir}`;
const lines = [
  '',
  `thuphi recon-server listening on http://localhost:${running.port}  (database: ${where})`,
  `Demo agency "${demo.agencyId}": collection account ${demo.account.accountNumber} at BIN ${demo.account.bankBin} (${demo.account.accountName})`,
];
// Printed to the terminal once, never through the logger: these are credentials.
if (demo.apiKey) lines.push(`  API key (Authorization: Bearer …):   ${demo.apiKey}`);
if (demo.callbackSecret) lines.push(`  Callback secret (X-Thuphi-Signature): ${demo.callbackSecret}`);
if (!demo.created && !demo.apiKey) {
  lines.push(
    '  (keys were printed on first start; set THUPHI_DEMO_API_KEY / THUPHI_DEMO_CALLBACK_SECRET to fix them)',
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
