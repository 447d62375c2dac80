/**
 * The real server entry (`pnpm start`: src/main.ts) as a child process, reached over HTTP: for tests
 * where the only thing shared between instances, or between a crash and a restart, is the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_API_KEY, TEST_CALLBACK_SECRET } from './app.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER_ENTRY = 'packages/recon-server/src/main.ts';

export interface ServerProcess {
  child: ChildProcess;
  output: string[];
  /** `http://127.0.0.1:<port>` once it listens. */
  base: string;
}

/** Where the process keeps its data: a PostgreSQL URL, or a PGlite directory (`THUPHI_DATA`). */
export type ServerStorage = { databaseUrl: string } | { dataDir: string };

/**
 * Starts the server entry and resolves once it listens (on a free port). `started` collects every
 * process so that afterAll can stop them all even when a test fails half-way.
 *
 * @example
 * const a = await startServerProcess({ databaseUrl: database.url! }, started);
 * await fetch(`${a.base}/v1/receipts`, …);
 */
export function startServerProcess(
  storage: ServerStorage,
  started: ServerProcess[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...('databaseUrl' in storage
        ? { DATABASE_URL: storage.databaseUrl }
        : { DATABASE_URL: '', THUPHI_DATA: storage.dataDir }),
      PORT: '0',
      THUPHI_DEMO_API_KEY: TEST_API_KEY,
      THUPHI_DEMO_CALLBACK_SECRET: TEST_CALLBACK_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: ServerProcess = { child, output: [], base: '' };
  started.push(proc);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in 30 s:\n${proc.output.join('')}`)),
      30_000,
    );
    const collect = (chunk: Buffer) => {
      proc.output.push(chunk.toString());
      const port = /listening on http:\/\/localhost:(\d+)/.exec(proc.output.join(''))?.[1];
      if (port && !proc.base) {
        clearTimeout(timer);
        proc.base = `http://127.0.0.1:${port}`;
        resolve(proc);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!proc.base) {
        reject(new Error(`server exited (${code ?? signal}) before listening:\n${proc.output.join('')}`));
      }
    });
  });
}

/**
 * Stops the process the polite way (SIGTERM: it closes its database), SIGKILL after 5 s.
 *
 * @example
 * await Promise.all(started.map(stopServerProcess));
 */
export async function stopServerProcess({ child }: ServerProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(hard);
}

/**
 * Kills the process with SIGKILL, as a power cut or the OOM killer would: no handler runs, nothing
 * is flushed or closed. Resolves once it is gone.
 *
 * @example
 * await killServerProcess(server);
 */
export async function killServerProcess({ child }: ServerProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
