/**
 * Custody and deposits: cash stays with the clerk until a deposit batch is made; the bank credit
 * carrying the batch code (however the bank mangles the memo) proves it; a short deposit waits in
 * the exception queue; a cash payment is deposited once; cash held past the deadline is flagged.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashInCustody } from '../../src/ledger/custody.js';
import { depositBatchCode } from '../../src/ledger/deposit-rules.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addKey, deliverCredit, type Key, openReceipt, payCash } from './support.js';

describe('cash custody and deposit batches', () => {
  let t: TestApp;
  let clerkA: Key;
  let clerkB: Key;
  let clerkC: Key;
  let treasurer: Key;
  let integration: Key;
  beforeAll(async () => {
    t = await createTestApp();
    clerkA = await addKey(t, 'clerk', 'a');
    clerkB = await addKey(t, 'clerk', 'b');
    clerkC = await addKey(t, 'clerk', 'c');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    integration = await addKey(t, 'integration', 'integration');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function collect(clerk: Key, pages: number): Promise<number> {
    const r = await openReceipt(t, pages);
    const res = await payCash(t, clerk, r.id, r.amount);
    expect(res.status).toBe(201);
    return r.amount;
  }

  const deposit = (key: Key, body: object = {}) =>
    request(t.app).post('/v1/deposits').set(key.auth).send(body);
  const exceptions = async () =>
    (await request(t.app).get('/v1/exceptions').set(treasurer.auth)).body.items as {
      id: string;
      outcome: string;
      state: string;
      open: number;
      depositBatchId: string | null;
    }[];

  let batchA: { id: string; code: string; amount: number };

  it('keeps cash in each clerk’s custody until a batch is made, then deposits it once', async () => {
    const a = (await collect(clerkA, 1)) + (await collect(clerkA, 5)); // 2.000 + 7.000
    const b = await collect(clerkB, 3); // 5.000
    expect(a).toBe(9000);

    const custody = await cashInCustody(t.database.db, 'demo', t.clock.now());
    expect(custody.find((c) => c.clerkKeyId === clerkA.id)).toMatchObject({
      amount: 9000,
      count: 2,
      overdue: false,
      oldestCollectedAt: '2026-11-23T02:00:00.000Z',
    });
    expect(custody.find((c) => c.clerkKeyId === clerkB.id)).toMatchObject({ amount: b, count: 1 });

    const made = await deposit(clerkA);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      clerkKeyId: clerkA.id,
      createdBy: clerkA.id,
      amount: 9000,
      count: 2,
      status: 'awaiting_credit',
      credit: null,
      depositTo: { bankBin: '970436', accountNumber: '1023456789' },
    });
    expect(made.body.code).toBe(depositBatchCode('2026-11-23', 1));
    expect(made.body.memo.startsWith(made.body.code)).toBe(true);
    expect(made.body.items).toHaveLength(2);
    expect(made.headers.location).toBe(`/v1/deposits/${made.body.id}`);
    batchA = made.body;

    // Nothing left to deposit: the same cash cannot go in a second batch.
    const again = await deposit(clerkA);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('nothing_to_deposit');

    const after = await cashInCustody(t.database.db, 'demo', t.clock.now());
    expect(after.find((c) => c.clerkKeyId === clerkA.id)).toBeUndefined();
    expect(after.find((c) => c.clerkKeyId === clerkB.id)).toMatchObject({ amount: b });
  });

  it('lets a clerk deposit only its own cash and a treasurer name the clerk', async () => {
    const other = await deposit(clerkA, { clerkKeyId: clerkB.id });
    expect(other.status).toBe(403);
    const unnamed = await deposit(treasurer);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors[0].path).toBe('clerkKeyId');
    expect((await deposit(integration, { clerkKeyId: clerkB.id })).status).toBe(403);
    const stranger = await deposit(treasurer, { clerkKeyId: 'no-such-key' });
    expect(stranger.status).toBe(404);

    // Reading a batch: its clerk, a treasurer, an admin; not another clerk.
    expect((await request(t.app).get(`/v1/deposits/${batchA.id}`).set(clerkA.auth)).status).toBe(200);
    expect((await request(t.app).get(`/v1/deposits/${batchA.id}`).set(treasurer.auth)).status).toBe(200);
    expect((await request(t.app).get(`/v1/deposits/${batchA.id}`).set(t.auth)).status).toBe(200);
    expect((await request(t.app).get(`/v1/deposits/${batchA.id}`).set(clerkB.auth)).status).toBe(404);
    expect((await request(t.app).get(`/v1/deposits/${batchA.id}`).set(integration.auth)).status).toBe(403);
    expect((await request(t.app).get('/v1/deposits/not-a-uuid').set(t.auth)).status).toBe(404);
  });

  it('matches the deposit credit to the batch through a mangled memo', async () => {
    const code = batchA.code;
    // As a bank counter relays it: trace prefix, lower case, the code split by a space.
    const memo = `MBVCB.9912345.${code.slice(0, 5).toLowerCase()} ${code.slice(5).toLowerCase()}.NOP TIEN THU HO`;
    const res = await deliverCredit(t, 9000, memo, { bankReference: 'FT26327900001' });
    expect(res.status).toBe(200);
    const credit = res.body.credits[0];
    expect(credit.match).toEqual({
      matched: true,
      kind: 'deposit',
      depositBatchId: batchA.id,
      depositBatchCode: code,
      amount: 9000,
    });
    const batch = (await request(t.app).get(`/v1/deposits/${batchA.id}`).set(t.auth)).body;
    expect(batch).toMatchObject({
      status: 'deposited',
      difference: 0,
      credit: { id: credit.creditId, amount: 9000, outcome: 'exact', bankReference: 'FT26327900001' },
    });
    // A proved deposit waits for nobody.
    expect((await exceptions()).some((e) => e.id === credit.creditId)).toBe(false);
    const view = (await request(t.app).get(`/v1/credits/${credit.creditId}`).set(treasurer.auth)).body;
    expect(view).toMatchObject({ state: 'matched', open: 0, deposited: 9000, depositBatchId: batchA.id });

    // Nobody can then spend that money on a receipt, or mark it for refund.
    const r = await openReceipt(t, 9);
    const misuse = await request(t.app)
      .post(`/v1/credits/${credit.creditId}/match`)
      .set(treasurer.auth)
      .send({ receiptId: r.id, reason: 'thử khớp nhầm' });
    expect(misuse.status).toBe(409);

    // A second credit carrying the same code proves nothing more: it waits for a person.
    const twice = await deliverCredit(t, 9000, code);
    expect(twice.body.credits[0].match).toEqual({
      matched: false,
      reason: 'deposit_already_credited',
      depositBatchId: batchA.id,
    });
  });

  it('queues a short deposit as an exception linked to its batch', async () => {
    const made = await deposit(treasurer, { clerkKeyId: clerkB.id });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ clerkKeyId: clerkB.id, createdBy: treasurer.id, amount: 5000 });
    expect(made.body.code).toBe(depositBatchCode('2026-11-23', 2));

    const res = await deliverCredit(t, 4000, `nop tien ${made.body.code.toLowerCase()}`);
    const credit = res.body.credits[0];
    expect(credit.match).toEqual({ matched: false, reason: 'deposit_short', depositBatchId: made.body.id });
    const queued = (await exceptions()).find((e) => e.id === credit.creditId);
    expect(queued).toMatchObject({
      state: 'unmatched',
      outcome: 'deposit_short',
      open: 4000,
      depositBatchId: made.body.id,
    });
    const batch = (await request(t.app).get(`/v1/deposits/${made.body.id}`).set(treasurer.auth)).body;
    expect(batch).toMatchObject({
      status: 'short',
      difference: -1000,
      credit: { matchedAmount: 4000, outcome: 'short' },
    });
  });

  it('queues an excess deposit too, and tells a mistyped or unknown code apart', async () => {
    await collect(clerkC, 2); // 4.000
    const made = await deposit(clerkC);
    expect(made.status).toBe(201);
    const excess = await deliverCredit(t, 5000, made.body.code);
    expect(excess.body.credits[0].match).toMatchObject({ matched: false, reason: 'deposit_excess' });
    expect((await request(t.app).get(`/v1/deposits/${made.body.id}`).set(t.auth)).body).toMatchObject({
      status: 'excess',
      difference: 1000,
      credit: { matchedAmount: 4000 },
    });

    // A code of the right shape whose check character fails is no code at all.
    const code: string = made.body.code;
    const typo = `${code.slice(0, 9)}${code[9] === '9' ? '8' : '9'}${code.slice(10)}`;
    const wrong = await deliverCredit(t, 4000, typo);
    expect(wrong.body.credits[0].match).toEqual({ matched: false, reason: 'no_reference_in_memo' });
    // A valid code that names no batch of this agency.
    const unknown = await deliverCredit(t, 4000, depositBatchCode('2026-11-20', 7));
    expect(unknown.body.credits[0].match).toEqual({ matched: false, reason: 'unknown_deposit_batch' });
  });

  it('never puts one cash payment in two batches, even when two deposits race', async () => {
    await collect(clerkC, 4);
    await collect(clerkC, 6);
    const [first, second] = await Promise.all([
      deposit(clerkC),
      deposit(treasurer, { clerkKeyId: clerkC.id }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 409]);
    const made = first.status === 201 ? first.body : second.body;
    expect(made.amount).toBe(6000 + 8000);

    // And the database itself refuses a second batch item for a deposited cash payment.
    const item = await t.database.db('deposit_batch_items').where({ batch_id: made.id }).first();
    await expect(
      t.database.db('deposit_batch_items').insert({ ...item, batch_id: batchA.id }),
    ).rejects.toThrow();
    await expect(t.database.db('deposit_batches').update({ amount: 1 })).rejects.toThrow(/append-only/);
    await expect(t.database.db('deposit_matches').delete()).rejects.toThrow(/append-only/);
  });

  it('flags cash held past the agency’s deadline', async () => {
    // Collected Monday 23/11/2026 09:00 ICT; daily cadence with one working day: due by the end of Tuesday.
    const held = await collect(clerkB, 2);
    const before = await cashInCustody(t.database.db, 'demo', new Date('2026-11-24T16:59:59Z'));
    expect(before.find((c) => c.clerkKeyId === clerkB.id)).toMatchObject({
      amount: held,
      overdue: false,
      deadline: '2026-11-24T17:00:00.000Z',
    });
    const late = await cashInCustody(t.database.db, 'demo', new Date('2026-11-24T17:00:00Z'));
    expect(late.find((c) => c.clerkKeyId === clerkB.id)).toMatchObject({
      amount: held,
      overdue: true,
      overdueAmount: held,
      overdueCount: 1,
    });
    // Looking back: before the cash was taken, nobody held it.
    const earlier = await cashInCustody(t.database.db, 'demo', new Date('2026-11-23T01:59:59Z'));
    expect(earlier).toEqual([]);

    // A stricter agency (same day) flags it from midnight.
    await t.database.db('agencies').where({ id: 'demo' }).update({ cash_deposit_grace_days: 0 });
    const strict = await cashInCustody(t.database.db, 'demo', new Date('2026-11-23T17:00:00Z'));
    expect(strict.find((c) => c.clerkKeyId === clerkB.id)).toMatchObject({ overdue: true });
    await t.database.db('agencies').where({ id: 'demo' }).update({ cash_deposit_grace_days: 1 });
  });
});
