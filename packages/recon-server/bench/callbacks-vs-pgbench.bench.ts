/**
 * Paying callbacks per second against PostgreSQL with 100,000 open receipts, beside what the same
 * PostgreSQL does for a bare single-row INSERT (pgbench) in the same run, at the same concurrency.
 * The server is the real entry point in its own process (as `pnpm start` runs it), the client a
 * keep-alive HTTP pool here; each callback pays a different open receipt picked at random.
 * Goal: at least a third of pgbench's rate, with p99 under 50 ms. Prints figures; asserts nothing.
 *
 *   pnpm --filter @thuphi/recon-server bench
 *
 * Knobs: BENCH_PG_URL (maintenance database, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_RECEIPTS (100000), BENCH_CONCURRENCY (8), BENCH_SECONDS (10), PGBENCH (/usr/bin/pgbench),
 * BENCH_NODE_ARGS (extra node flags for the servers, e.g. --cpu-prof).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { assess, defaultSchedules, generateReference } from '@thuphi/fee-core';
import { encode, safeMemo } from '@thuphi/qr';
import knexFactory from 'knex';
import { defaultCollectionAccount, seedDemoAgency } from '../src/agencies/agencies.js';
import { hashApiKey } from '../src/agencies/keys.js';
import { migrateLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { systemClock } from '../src/shared/clock.js';
import { signGenericCallback } from '../src/shared/signing.js';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RECEIPTS = Number(process.env.BENCH_RECEIPTS ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PGBENCH = process.env.PGBENCH ?? '/usr/bin/pgbench';
const GOAL = { shareOfPgbench: 1 / 3, p99Ms: 50 };

const apiKey = `tp_bench_${randomBytes(12).toString('hex')}`;
const secret = `whsec_bench_${randomBytes(12).toString('hex')}`;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Shot {
  path: string;
  body: string;
  headers: Record<string, string>;
  ok: (status: number, text: string) => boolean;
}

interface Run {
  count: number;
  rate: number;
  p50: number;
  p99: number;
  failures: number;
  firstFailure: string;
  cpuPerRequest: number;
  postgresCpuPerRequest: number;
}

/** A server entry point in its own process (PORT=0); resolves once it prints its port. */
async function startServer(args: string[], env: Record<string, string>) {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to look inside the servers.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--conditions=source', '--import', 'tsx', ...args], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(hard);
  };
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (found) resolve(Number(found[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
  return { port, pid: child.pid!, stop };
}

/** The server's own CPU time so far (Linux /proc), in ms: how much of each request is its work. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU ms so far of the PostgreSQL backends serving `database` (their process titles name it). */
function postgresCpuMs(database: string): number {
  let total = 0;
  let backends = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (title.startsWith('postgres: ') && title.includes(` ${database} `)) {
          total += cpuMsOf(Number(pid));
          backends++;
        }
      } catch {
        // The process ended while we looked.
      }
    }
  } catch {
    return Number.NaN;
  }
  // No backend seen (PostgreSQL on another host or in a container): not measured, not zero.
  return backends > 0 ? total : Number.NaN;
}

