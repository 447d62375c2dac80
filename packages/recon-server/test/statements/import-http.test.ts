/** POST /v1/statements end to end: counts, idempotency, callbacks and statements as one credit. */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCredit } from '../../src/matching/ingest.js';
import { signGenericCallback } from '../../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from '../support/app.js';
import { testEngine } from '../support/db.js';

const NOW_UNIX = Date.parse('2026-11-23T02:00:00Z') / 1000;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('importing bank statements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (table: string) => Number((await t.database.db(table).count({ n: '*' }))[0]!.n);
  const counts = async () => ({
    credits: await count('bank_credits'),
    allocations: await count('allocations'),
    imports: await count('statement_imports'),
    lines: await count('statement_lines'),
  });

  async function openReceipt(
    dossierCode: string,
  ): Promise<{ id: string; amount: number; reference: string }> {
    const res = await request(t.app)
      .post('/v1/receipts')
      .set(t.auth)
      .send({
        dossierCode,
        payer: { name: 'Nguyễn Văn An' },
        fee: {
          date: '2026-11-23',
          channel: 'counter',
          applicant: { categories: [] },
          items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
        },
      });
    expect(res.status).toBe(201);
    return res.body;
  }

  function callback(body: object) {
    const raw = JSON.stringify(body);
    return request(t.app)
      .post('/v1/callbacks/generic')
      .set('Content-Type', 'application/json')
      .set(
        'X-Thuphi-Signature',
        signGenericCallback({ body: raw, secret: TEST_CALLBACK_SECRET, timestamp: NOW_UNIX }),
      )
      .send(raw);
  }

  const upload = (body: Buffer | string, type = 'text/csv', query = '') =>
    request(t.app).post(`/v1/statements${query}`).set(t.auth).set('Content-Type', type).send(body);

  const csv = (rows: string[]) => `date,credit,debit,memo,reference\n${rows.join('\n')}\n`;

  it('imports a statement: new credits matched or unmatched, debits counted', async () => {
    const receipt = await openReceipt('H23.25-261123-0101');
    const before = await counts();
    const body = csv([
      `23/11/2026 08:15:02,${receipt.amount},,MBVCB.881.${receipt.reference} nop phi chung thuc,FT26327900001`,
      '23/11/2026 09:00:00,50000,,chuyen tien khong ro noi dung,FT26327900002',
      '23/11/2026 10:30:00,,22000,Phí quản lý tài khoản,FT26327900003',
    ]);
    const res = await upload(body, 'text/csv', '?filename=sao-ke-23-11.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      duplicateFile: false,
      format: 'csv',
      accountNumber: '1023456789',
      filename: 'sao-ke-23-11.csv',
      counts: { rows: 3, new: 2, duplicate: 0, matched: 1, unmatched: 1, rejected: 0, debits: 1 },
    });
    expect(res.body.lines).toMatchObject([
      { line: 2, outcome: 'matched', receiptId: receipt.id, bankReference: 'FT26327900001' },
      { line: 3, outcome: 'unmatched', reason: 'no_reference_in_memo' },
      { line: 4, outcome: 'debit', amount: 22000 },
    ]);
    expect(await counts()).toEqual({
      credits: before.credits + 2,
      allocations: before.allocations + 1,
      imports: before.imports + 1,
      lines: before.lines + 3,
    });
    const paid = await request(t.app).get(`/v1/receipts/${receipt.id}`).set(t.auth);
    expect(paid.body.status).toBe('paid');

    // The unmatched line waits in the exception queue.
    const exceptions = await request(t.app).get('/v1/exceptions').set(t.auth);
    expect(exceptions.body.items).toContainEqual(
      expect.objectContaining({
        provider: 'statement',
        amount: 50000,
        bankReference: 'FT26327900002',
        state: 'unmatched',
      }),
    );

    // The identical file again: the first result, nothing changed.
    const again = await upload(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      duplicateFile: true,
      importId: res.body.importId,
      counts: res.body.counts,
    });
    expect(await counts()).toEqual({
      credits: before.credits + 2,
      allocations: before.allocations + 1,
      imports: before.imports + 1,
      lines: before.lines + 3,
    });

    const stored = await request(t.app).get(`/v1/statements/${res.body.importId}`).set(t.auth);
    expect(stored.status).toBe(200);
    expect(stored.body.lines).toEqual(res.body.lines);
  });

  it('makes the lines of an overlapping file that were already seen duplicates, with or without a reference', async () => {
    const first = csv([
      '22/11/2026 07:00:00,30000,,nop le phi ho tich Lo Van Sang,',
      '22/11/2026 07:05:00,40000,,nop phi ban sao,FT26326900010',
    ]);
    const r1 = await upload(first);
    expect(r1.body.counts).toMatchObject({ new: 2, duplicate: 0 });
    const before = await counts();
    const overlapping = csv([
      '22/11/2026 07:00:00,30000,,nop le phi ho tich Lo Van Sang,',
      '22/11/2026 07:05:00,40000,,nop phi ban sao,FT26326900010',
      '22/11/2026 16:00:00,60000,,nop phi cap giay phep,FT26326900011',
    ]);
    const r2 = await upload(overlapping);
    expect(r2.status).toBe(201);
    expect(r2.body.counts).toMatchObject({ rows: 3, new: 1, duplicate: 2 });
    expect(r2.body.lines.slice(0, 2).map((l: { creditId: string }) => l.creditId)).toEqual(
      r1.body.lines.map((l: { creditId: string }) => l.creditId),
    );
    expect((await counts()).credits).toBe(before.credits + 1);
  });

  it('a receipt paid by callback, then its statement line: duplicate, one credit, one allocation', async () => {
    const receipt = await openReceipt('H23.25-261123-0102');
    const cb = await callback({
      transactionId: 'gw-77001',
      accountNumber: '1023456789',
      amount: receipt.amount,
      memo: `${receipt.reference} nop phi`,
      bookedAt: '2026-11-23T09:10:00+07:00',
      bankReference: 'FT26327900020',
    });
    expect(cb.body.credits[0].match.matched).toBe(true);
    const before = await counts();
    const res = await upload(
      csv([`23/11/2026 09:10:00,${receipt.amount},,IBFT ${receipt.reference} nop phi,FT26327900020`]),
    );
    expect(res.body.counts).toMatchObject({ new: 0, duplicate: 1, matched: 0 });
    expect(res.body.lines[0]).toMatchObject({
      outcome: 'duplicate',
      creditId: cb.body.credits[0].creditId,
      reason: 'already received from generic',
    });
    expect(await counts()).toMatchObject({ credits: before.credits, allocations: before.allocations });
  });

  it('recognises a callback that carried no bank reference by account, amount, day and memo', async () => {
    const receipt = await openReceipt('H23.25-261123-0103');
    const cb = await callback({
      transactionId: 'gw-77002',
      accountNumber: '1023456789',
      amount: receipt.amount,
      memo: `${receipt.reference} nop phi chung thuc`,
      bookedAt: '2026-11-23T11:00:00+07:00',
    });
    const before = await counts();
    const res = await upload(
      csv([
        `23/11/2026,${receipt.amount},,MBVCB.1.${receipt.reference} nop phi chung thuc.CT tu 0901,FT26327900030`,
      ]),
    );
    expect(res.body.lines[0]).toMatchObject({ outcome: 'duplicate', creditId: cb.body.credits[0].creditId });
    expect(await counts()).toMatchObject({ credits: before.credits, allocations: before.allocations });
  });

  it('recognises a callback WITH a bank reference from a statement line that has none', async () => {
    // The generic CSV's reference column may be empty; the aggregator's callback carried the FT number.
    const receipt = await openReceipt('H23.25-261123-0106');
    const cb = await callback({
      transactionId: 'gw-77006',
      accountNumber: '1023456789',
      amount: receipt.amount,
      memo: `${receipt.reference} nop phi ban sao`,
      bookedAt: '2026-11-23T15:00:00+07:00',
      bankReference: 'FT26327900060',
    });
    expect(cb.body.credits[0].match.matched).toBe(true);
    const before = await counts();
    const res = await upload(
      csv([`23/11/2026 15:00:00,${receipt.amount},,${receipt.reference} nop phi ban sao,`]),
    );
    expect(res.status).toBe(201);
    expect(res.body.lines[0]).toMatchObject({
      outcome: 'duplicate',
      creditId: cb.body.credits[0].creditId,
      reason: 'already received from generic',
    });
    expect(await counts()).toMatchObject({ credits: before.credits, allocations: before.allocations });
  });

  // PGlite has one connection: an open transaction there would hold up the import for another reason.
  it.skipIf(testEngine === 'pglite')(
    'waits for a callback credit still being recorded for the same money, then calls the line a duplicate',
    async () => {
      const receipt = await openReceipt('H23.25-261123-0107');
      const before = await counts();
      const db = t.database.db;
      const trx = await db.transaction();
      try {
        // The callback's ingest, stopped before its COMMIT (no bank reference on either side).
        const recorded = await ingestCredit(
          trx,
          'demo',
          {
            provider: 'generic',
            providerTxnId: 'gw-77007',
            accountNumber: '1023456789',
            amount: receipt.amount,
            memo: `${receipt.reference} nop phi`,
            bookedAt: new Date('2026-11-23T16:00:00+07:00'),
          },
          null,
          t.clock.now(),
        );
        let answered = false;
        const importing = upload(
          csv([`23/11/2026 16:00:00,${receipt.amount},,IBFT ${receipt.reference} nop phi,`]),
        ).then((res) => {
          answered = true;
          return res;
        });
        // The import queues on the same-money lock instead of reading past the uncommitted credit.
        const waiting = async () =>
          Number(
            (await db.raw(`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`))
              .rows[0].n,
          );
        for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await waiting()).toBe(1);
        expect(answered).toBe(false);
        await trx.commit();
        const res = await importing;
        expect(res.status).toBe(201);
        expect(res.body.lines[0]).toMatchObject({ outcome: 'duplicate', creditId: recorded.creditId });
      } finally {
        if (!trx.isCompleted()) await trx.rollback();
      }
      expect(await counts()).toMatchObject({
        credits: before.credits + 1,
        allocations: before.allocations + 1,
      });
    },
  );

  it('a statement line first, then its callback: the callback is a duplicate of that credit', async () => {
    const receipt = await openReceipt('H23.25-261123-0104');
    const res = await upload(
      csv([`23/11/2026 13:00:00,${receipt.amount},,${receipt.reference},FT26327900040`]),
    );
    expect(res.body.lines[0]).toMatchObject({ outcome: 'matched', receiptId: receipt.id });
    const before = await counts();
    const cb = await callback({
      transactionId: 'gw-77004',
      accountNumber: '1023456789',
      amount: receipt.amount,
      memo: receipt.reference,
      bookedAt: '2026-11-23T13:00:00+07:00',
      bankReference: 'FT26327900040',
    });
    expect(cb.status).toBe(200);
    expect(cb.body).toMatchObject({
      duplicate: true,
      credits: [{ creditId: res.body.lines[0].creditId, duplicate: true }],
    });
    expect(await counts()).toMatchObject({ credits: before.credits, allocations: before.allocations });
  });

  it('a callback racing its statement line: one credit, one allocation', async () => {
    const receipt = await openReceipt('H23.25-261123-0105');
    const before = await counts();
    const [stmt, cb] = await Promise.all([
      upload(csv([`23/11/2026 14:00:00,${receipt.amount},,${receipt.reference},FT26327900050`])),
      callback({
        transactionId: 'gw-77005',
        accountNumber: '1023456789',
        amount: receipt.amount,
        memo: receipt.reference,
        bookedAt: '2026-11-23T14:00:00+07:00',
        bankReference: 'FT26327900050',
      }),
    ]);
    expect(stmt.status).toBe(201);
    expect(cb.status).toBe(200);
    const after = await counts();
    expect(after.credits).toBe(before.credits + 1);
    expect(after.allocations).toBe(before.allocations + 1);
    const allocations = await t.database.db('allocations').where({ receipt_id: receipt.id });
    expect(allocations).toHaveLength(1);
  });

  it('imports the bank layouts and standards through the same endpoint', async () => {
    const vcb = await upload(fixture('vietcombank.csv'));
    expect(vcb.status).toBe(201);
    expect(vcb.body).toMatchObject({ format: 'vietcombank', counts: { rows: 3, new: 2, debits: 1 } });
    const mt940 = await upload(fixture('statement-rejects.mt940'), 'text/plain');
    expect(mt940.status).toBe(201);
    expect(mt940.body.counts).toMatchObject({ new: 1, rejected: 2 });
    expect(mt940.body.lines.filter((l: { outcome: string }) => l.outcome === 'rejected')).toMatchObject([
      { line: 5, reason: 'amount "150000,50" is not a whole number of đồng' },
      { line: 7, reason: 'value date 261131 does not exist' },
    ]);
    const camt = await upload(fixture('statement.camt053.xml'), 'application/xml', '?format=camt053');
    expect(camt.status).toBe(201);
    expect(camt.body.format).toBe('camt053');
  });

  it('refuses a file for another account, with balances that do not add up, or unreadable: nothing changes', async () => {
    const before = await counts();
    const other = fixture('vietcombank.csv').toString('utf8').replace('1023456789,', '0071000999999,');
    const wrong = await upload(other);
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'statement_wrong_account' });
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);

    const wrongQuery = await upload(csv(['23/11/2026,1000,,x,']), 'text/csv', '?account=0071000999999');
    expect(wrongQuery.status).toBe(422);

    const mismatch = fixture('statement.mt940').toString('utf8').replace('VND19212000,', 'VND19213000,');
    const bad = await upload(mismatch, 'text/plain');
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'statement_balance_mismatch', errors: [{ path: 'line 10' }] });

    const unreadable = await upload('date,credit,debit,memo\nhôm nay,abc,,x\n');
    expect(unreadable.status).toBe(422);
    expect(unreadable.body).toMatchObject({ code: 'statement_unreadable', errors: [{ path: 'line 2' }] });

    const garbage = await upload('hello world\n', 'text/plain');
    expect(garbage.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it('guards the edge: role, content type and size', async () => {
    const noKey = await request(t.app).post('/v1/statements').set('Content-Type', 'text/csv').send('x');
    expect(noKey.status).toBe(401);
    const json = await request(t.app).post('/v1/statements').set(t.auth).send({ a: 1 });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('unsupported_statement_type');
    const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1, 0x61), 'application/octet-stream');
    expect(big.status).toBe(413);
    const badFormat = await upload(csv(['23/11/2026,1000,,x,']), 'text/csv', '?format=excel');
    expect(badFormat.status).toBe(400);
  });
});
