/**
 * In-process throughput of the paying path on loopback HTTP: open receipts, then pay each by a
 * signed callback, then re-deliver each callback (duplicates). Bounded by count, prints figures;
 * nothing is asserted. Engine: PGlite in memory, or PostgreSQL with BENCH_DATABASE_URL.
 *
 *   pnpm --filter @thuphi/recon-server bench
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { seedDemoAgency } from '../src/agencies/agencies.js';
import { migrateLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { createApp } from '../src/http/app.js';
import { systemClock } from '../src/shared/clock.js';
import { signGenericCallback } from '../src/shared/signing.js';

const N = Number(process.env.BENCH_COUNT ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const apiKey = 'tp_bench_key_000000000000';
const secret = 'whsec_bench_secret_0000000';

const db = await openDatabase({ url: process.env.BENCH_DATABASE_URL, dataDir: ':memory:' });
await migrateLatest(db);
await seedDemoAgency(db, systemClock, { apiKey, callbackSecret: secret });
const server = createApp({ db }).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function phase<T>(name: string, items: T[], run: (item: T) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await run(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  return {
    phase: name,
    requests: items.length,
    'req/s': Math.round(items.length / seconds),
    'p50 ms': pct(0.5),
    'p99 ms': pct(0.99),
  };
}

const receipts: { id: string; amount: number; reference: string }[] = [];
const open = await phase('POST /v1/receipts', [...Array(N).keys()], async (i) => {
  const res = await fetch(`${base}/v1/receipts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      dossierCode: `BENCH-${i}`,
      payer: { name: 'Nguyễn Văn Bench' },
      fee: { items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 1 + (i % 9), copies: 1 } }] },
    }),
  });
  if (res.status !== 201) throw new Error(`receipt: HTTP ${res.status} ${await res.text()}`);
  receipts.push((await res.json()) as (typeof receipts)[number]);
});

const bodies = receipts.map((r, i) =>
  JSON.stringify({
    transactionId: `FT-BENCH-${i}`,
    accountNumber: '1023456789',
    amount: r.amount,
    memo: `MBVCB.${i}.${r.reference}.CT tu 0071000 NGUYEN VAN BENCH`,
    bookedAt: new Date().toISOString(),
  }),
);
const deliver = (expectDuplicate: boolean) => async (body: string) => {
  const res = await fetch(`${base}/v1/callbacks/generic`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Thuphi-Signature': signGenericCallback({ body, secret }),
    },
    body,
  });
  const json = (await res.json()) as { duplicate?: boolean };
  if (res.status !== 200 || json.duplicate !== expectDuplicate)
    throw new Error(`callback: HTTP ${res.status}`);
};
const pay = await phase('POST /v1/callbacks/generic (new)', bodies, deliver(false));
const dup = await phase('POST /v1/callbacks/generic (repeat)', bodies, deliver(true));
const read = await phase('GET /v1/receipts/:id', receipts, async (r) => {
  const res = await fetch(`${base}/v1/receipts/${r.id}`, { headers: { Authorization: `Bearer ${apiKey}` } });
  if (res.status !== 200) throw new Error(`read: HTTP ${res.status}`);
  await res.arrayBuffer();
});

const engine = process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite (in memory)';
console.log(`recon-server on ${engine}, ${N} receipts, ${CONCURRENCY} concurrent clients, loopback HTTP`);
console.table([open, pay, dup, read]);
server.close();
await db.destroy();