/** CONCURRENCY keep-alive clients sending `shot()` back to back: one second of warm-up, then `seconds` measured. */
async function drive(
  port: number,
  seconds: number,
  shot: () => Shot,
  pid: number,
  database: string,
  afterWarmUp: () => Promise<void> = async () => {},
): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (s: Shot) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: s.path,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(s.body),
            ...s.headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(s.body);
    });
  // A short warm-up (JIT, pool connections), not counted.
  const warmUntil = performance.now() + 1_000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < warmUntil) await post(shot());
    }),
  );
  await afterWarmUp();
  const cpuBefore = cpuMsOf(pid);
  const pgCpuBefore = postgresCpuMs(database);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure = '';
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const s = shot();
        const t0 = performance.now();
        const res = await post(s);
        latencies.push(performance.now() - t0);
        if (!s.ok(res.status, res.text)) {
          failures++;
          firstFailure ||= `HTTP ${res.status} ${res.text.slice(0, 300)}`;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const cpuPerRequest = (cpuMsOf(pid) - cpuBefore) / latencies.length;
  const postgresCpuPerRequest = (postgresCpuMs(database) - pgCpuBefore) / latencies.length;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return {
    count: latencies.length,
    rate: latencies.length / elapsedS,
    p50: pct(0.5),
    p99: pct(0.99),
    failures,
    firstFailure,
    cpuPerRequest,
    postgresCpuPerRequest,
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const dbName = `thuphi_bench_${randomBytes(5).toString('hex')}`;
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${dbName}`;
const admin = knexFactory({ client: 'pg', connection: ADMIN_URL, pool: { min: 0, max: 1 } });
await admin.raw(`CREATE DATABASE ${dbName}`);

let stopServer = async () => {};
const scratch = mkdtempSync(join(tmpdir(), 'thuphi-bench-'));
try {
  const db = await openDatabase({ url: dbUrl.toString() });
  await migrateLatest(db);
  await seedDemoAgency(db, systemClock, { apiKey, callbackSecret: secret });
  const account = (await defaultCollectionAccount(db, 'demo'))!;
  const keyId: string = (
    await db('api_keys')
      .where({ key_hash: hashApiKey(apiKey) })
      .first('id')
  ).id;

  // 1. Open receipts: the rows openReceipt writes (receipt + audit entry), inserted in bulk.
  const seeding = performance.now();
  const assessments = Array.from({ length: 9 }, (_, i) =>
    assess(defaultSchedules, {
      date: '2026-11-23',
      items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: i + 1, copies: 1 } }],
    }),
  );
  const open: { reference: string; amount: number }[] = [];
  const seen = new Set<string>();
  const BATCH = 10_000;
  for (let start = 0; start < RECEIPTS; start += BATCH) {
    const now = new Date();
    const r = {
      id: [] as string[],
      dossier: [] as string[],
      amount: [] as number[],
      reference: [] as string[],
      assessment: [] as string[],
      qr: [] as string[],
      audit: [] as string[],
    };
    for (let i = start; i < Math.min(RECEIPTS, start + BATCH); i++) {
      let reference = generateReference();
      while (seen.has(reference)) reference = generateReference();
      seen.add(reference);
      const assessment = assessments[i % assessments.length]!;
      const dossierCode = `BENCH-${i}`;
      r.id.push(randomUUID());
      r.dossier.push(dossierCode);
      r.amount.push(assessment.total);
      r.reference.push(reference);
      r.assessment.push(JSON.stringify(assessment));
      r.qr.push(
        encode({
          bin: account.bankBin,
          account: account.accountNumber,
          amount: assessment.total,
          purpose: safeMemo(reference, dossierCode),
        }),
      );
      r.audit.push(JSON.stringify({ dossierCode, amount: assessment.total, reference }));
      open.push({ reference, amount: assessment.total });
    }
    // Column arrays through unnest: one statement per batch, a handful of bind parameters.
    await db.transaction(async (trx) => {
      await trx.raw(
        `INSERT INTO receipts (id, agency_id, dossier_code, payer_name, amount, reference, opened_as,
           assessment, collection_account_id, qr_payload, created_by_key, created_at)
         SELECT id, 'demo', dossier_code, 'Nguyễn Văn Bench', amount, reference, 'open',
           assessment::jsonb, ?, qr_payload, ?, ?
         FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])
           AS t(id, dossier_code, amount, reference, assessment, qr_payload)`,
        [account.id, keyId, now, r.id, r.dossier, r.amount, r.reference, r.assessment, r.qr],
      );
      await trx.raw(
        `INSERT INTO audit_events (agency_id, actor, action, subject_type, subject_id, data, created_at)
         SELECT 'demo', ?, 'receipt.opened', 'receipt', subject_id, data::jsonb, ?
         FROM unnest(?::text[], ?::text[]) AS t(subject_id, data)`,
        [keyId, now, r.id, r.audit],
      );
    });
  }
  await db.raw('ANALYZE');
  log(`seeded ${RECEIPTS} open receipts in ${elapsed(seeding)}`);

  // 2. The baseline: one-row INSERTs into a scratch table, same database, same client count.
  await db.raw(`CREATE TABLE bench_scratch (
    id bigserial PRIMARY KEY, amount bigint NOT NULL, memo text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`);
  await db.destroy();
  const script = join(scratch, 'insert.sql');
  writeFileSync(
    script,
    "\\set amount random(1000, 5000000)\nINSERT INTO bench_scratch (amount, memo) VALUES (:amount, 'TP bench');\n",
  );
  const pgbenchSeconds = Math.max(3, Math.round(SECONDS / 2));
  const pg = spawnSync(
    PGBENCH,
    [
      '-n',
      '-f',
      script,
      '-c',
      String(CONCURRENCY),
      '-j',
      String(Math.min(CONCURRENCY, 4)),
      '-T',
      String(pgbenchSeconds),
      '-h',
      dbUrl.hostname,
      '-p',
      dbUrl.port || '5432',
      '-U',
      decodeURIComponent(dbUrl.username || 'postgres'),
      dbName,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, ...(dbUrl.password ? { PGPASSWORD: decodeURIComponent(dbUrl.password) } : {}) },
    },
  );
  const tpsMatch = /tps = ([\d.]+) \(without initial connection time\)/.exec(pg.stdout ?? '');
  if (pg.status !== 0 || !tpsMatch) {
    throw new Error(`pgbench failed (${pg.status}): ${pg.error ?? ''}\n${pg.stdout}\n${pg.stderr}`);
  }
  const pgbenchTps = Number(tpsMatch[1]);
  log(`pgbench: ${pgbenchTps.toFixed(0)} tps (${CONCURRENCY} clients, ${pgbenchSeconds} s)`);

  // 3. The floor: a framework-free Node HTTP server doing only pgbench's INSERT per request.
  const bare = await startServer(['packages/recon-server/bench/support/bare-insert-server.ts'], {
    DATABASE_URL: dbUrl.toString(),
  });
  let bareRun: Run;
  try {
    bareRun = await drive(
      bare.port,
      pgbenchSeconds,
      () => ({
        path: '/',
        body: JSON.stringify({ amount: randomInt(1000, 5_000_000), memo: 'TP bench' }),
        headers: {},
        ok: (status) => status === 200,
      }),
      bare.pid,
      dbName,
    );
  } finally {
    await bare.stop();
  }
  log(`bare node:http + pg INSERT: ${bareRun.rate.toFixed(0)} req/s`);

  // 4. The real server, in its own process so its event loop is not the client's.
  const server = await startServer(['packages/recon-server/src/main.ts'], {
    DATABASE_URL: dbUrl.toString(),
    THUPHI_DEMO_API_KEY: apiKey,
    THUPHI_DEMO_CALLBACK_SECRET: secret,
    // Request logs at info would be piped into this process and measured as server time.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  });
  stopServer = server.stop;

  // 5. Callbacks: each pays a distinct open receipt, in random order, CONCURRENCY at a time.
  const order = open.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let next = 0;
  const callback = (): Shot => {
    const n = next++;
    const receipt = open[order[n % order.length]!]!;
    const body = JSON.stringify({
      transactionId: `FT-BENCH-${n}`,
      accountNumber: account.accountNumber,
      amount: receipt.amount,
      memo: `MBVCB.${n}.${receipt.reference}.CT tu 0071000 NGUYEN VAN BENCH`,
      bookedAt: new Date().toISOString(),
    });
    return {
      path: '/v1/callbacks/generic',
      body,
      headers: { 'X-Thuphi-Signature': signGenericCallback({ body, secret }) },
      ok: (status, text) => status === 200 && JSON.parse(text).credits?.[0]?.match?.matched === true,
    };
  };
  // After the warm-up, fresh statistics, as autovacuum keeps them on a live database: the payment
  // tables were empty when seeding ended, and a prepared statement planned for an empty table would
  // keep scanning it whole until the next ANALYZE (autovacuum's first one comes after ~50 rows).
  const analyze = async () => {
    const conn = knexFactory({ client: 'pg', connection: dbUrl.toString(), pool: { min: 0, max: 1 } });
    try {
      await conn.raw('ANALYZE');
    } finally {
      await conn.destroy();
    }
  };
  const run = await drive(server.port, SECONDS, callback, server.pid, dbName, analyze);
  await stopServer();

  const { rate, p99, failures, firstFailure, cpuPerRequest } = run;
  const ratio = rate / pgbenchTps;
  const met = ratio >= GOAL.shareOfPgbench && p99 < GOAL.p99Ms && failures === 0;
  console.log(
    `recon-server callbacks vs pgbench on PostgreSQL: ${RECEIPTS} open receipts, ${CONCURRENCY} concurrent clients, ` +
      `${SECONDS} s of callbacks, ${pgbenchSeconds} s of pgbench and of the bare server, loopback, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const row = (name: string, r: Run) => ({
    what: name,
    requests: r.count,
    failed: r.failures,
    'per s': Math.round(r.rate),
    'p50 ms': r.p50.toFixed(1),
    'p99 ms': r.p99.toFixed(1),
    'server CPU ms/req': Number.isNaN(r.cpuPerRequest) ? 'n/a' : r.cpuPerRequest.toFixed(2),
    'PostgreSQL CPU ms/req': Number.isNaN(r.postgresCpuPerRequest)
      ? 'n/a'
      : r.postgresCpuPerRequest.toFixed(2),
    'share of pgbench': (r.rate / pgbenchTps).toFixed(2),
  });
  console.table([
    { what: 'pgbench single-row INSERT', 'per s': Math.round(pgbenchTps), 'share of pgbench': '1.00' },
    row('bare node:http + 1 INSERT (floor)', bareRun),
    row('recon-server paying callback', run),
  ]);
  console.log(
    `goal (≥ 1/3 of pgbench, p99 < ${GOAL.p99Ms} ms): ${met ? 'met' : 'missed'}; ` +
      `server CPU ${Number.isNaN(cpuPerRequest) ? 'n/a' : cpuPerRequest.toFixed(2)} ms per callback`,
  );
  if (failures > 0) console.log(`first failure: ${firstFailure}`);
} finally {
  await stopServer().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
  await admin.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.destroy();
}
