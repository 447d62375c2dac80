/**
 * Two app instances on one database, as in a deployment behind a load balancer: the same signed
 * callback delivered 60 times at once, split across both, yields one credit, one allocation and one
 * receipt number; callbacks racing an uploaded statement (POST /v1/statements) that carries the same
 * transfer (same bank reference) yield one credit too. On PostgreSQL the instances are two real server processes (the `pnpm start`
 * entry) sharing a database, so the only thing keeping them apart is the database itself. PGlite has
 * one connection in one process, so there the race runs through two apps on that connection.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/http/app.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_API_KEY, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase, testEngine } from './support/db.js';
import { type ServerProcess, startServerProcess, stopServerProcess } from './support/server-process.js';

const ACCOUNT = '1023456789';

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
  body: any;
}

/** One way to reach one app instance: in-process (supertest) or a child process (fetch). */
interface Instance {
  name: string;
  post(path: string, body: string, headers: Record<string, string>): Promise<Answer>;
  get(path: string, headers: Record<string, string>): Promise<Answer>;
}

interface Setup {
  instances: [Instance, Instance];
  database: TestDatabase;
  /** The instances' clock, in unix seconds: signatures must be fresh by *their* clock. */
  nowUnix(): number;
  now(): Date;
}

const auth = { Authorization: `Bearer ${TEST_API_KEY}` };

function supertestInstance(name: string, app: Parameters<typeof request>[0]): Instance {
  const send = async (req: request.Test): Promise<Answer> => {
    const res = await req;
    return { status: res.status, body: res.body };
  };
  return {
    name,
    post: (path, body, headers) => send(request(app).post(path).set(headers).send(body)),
    get: (path, headers) => send(request(app).get(path).set(headers)),
  };
}

function httpInstance(name: string, base: string): Instance {
  const call = async (path: string, init: RequestInit): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    name,
    post: (path, body, headers) => call(path, { method: 'POST', headers, body }),
    get: (path, headers) => call(path, { headers }),
  };
}

async function openReceipt(via: Instance, dossierCode: string) {
  const res = await via.post(
    '/v1/receipts',
    JSON.stringify({
      dossierCode,
      payer: { name: 'Trần Thị Bình' },
      fee: {
        date: '2026-11-23',
        items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 3, copies: 1 } }],
      },
    }),
    { ...auth, 'Content-Type': 'application/json' },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; amount: number; reference: string };
}

function signedCallback(setup: Setup, credit: Record<string, unknown>) {
  const body = JSON.stringify({ accountNumber: ACCOUNT, bookedAt: '2026-11-23T09:00:00+07:00', ...credit });
  const headers = {
    'Content-Type': 'application/json',
    'X-Thuphi-Signature': signGenericCallback({
      body,
      secret: TEST_CALLBACK_SECRET,
      timestamp: setup.nowUnix(),
    }),
  };
  return { body, headers };
}

async function count(database: TestDatabase, table: string, where: Record<string, string>) {
  const rows = await database.db(table).where(where).count({ n: '*' });
  return Number(rows[0]!.n);
}

/** The receipt as the API shows it, plus the rows that must exist exactly once. */
async function expectPaidOnce(setup: Setup, receipt: { id: string; amount: number }) {
  const read = await setup.instances[1].get(`/v1/receipts/${receipt.id}`, auth);
  expect(read.status).toBe(200);
  expect(read.body.status).toBe('paid');
  expect(read.body.paidAmount).toBe(receipt.amount);
  expect(read.body.payments).toHaveLength(1);
  expect(read.body.receiptNumber).toMatch(/^BLTP-26 \d{7}$/);
  expect(await count(setup.database, 'allocations', { receipt_id: receipt.id })).toBe(1);
  expect(await count(setup.database, 'receipt_numbers', { receipt_id: receipt.id })).toBe(1);
  return read.body as { payments: { creditId: string }[] };
}

