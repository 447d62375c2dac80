/**
 * Issue 14 item 9: the embedded database opened by two processes at once loses rows. A second
 * process on the same PGlite folder (`thuphi recon run`, `thuphi statement import`, a second server)
 * is refused with a message naming the holder's pid, and changes nothing; once the holder is gone
 * (even killed with SIGKILL, leaving its lock behind) the next process takes the folder over, and
 * what it wrote is still there after the server starts again. Real processes throughout.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../src/shared/time.js';
import { TEST_API_KEY } from './support/app.js';
import { testEngine } from './support/db.js';
import {
  killServerProcess,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from './support/server-process.js';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const statement = fileURLToPath(new URL('./statements/fixtures/vietcombank.csv', import.meta.url));

// The lock is about the embedded engine; on PostgreSQL the server does the locking itself.
describe.skipIf(testEngine !== 'pglite')('one process at a time on a PGlite folder', () => {
  const started: ServerProcess[] = [];
  let dataDir: string;
  let lockFile: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'thuphi-lock-'));
    lockFile = join(dataDir, 'pgdata.lock');
  });
  afterAll(async () => {
    await Promise.all(started.map(stopServerProcess));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The `thuphi` CLI as a real process on the same folder. */
  function thuphi(args: string[]) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', ...args],
        {
          cwd: packageDir,
          env: { ...process.env, DATABASE_URL: '', THUPHI_DATA: dataDir, LOG_LEVEL: 'silent' },
        },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });
  }

  it('refuses the CLI and a second server while a server runs, naming its pid', async () => {
    const server = await startServerProcess({ dataDir }, started, { THUPHI_RECONCILE_AT: 'off' });
    const pid = server.child.pid!;

    const today = localDateOf(new Date());
    const recon = await thuphi(['recon', 'run', '--agency', 'demo', '--date', today]);
    expect(recon.code).toBe(3);
    expect(recon.stdout).toBe('');
    expect(recon.stderr).toContain(`in use by`);
    expect(recon.stderr).toContain(`pid ${pid}`);
    expect(recon.stderr).toContain(`tiến trình ${pid}`);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid });

    const imported = await thuphi(['statement', 'import', statement, '--agency', 'demo']);
    expect(imported.code).toBe(3);
    expect(imported.stderr).toContain(`pid ${pid}`);

    await expect(startServerProcess({ dataDir }, started, { THUPHI_RECONCILE_AT: 'off' })).rejects.toThrow(
      new RegExp(`exited \\(1\\) before listening:[\\s\\S]*in use by[\\s\\S]*pid ${pid}`),
    );

    // The running server noticed nothing, and nothing was written behind its back.
    const runs = await fetch(`${server.base}/v1/reconciliations`, {
      headers: { Authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(runs.status).toBe(200);
    expect(((await runs.json()) as { items: unknown[] }).items).toEqual([]);
    const statements = await fetch(`${server.base}/healthz`);
    expect(statements.status).toBe(200);
    await stopServerProcess(server);
    // A clean stop gives the folder back.
    expect(existsSync(lockFile)).toBe(false);
  });

  it('takes over the lock of a killed process, and what the CLI wrote survives the next server start', async () => {
    const server = await startServerProcess({ dataDir }, started, { THUPHI_RECONCILE_AT: 'off' });
    await killServerProcess(server);
    // SIGKILL runs no handler: the lock of a dead pid is left behind.
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: server.child.pid });

    const today = localDateOf(new Date());
    const recon = await thuphi(['recon', 'run', '--agency', 'demo', '--date', today]);
    expect(recon.stderr).toBe('');
    expect(recon.code).toBe(0);
    expect(JSON.parse(recon.stdout)).toMatchObject({ date: today, run: { actor: 'cli' } });
    expect(existsSync(lockFile)).toBe(false);

    const again = await startServerProcess({ dataDir }, started, { THUPHI_RECONCILE_AT: 'off' });
    const runs = await fetch(`${again.base}/v1/reconciliations`, {
      headers: { Authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(((await runs.json()) as { items: { date: string; actor: string }[] }).items).toEqual([
      expect.objectContaining({ date: today, actor: 'cli' }),
    ]);
    await stopServerProcess(again);
  });

  it('treats an unreadable lock as stale, and never breaks a lock held on another host', async () => {
    writeFileSync(lockFile, 'not json');
    const first = await thuphi(['recon', 'run', '--agency', 'demo']);
    expect(first.code).toBe(0);

    const holder = {
      pid: 1,
      host: 'other-host.example',
      startedAt: new Date().toISOString(),
      command: 'thuphi serve',
      token: 'x',
    };
    writeFileSync(lockFile, JSON.stringify(holder));
    const refused = await thuphi(['recon', 'run', '--agency', 'demo']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('pid 1 on other-host.example');
    expect(refused.stderr).toContain('from another host');
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual(holder);
    rmSync(lockFile);
  });
});
