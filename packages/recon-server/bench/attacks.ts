/**
 * The attacks of issue 14 (items 4, 5, 8, 9, 10, 11) re-run from outside against the real server
 * entry (`pnpm start`: src/main.ts) in its own process, with its default limits, on PGlite in a fresh
 * temporary directory. Loopback only (clients on 127.0.0.x), bounded in time (about a minute).
 * Prints each attack's figure beside its goal, and exits 1 if a goal is missed.
 *
 *   pnpm --filter @thuphi/recon-server attacks
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signGenericCallback } from '../src/shared/signing.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const apiKey = `tp_attack_${randomBytes(12).toString('hex')}`;
const secret = `whsec_attack_${randomBytes(12).toString('hex')}`;
const operatorKey = `op_attack_${randomBytes(16).toString('hex')}`;
const scratch = mkdtempSync(join(tmpdir(), 'thuphi-attacks-'));
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  item: string;
  attack: string;
  figure: string;
  goal: string;
  met: boolean;
}
const rows: Row[] = [];

function startServer(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/recon-server/src/main.ts'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: '',
        THUPHI_DATA: dataDir,
        PORT: '0',
        THUPHI_DEMO_API_KEY: apiKey,
        THUPHI_DEMO_CALLBACK_SECRET: secret,
        THUPHI_ADMIN_KEY: operatorKey,
        THUPHI_RECONCILE_AT: 'off',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  return new Promise<{ child: ChildProcess; base: string; output: () => string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${output}`)), 60_000);
    const collect = (c: Buffer) => {
      output += c.toString();
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output });
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(hard);
}

/** One request on a connection of its own from `from`. */
function call(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const json = { 'Content-Type': 'application/json' };

try {
  const server = await startServer(scratch);
  const { base } = server;

  // Item 4: a guesser behind the office's IP, then the office's own keys.
  let throttled = 0;
  for (let i = 0; i < 30; i++) {
    const res = await call(base, '/v1/agency', {
      headers: bearer(`tp_${randomBytes(24).toString('base64url')}`),
    });
    if (res.status === 429) throttled++;
  }
  let refused = 0;
  for (let i = 0; i < 20; i++)
    if ((await call(base, '/v1/agency', { headers: bearer(apiKey) })).status !== 200) refused++;
  const op = await call(base, '/v1/agencies', {
    method: 'POST',
    headers: { ...bearer(operatorKey), ...json },
    body: JSON.stringify({
      id: 'xa-tan-cong',
      name: 'UBND xã Tấn Công',
      collectionAccount: { bankBin: '970415', accountNumber: '5544332211', accountName: 'UBND XA TAN CONG' },
    }),
  });
  if (op.status !== 201) refused++;
  rows.push({
    item: '4',
    attack: '30 wrong keys from one IP, then 20 agency-key reads and 1 operator request from it',
    figure: `valid requests refused: ${refused} of 21; wrong keys answered 429: ${throttled} of 30`,
    goal: 'valid refused 0; the guesser throttled',
    met: refused === 0 && throttled >= 20,
  });

  // Item 5: events aimed at the server's own network.
  const internal = [
    'http://127.0.0.1:5432/',
    'http://localhost:5432/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.5/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://2130706433/',
    'http://db.localhost/',
  ];
  let accepted = 0;
  for (const url of internal) {
    // From another address: before the fix, item 4's guesses would have locked this one out too.
    const res = await call(base, '/v1/agency/events', {
      from: '127.0.0.9',
      method: 'PUT',
      headers: { ...bearer(apiKey), ...json },
      body: JSON.stringify({ url, secret: 'evsec_attack_0123456789abcdef' }),
    });
    if (res.status === 200) accepted++;
  }
  rows.push({
    item: '5',
    attack: `PUT /v1/agency/events with ${internal.length} loopback/private/link-local/CGNAT/multicast/unspecified URLs`,
    figure: `accepted ${accepted} of ${internal.length}`,
    goal: '0 accepted',
    met: accepted === 0,
  });

  // Item 8: slowloris with the default headers time-out, then the per-IP connection cap.
  const port = Number(new URL(base).port);
  const slow: Socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' });
  await new Promise<void>((r) => slow.once('connect', () => r()));
  slow.on('error', () => undefined);
  const began = Date.now();
  let cutAfter: number | undefined;
  slow.once('close', () => {
    cutAfter = (Date.now() - began) / 1000;
  });
  slow.write('GET /healthz HTTP/1.1\r\nHost: thuphi\r\n');
  for (let i = 0; cutAfter === undefined && i < 60; i++) {
    await sleep(500);
    if (!slow.destroyed) slow.write(`X-Slow-${i}: a\r\n`);
  }
  rows.push({
    item: '8',
    attack: 'slowloris: headers one line every 0.5 s (default THUPHI_HEADERS_TIMEOUT_MS 15 s)',
    figure: cutAfter === undefined ? 'still open after 30 s' : `cut off after ${cutAfter.toFixed(1)} s`,
    goal: '≤ 17 s (15 s headers time-out, checked every second)',
    met: cutAfter !== undefined && cutAfter <= 17,
  });

  const held: Socket[] = [];
  for (let i = 0; i < 200; i++) {
    const s = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.4' });
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.once('connect', () => r()));
    held.push(s);
  }
  await sleep(200);
  const over = await call(base, '/healthz', { from: '127.0.0.4' }).catch((e: Error) => ({
    status: 0,
    body: e.message,
  }));
  const other = await call(base, '/healthz', { from: '127.0.0.5' });
  for (const s of held) s.destroy();
  rows.push({
    item: '8',
    attack:
      '200 idle connections from one IP (default THUPHI_MAX_CONNECTIONS_PER_IP 200), then one more, and one from another IP',
    figure: `201st from that IP: ${over.status}; another IP: ${other.status}`,
    goal: '429, and 200',
    met: over.status === 429 && other.status === 200,
  });

  // Item 10: a credit to an account that is not the agency's, on the demo's empty account list.
  const body = JSON.stringify({
    transactionId: 'FT-ATTACK-1',
    accountNumber: '0999888777',
    amount: 50_000,
    memo: 'x',
    bookedAt: new Date().toISOString(),
  });
  const foreign = await call(base, '/v1/callbacks/generic', {
    method: 'POST',
    headers: {
      ...json,
      'X-Thuphi-Signature': signGenericCallback({ body, secret, timestamp: Date.now() / 1000 }),
    },
    body,
  });
  const credited = (JSON.parse(foreign.body) as { credits?: unknown[] }).credits?.length ?? -1;
  rows.push({
    item: '10',
    attack:
      'signed callback for account 0999888777 (not a collection account) with the default empty account list',
    figure: `credits recorded: ${credited}`,
    goal: '0',
    met: foreign.status === 200 && credited === 0,
  });

  // Item 11: SePay in API-key mode.
  const sepaySecret = 'whsec_attack_sepay_0123456789';
  await call(base, '/v1/agency/providers/sepay', {
    from: '127.0.0.9',
    method: 'PUT',
    headers: { ...bearer(apiKey), ...json },
    body: JSON.stringify({ secret: sepaySecret }),
  });
  await call(base, '/v1/callbacks/sepay/demo', {
    method: 'POST',
    headers: { ...json, Authorization: `Apikey ${sepaySecret}` },
    body: JSON.stringify({
      id: 777001,
      gateway: 'Vietcombank',
      transactionDate: '2026-11-23 09:00:00',
      accountNumber: '1023456789',
      code: null,
      content: 'minted',
      transferType: 'in',
      transferAmount: 10_000,
      accumulated: 0,
      subAccount: null,
      referenceCode: 'FT-MINT',
      description: 'minted',
    }),
  });
  const agency = JSON.parse(
    (await call(base, '/v1/agency', { from: '127.0.0.9', headers: bearer(apiKey) })).body,
  ) as {
    warnings?: { code: string }[];
  };
  const codes = agency.warnings?.map((w) => w.code) ?? [];
  rows.push({
    item: '11',
    attack: 'a SePay API-key-mode callback (nothing signed), then GET /v1/agency',
    figure: `warnings: ${JSON.stringify(codes)}`,
    goal: '["sepay_api_key_mode"]',
    met: codes.includes('sepay_api_key_mode'),
  });

  // Item 9: the CLI on the folder the server has open.
  const cli = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'packages/recon-server/src/cli/main.ts',
        'recon',
        'run',
        '--agency',
        'demo',
      ],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: '', THUPHI_DATA: scratch, LOG_LEVEL: 'silent' } },
      (error, _stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
  rows.push({
    item: '9',
    attack: '`thuphi recon run` on the PGlite folder while the server runs',
    figure: `exit ${cli.code}; names the server's pid: ${cli.stderr.includes(`pid ${server.child.pid}`)}`,
    goal: 'refused (non-zero), naming the pid',
    met: cli.code !== 0 && cli.stderr.includes(`pid ${server.child.pid}`),
  });
  await stop(server.child);

  // Item 10: a production start.
  const prodDir = mkdtempSync(join(tmpdir(), 'thuphi-attacks-prod-'));
  try {
    const prod = await startServer(prodDir, {
      NODE_ENV: 'production',
      THUPHI_ID_HASH_KEY: randomBytes(24).toString('hex'),
    });
    await sleep(300);
    const printed = [apiKey, secret].filter((s) => prod.output().includes(s)).length;
    const demo = await call(prod.base, '/v1/agency', { headers: bearer(apiKey) });
    rows.push({
      item: '10',
      attack: 'NODE_ENV=production start with THUPHI_DEMO_API_KEY/SECRET in the environment',
      figure: `credentials printed: ${printed}; demo key answers ${demo.status}`,
      goal: '0 printed; 401 (no demo agency)',
      met: printed === 0 && demo.status === 401,
    });
    await stop(prod.child);
  } finally {
    rmSync(prodDir, { recursive: true, force: true });
  }
} finally {
  await Promise.all(children.map(stop));
  rmSync(scratch, { recursive: true, force: true });
}

console.table(
  rows.map((r) => ({
    item: r.item,
    attack: r.attack,
    figure: r.figure,
    goal: r.goal,
    met: r.met ? 'yes' : 'NO',
  })),
);
if (rows.some((r) => !r.met)) process.exitCode = 1;
