/** Starts the real server as a child process (the same entry point as `pnpm start`) and walks the quickstart. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../packages/recon-server/test/support/db.js';
import { runQuickstart } from '../src/quickstart.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const apiKey = 'tp_quickstart_key_0123456789';
const callbackSecret = 'whsec_quickstart_secret_0123';

describe('examples/quickstart against a running server', () => {
  let server: ChildProcess | undefined;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let baseUrl = '';
  const output: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'thuphi-quickstart-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      THUPHI_DATA: dataDir,
      THUPHI_DEMO_API_KEY: apiKey,
      THUPHI_DEMO_CALLBACK_SECRET: callbackSecret,
      LOG_LEVEL: 'warn',
    };
    if (process.env.THUPHI_TEST_DB === 'postgres') {
      // An empty database: the server runs its own migrations on start.
      database = await createTestDatabase({ migrate: false });
      await database.db.destroy();
      env.DATABASE_URL = database.url;
    }
    server = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/recon-server/src/main.ts'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    baseUrl = await new Promise<string>((resolve, reject) => {
      let seen = '';
      server!.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const m = /listening on (http:\/\/localhost:\d+)/.exec(seen);
        if (m) resolve(m[1]!);
      });
      server!.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
      });
      server!.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${seen}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (database) {
      // Only drop: the pool was closed above.
      await database.drop().catch(() => undefined);
    }
  });

  it('goes from assessment to a paid, numbered receipt', async () => {
    const result = await runQuickstart({ baseUrl, apiKey, callbackSecret, log: (l) => output.push(l) });
    expect(result.amount).toBe(7000);
    expect(result.statuses).toEqual({ created: 'open', afterCallback: 'paid', repeat: 200, forged: 401 });
    expect(result.receiptNumber).toMatch(/^BLTP-26 \d{7}$/);
    expect(output.join('\n')).toContain('Xong');
  });
});