/** The assertions, shared by both engines; `setup` says what the two instances are. */
function raceTests(getSetup: () => Setup) {
  it('records one credit and one allocation for one callback posted 60 times at once across both', async () => {
    const setup = getSetup();
    const receipt = await openReceipt(setup.instances[0], 'HS-RACE-60');
    const delivery = signedCallback(setup, {
      transactionId: 'FT-TWO-60',
      amount: receipt.amount,
      memo: `MBVCB.881.${receipt.reference}.CT tu 0071000 TRAN THI BINH`,
    });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        setup.instances[i % 2]!.post('/v1/callbacks/generic', delivery.body, delivery.headers),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    const fresh = answers.filter((a) => a.body.duplicate === false);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.body.credits[0].match).toMatchObject({ matched: true, receiptStatus: 'paid' });
    const credits = await setup.database
      .db('bank_credits')
      .where({ provider: 'generic', provider_txn_id: 'FT-TWO-60' })
      .pluck('id');
    expect(credits).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.credits[0].creditId))).toEqual(new Set(credits));
    const shown = await expectPaidOnce(setup, receipt);
    expect(shown.payments[0]!.creditId).toBe(credits[0]);
    // Every delivery was kept as it came, and each says how it ended.
    const outcomes = await setup.database
      .db('raw_callbacks')
      .whereLike('body', '%FT-TWO-60%')
      .pluck('outcome');
    expect(outcomes.sort()).toEqual(['accepted', ...Array(59).fill('duplicate')]);
  });

  it('records one credit when callbacks on both instances race the statement line for the same money', async () => {
    const setup = getSetup();
    // Several receipts at once, so the three writers interleave in more than one order.
    const receipts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => openReceipt(setup.instances[i % 2]!, `HS-STMT-${i}`)),
    );
    const races = receipts.map(async (receipt, i) => {
      const bankReference = `FT2632700${1000 + i}`;
      const memo = `MBVCB.9${i}.${receipt.reference}.CT tu 0071000 TRAN THI BINH`;
      const delivery = signedCallback(setup, {
        transactionId: `SEPAY-${i}`,
        amount: receipt.amount,
        memo,
        bankReference,
      });
      // The statement with the same transfer, uploaded to one of the instances at the same moment.
      const statement = `date,credit,debit,memo,reference\n23/11/2026 09:00:00,${receipt.amount},,${memo},${bankReference}\n`;
      const [a, b, upload] = await Promise.all([
        setup.instances[0].post('/v1/callbacks/generic', delivery.body, delivery.headers),
        setup.instances[1].post('/v1/callbacks/generic', delivery.body, delivery.headers),
        setup.instances[(i + 1) % 2]!.post(`/v1/statements?filename=sao-ke-${i}.csv`, statement, {
          ...auth,
          'Content-Type': 'text/csv',
        }),
      ]);
      expect(upload.status, JSON.stringify(upload.body)).toBe(201);
      expect(upload.body.lines).toHaveLength(1);
      const line = upload.body.lines[0] as { outcome: string; creditId: string };
      return { receipt, bankReference, answers: [a, b], line };
    });

    for (const { receipt, bankReference, answers, line } of await Promise.all(races)) {
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const credits = await setup.database.db('bank_credits').where({ bank_reference: bankReference });
      expect(credits).toHaveLength(1);
      const creditId = credits[0]!.id;
      expect(answers.map((a) => a.body.credits[0].creditId)).toEqual([creditId, creditId]);
      expect(line.creditId).toBe(creditId);
      expect(['matched', 'duplicate']).toContain(line.outcome);
      // Whichever source got there first recorded it; both others heard "already known".
      const recorded = [...answers.map((a) => !a.body.duplicate), line.outcome === 'matched'];
      expect(recorded.filter(Boolean)).toHaveLength(1);
      const shown = await expectPaidOnce(setup, receipt);
      expect(shown.payments[0]!.creditId).toBe(creditId);
    }
  });
}

describe('two apps on one database connection (in process)', () => {
  let t: TestApp;
  let setup: Setup;
  beforeAll(async () => {
    t = await createTestApp();
    const second = createApp({ db: t.database.db, clock: t.clock, config: {} });
    setup = {
      instances: [supertestInstance('app A', t.app), supertestInstance('app B', second)],
      database: t.database,
      nowUnix: () => t.clock.now().getTime() / 1000,
      now: () => t.clock.now(),
    };
  });
  afterAll(async () => {
    await t?.close();
  });
  raceTests(() => setup);
});

describe.runIf(testEngine === 'postgres')('two server processes on one PostgreSQL database', () => {
  const started: ServerProcess[] = [];
  let database: TestDatabase;
  let setup: Setup;
  beforeAll(async () => {
    database = await createTestDatabase();
    // One after the other: the first start seeds the demo agency, the second finds it.
    const a = (await startServerProcess({ databaseUrl: database.url! }, started)).base;
    const b = (await startServerProcess({ databaseUrl: database.url! }, started)).base;
    setup = {
      instances: [httpInstance('process A', a), httpInstance('process B', b)],
      database,
      nowUnix: () => Date.now() / 1000,
      now: () => new Date(),
    };
  });
  afterAll(async () => {
    await Promise.all(started.map(stopServerProcess));
    await database?.drop();
  });

  it('runs two separate processes', () => {
    expect(new Set(started.map((s) => s.child.pid)).size).toBe(2);
    expect(setup.instances.map((i) => i.name)).toEqual(['process A', 'process B']);
  });
  raceTests(() => setup);
});
