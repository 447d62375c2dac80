/**
 * The floor under any Node service on this machine: node:http with no framework, each POST doing
 * exactly what pgbench's script does — one single-row INSERT, autocommit — through node-postgres,
 * then a 200. No signature, no validation, no matching. The callbacks bench drives it like the real
 * server to show how much of pgbench's rate an HTTP-fronted Node process can reach at all here.
 *
 *   DATABASE_URL=postgres://… node --import tsx bench/support/bare-insert-server.ts   # prints its port
 */
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL ?? 10) });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { amount: number; memo: string };
    pool
      .query('INSERT INTO bench_scratch (amount, memo) VALUES ($1, $2)', [body.amount, body.memo])
      .then(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      })
      .catch((error: Error) => {
        res.writeHead(500).end(error.message);
      });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `listening on http://localhost:${typeof address === 'object' && address ? address.port : 0}\n`,
  );
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end();
});
