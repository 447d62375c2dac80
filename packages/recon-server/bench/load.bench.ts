/**
 * Mixed load against the real server over loopback, driven by autocannon: about 30% receipt
 * creations, 40% signed generic callbacks paying receipts created earlier (a fifth of them exact
 * re-deliveries of an earlier callback, which must answer 200 duplicate:true) and 30% receipt reads.
 * Bounded both in time and in count. Prints throughput and p50/p99 per kind and overall; exits 1 if
 * any answer is not the expected one (the intended duplicates are expected, nothing else is).
 *
 *   pnpm bench:load
 *
 * The server is the real entry (`pnpm start`: src/main.ts) in its own process, on PGlite in a fresh
 * temporary directory, or on PostgreSQL when DATABASE_URL is set (it must point at a database this
 * run may fill). Knobs: LOAD_SECONDS (15), LOAD_AMOUNT (20000 requests), LOAD_CONNECTIONS (8),
 * LOAD_SEED_RECEIPTS (300, opened before the clock starts so callbacks have something to pay).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signGenericCallback } from '../src/shared/signing.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 15);
const AMOUNT = Number(process.env.LOAD_AMOUNT ?? 20_000);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 8);
const SEED_RECEIPTS = Number(process.env.LOAD_SEED_RECEIPTS ?? 300);
const SHARE = { create: 0.3, callback: 0.4 }; // the rest are reads
const DUPLICATE_SHARE = 0.2;

const apiKey = `tp_load_${randomBytes(12).toString('hex')}`;
const secret = `whsec_load_${randomBytes(12).toString('hex')}`;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

type Kind = 'create' | 'callback' | 'duplicate' | 'read';
interface OpenReceipt {
  id: string;
  amount: number;
  reference: string;
  accountNumber: string;
}
interface SentCallback {
  body: string;
  signature: string;
}
interface Context {
  kind?: Kind;
  startedAt?: number;
  receipt?: OpenReceipt;
  callback?: SentCallback;
}

const scratch = mkdtempSync(join(tmpdir(), 'thuphi-load-'));
const databaseUrl = process.env.DATABASE_URL || undefined;
let child: ChildProcess | undefined;

async function stopServer() {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGTERM');
  const hard = setTimeout(() => child?.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(hard);
}

let exitCode = 0;
try {
  child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/recon-server/src/main.ts'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl ?? '',
        THUPHI_DATA: scratch,
        PORT: '0',
        THUPHI_DEMO_API_KEY: apiKey,
        THUPHI_DEMO_CALLBACK_SECRET: secret,
        THUPHI_RECONCILE_AT: 'off',
        // Request logs at info would be piped into this process and measured as server time.
        LOG_LEVEL: process.env.LOAD_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (found) resolve(Number(found[1]));
    });
    child!.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const auth = { Authorization: `Bearer ${apiKey}` };

  let dossierSeq = 0;
  const receiptBody = () =>
    JSON.stringify({
      dossierCode: `LOAD-${String(++dossierSeq).padStart(7, '0')}`,
      payer: { name: 'Nguyễn Văn Tải' },
      fee: {
        items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1 + (dossierSeq % 9), copies: 1 } }],
      },
    });
  const unpaid: OpenReceipt[] = [];
  const known: string[] = [];
  const delivered: SentCallback[] = [];
  const remember = (text: string) => {
    const r = JSON.parse(text) as {
      id: string;
      amount: number;
      reference: string;
      collectionAccount: { accountNumber: string };
    };
    unpaid.push({
      id: r.id,
      amount: r.amount,
      reference: r.reference,
      accountNumber: r.collectionAccount.accountNumber,
    });
    known.push(r.id);
  };

  // Receipts opened before the clock starts: the first callbacks need something to pay.
  const seeding = performance.now();
  for (let done = 0; done < SEED_RECEIPTS; ) {
    const batch = Math.min(CONNECTIONS, SEED_RECEIPTS - done);
    await Promise.all(
      Array.from({ length: batch }, async () => {
        const res = await fetch(`${base}/v1/receipts`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: receiptBody(),
        });
        const text = await res.text();
        if (res.status !== 201) throw new Error(`seeding a receipt answered ${res.status}: ${text}`);
        remember(text);
      }),
    );
    done += batch;
  }
  log(`opened ${SEED_RECEIPTS} receipts in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  let txnSeq = 0;
  const latencies: Record<Kind, number[]> = { create: [], callback: [], duplicate: [], read: [] };
  const failures: Record<Kind, number> = { create: 0, callback: 0, duplicate: 0, read: 0 };
  const firstFailures: string[] = [];
  const fail = (kind: Kind, status: number, body: string) => {
    failures[kind]++;
    if (firstFailures.length < 5) firstFailures.push(`${kind}: HTTP ${status} ${body.slice(0, 300)}`);
  };

  const setupRequest = (request: autocannon.Request, raw: object): autocannon.Request => {
    const context = raw as Context;
    context.startedAt = performance.now();
    context.receipt = undefined;
    context.callback = undefined;
    const roll = Math.random();
    if (roll >= SHARE.create && roll < SHARE.create + SHARE.callback) {
      if (delivered.length > 0 && Math.random() < DUPLICATE_SHARE) {
        // An exact re-delivery: same bytes, same signature header, as a bank retrying would send.
        const again = delivered[Math.floor(Math.random() * delivered.length)]!;
        context.kind = 'duplicate';
        context.callback = again;
        return callbackRequest(request, again);
      }
      const receipt = unpaid.shift();
      if (receipt) {
        const n = ++txnSeq;
        const body = JSON.stringify({
          transactionId: `FT-LOAD-${n}`,
          accountNumber: receipt.accountNumber,
          amount: receipt.amount,
          memo: `MBVCB.${n}.${receipt.reference}.CT tu 0071000 NGUYEN VAN TAI`,
          bookedAt: new Date().toISOString(),
        });
        const sent = { body, signature: signGenericCallback({ body, secret }) };
        context.kind = 'callback';
        context.receipt = receipt;
        context.callback = sent;
        return callbackRequest(request, sent);
      }
      // Nothing left to pay: open one instead, so the mix stays close to the plan.
    }
    if (roll < SHARE.create + SHARE.callback || known.length === 0) {
      context.kind = 'create';
      return {
        ...request,
        method: 'POST',
        path: '/v1/receipts',
        headers: { ...auth, 'content-type': 'application/json' },
        body: receiptBody(),
      };
    }
    context.kind = 'read';
    return {
      ...request,
      method: 'GET',
      path: `/v1/receipts/${known[Math.floor(Math.random() * known.length)]}`,
      headers: auth,
      body: undefined,
    };
  };
  const callbackRequest = (request: autocannon.Request, sent: SentCallback): autocannon.Request => ({
    ...request,
    method: 'POST',
    path: '/v1/callbacks/generic',
    headers: { 'content-type': 'application/json', 'x-thuphi-signature': sent.signature },
    body: sent.body,
  });

  const onResponse = (status: number, body: string, raw: object) => {
    const context = raw as Context;
    const kind = context.kind!;
    latencies[kind].push(performance.now() - context.startedAt!);
    if (kind === 'create') {
      if (status === 201) remember(body);
      else fail(kind, status, body);
    } else if (kind === 'read') {
      if (status !== 200) fail(kind, status, body);
    } else {
      const answer =
        status === 200
          ? (JSON.parse(body) as { duplicate?: boolean; credits?: { match?: { matched?: boolean } }[] })
          : undefined;
      if (kind === 'duplicate') {
        if (answer?.duplicate !== true) fail(kind, status, body);
      } else if (answer?.duplicate === false && answer.credits?.[0]?.match?.matched === true) {
        delivered.push(context.callback!);
      } else {
        fail(kind, status, body);
        // Answered, but not as a first payment: put the receipt back only if nothing was recorded.
        if (status >= 500) unpaid.push(context.receipt!);
      }
    }
  };

  // `amount` makes autocannon ignore `duration`: the time bound is ours.
  let timer: NodeJS.Timeout | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        pipelining: 1,
        amount: AMOUNT,
        timeout: 10,
        requests: [{ setupRequest, onResponse }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    timer = setTimeout(() => instance.stop(), SECONDS * 1000);
  });
  clearTimeout(timer);
  await stopServer();

  const pct = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const row = (name: string, samples: number[], failed: number) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      kind: name,
      requests: samples.length,
      'req/s': Math.round(samples.length / result.duration),
      'p50 ms': sorted.length ? pct(sorted, 0.5).toFixed(1) : '-',
      'p99 ms': sorted.length ? pct(sorted, 0.99).toFixed(1) : '-',
      failed,
    };
  };
  const all = Object.values(latencies).flat();
  const totalFailed = Object.values(failures).reduce((a, b) => a + b, 0);
  // Anything autocannon saw that onResponse did not (socket errors, timeouts) is a failure too.
  const transportErrors = result.errors + result.timeouts;
  console.log(
    `recon-server mixed load on ${databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'PGlite (temporary directory)'}: ` +
      `${CONNECTIONS} connections, ${result.duration.toFixed(1)} s (bound ${SECONDS} s / ${AMOUNT} requests), ` +
      `loopback, ${SEED_RECEIPTS} receipts opened beforehand`,
  );
  console.table([
    row('create receipt (POST /v1/receipts)', latencies.create, failures.create),
    row('callback, first delivery', latencies.callback, failures.callback),
    row('callback, re-delivery (duplicate)', latencies.duplicate, failures.duplicate),
    row('read receipt (GET /v1/receipts/:id)', latencies.read, failures.read),
    row('all', all, totalFailed + transportErrors),
  ]);
  console.log(
    `autocannon: ${result.requests.total} requests, ${result.requests.average} req/s average, ` +
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
  );
  if (totalFailed + transportErrors > 0) {
    console.log(`FAILED: ${totalFailed} unexpected answers, ${transportErrors} transport errors`);
    for (const line of firstFailures) console.log(`  ${line}`);
    exitCode = 1;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await stopServer().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
