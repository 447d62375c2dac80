/**
 * Property: whatever sequence of bank callbacks (exact, short, over, mangled memos, re-deliveries,
 * no reference), cash at the counter, manual matches, unmatches and refund decisions hits a few
 * freshly opened receipts, the ledger's money invariants hold after every single operation:
 *  1. a receipt never takes more than its amount, and its API status is derived from what it took;
 *  2. a credit is never over-allocated (allocations in force + refund due ≤ its amount);
 *  3. a credit has at most one allocation in force, its generations 0..k-1 with all earlier reversed;
 *  4. every credit is allocated or waiting in the exception queue; re-deliveries create nothing;
 *  5. receipt numbers are 1..n without gap or repeat, and a paid receipt keeps its first number;
 *  6. money tables only grow.
 * Everything goes through the real app over HTTP; the database is only read.
 */
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPEND_ONLY_TABLES } from '../src/db/migrations/20261123000300_money_movements.js';
import { CASH_APPEND_ONLY_TABLES } from '../src/db/migrations/20261123000500_cash.js';
import { signGenericCallback } from '../src/shared/signing.js';
import { createTestApp, TEST_CALLBACK_SECRET, type TestApp } from './support/app.js';
import { TEST_NOW_UNIX } from './support/callbacks.js';
import { addKey, type Key } from './support/keys.js';

const ACCOUNT = '1023456789';
const MONEY_TABLES = [...APPEND_ONLY_TABLES, ...CASH_APPEND_ONLY_TABLES];

// ---------------------------------------------------------------------------------------------
// What the property generates
// ---------------------------------------------------------------------------------------------

/** How much a bank credit carries, relative to what the receipt owes when it arrives. */
type AmountSpec =
  | { kind: 'short'; fraction: number }
  | { kind: 'exact' }
  | { kind: 'over'; extra: number }
  | { kind: 'any'; amount: number };

/** How the bank mangled the reference in the memo. */
interface Mangle {
  lower: boolean;
  /** Positions (1..10) after which a separator is inserted, with the separator. */
  cuts: { at: number; sep: string }[];
  prefix: string;
  suffix: string;
}

type Op =
  | { kind: 'pay'; receipt: number; amount: AmountSpec; mangle: Mangle }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'noReference'; amount: number; trace: number }
  | { kind: 'cash'; receipt: number; what: 'full' | 'outstanding' }
  | { kind: 'unmatch'; pick: number }
  | { kind: 'match'; credit: number; receipt: number }
  | { kind: 'refund'; credit: number };

const amountSpec: fc.Arbitrary<AmountSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('short' as const),
    fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  }),
  fc.constant({ kind: 'exact' as const }),
  fc.record({ kind: fc.constant('over' as const), extra: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant('any' as const), amount: fc.integer({ min: 1, max: 12_000 }) }),
);

const mangle: fc.Arbitrary<Mangle> = fc.record({
  lower: fc.boolean(),
  cuts: fc.array(
    fc.record({ at: fc.integer({ min: 1, max: 10 }), sep: fc.constantFrom(' ', '-', '.', ' - ') }),
    { maxLength: 3 },
  ),
  prefix: fc.constantFrom('', 'MBVCB.123.', 'MBVCB.6998628625.', '884114.231126.093001.', 'CK ', 'IBFT '),
  suffix: fc.constantFrom('', ' nop phi chung thuc', '.CT tu 0071000 NGUYEN VAN AN', ' HS0001'),
});

const receiptIndex = fc.nat({ max: 2 });

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      receipt: receiptIndex,
      amount: amountSpec,
      mangle,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('noReference' as const),
      amount: fc.integer({ min: 1, max: 12_000 }),
      trace: fc.nat({ max: 99_999 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cash' as const),
      receipt: receiptIndex,
      what: fc.constantFrom('full' as const, 'outstanding' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unmatch' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('match' as const), credit: fc.nat(), receipt: receiptIndex }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), credit: fc.nat() }) },
);

const scenario = fc.record({
  pages: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  ops: fc.array(op, { minLength: 1, maxLength: 8 }),
});

function mangleReference(reference: string, m: Mangle): string {
  const cutsAt = new Map(m.cuts.map((c) => [c.at, c.sep]));
  let text = '';
  for (let i = 0; i < reference.length; i++) {
    text += reference[i];
    const sep = cutsAt.get(i + 1);
    if (sep !== undefined && i + 1 < reference.length) text += sep;
  }
  return `${m.prefix}${m.lower ? text.toLowerCase() : text}${m.suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------------------------

interface OpenedReceipt {
  id: string;
  amount: number;
  reference: string;
}

interface SentCallback {
  transactionId: string;
  body: string;
  creditId: string;
}

/** What one fast-check run has done so far. */
interface Run {
  receipts: OpenedReceipt[];
  sent: SentCallback[];
  creditIds: string[];
  /** The number each receipt was first given (printed form), once it has one. */
  firstNumber: Map<string, string>;
}

interface ReceiptView {
  status: string;
  amount: number;
  paidAmount: number;
  outstanding: number;
  receiptNumber: string | null;
}

interface ExceptionItem {
  id: string;
  open: number;
}

let t: TestApp;
let treasurer: Key;
let clerk: Key;
let txn = 0;
/** Distinct transaction ids the app accepted as new credits, over all runs. */
let acceptedCredits = 0;

const num = (v: unknown) => Number(v);

function postCallback(body: string) {
  return request(t.app)
    .post('/v1/callbacks/generic')
    .set('Content-Type', 'application/json')
    .set(
      'X-Thuphi-Signature',
      signGenericCallback({ body, secret: TEST_CALLBACK_SECRET, timestamp: TEST_NOW_UNIX }),
    )
    .send(body);
}

async function openReceipt(pages: number): Promise<OpenedReceipt> {
  const res = await request(t.app)
    .post('/v1/receipts')
    .set(t.auth)
    .send({
      dossierCode: `HS-PBT-${++txn}`,
      payer: { name: 'Nguyễn Văn An' },
      fee: {
        date: '2026-11-23',
        items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages, copies: 1 } }],
      },
    });
  expect(res.status).toBe(201);
  return res.body as OpenedReceipt;
}

async function readReceipt(id: string): Promise<ReceiptView> {
  const res = await request(t.app).get(`/v1/receipts/${id}`).set(t.auth);
  expect(res.status).toBe(200);
  return res.body as ReceiptView;
}

/** A brand-new credit: answered 200, not a duplicate; recorded in the run. */
async function sendNewCredit(run: Run, amount: number, memo: string) {
  const transactionId = `FT-PBT-${++txn}`;
  const body = JSON.stringify({
    transactionId,
    accountNumber: ACCOUNT,
    amount,
    memo,
    bookedAt: '2026-11-23T09:30:00+07:00',
  });
  const res = await postCallback(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.duplicate).toBe(false);
  expect(res.body.credits).toHaveLength(1);
  const credit = res.body.credits[0] as {
    creditId: string;
    duplicate: boolean;
    match: Record<string, unknown>;
  };
  expect(credit.duplicate).toBe(false);
  acceptedCredits++;
  run.sent.push({ transactionId, body, creditId: credit.creditId });
  run.creditIds.push(credit.creditId);
  return credit;
}

/** Allocations, reversals, refunds and cash as they stand, for the run's receipts and credits. */
async function ledgerOf(run: Run) {
  const db = t.database.db;
  const receiptIds = run.receipts.map((r) => r.id);
  const allocations = (
    await db('allocations')
      .where((q) => q.whereIn('receipt_id', receiptIds).orWhereIn('credit_id', run.creditIds))
      .select('id', 'credit_id', 'receipt_id', 'amount', 'generation')
  ).map((a) => ({ ...a, amount: num(a.amount), generation: num(a.generation) })) as {
    id: string;
    credit_id: string;
    receipt_id: string;
    amount: number;
    generation: number;
  }[];
  const reversed = new Set(
    (
      await db('allocation_reversals')
        .whereIn(
          'allocation_id',
          allocations.map((a) => a.id),
        )
        .select('allocation_id')
    ).map((r) => r.allocation_id as string),
  );
  const credits = (
    await db('bank_credits').whereIn('id', run.creditIds).select('id', 'amount', 'provider_txn_id')
  ).map((c) => ({ id: c.id as string, amount: num(c.amount), txn: c.provider_txn_id as string }));
  const refunds = await db('credit_resolutions')
    .whereIn('credit_id', run.creditIds)
    .select('credit_id', 'amount');
  const outcomes = await db('credit_match_outcomes').whereIn('credit_id', run.creditIds).select('credit_id');
  const cash = (
    await db('cash_payments').whereIn('receipt_id', receiptIds).select('receipt_id', 'amount')
  ).map((c) => ({ receipt_id: c.receipt_id as string, amount: num(c.amount) }));
  const active = allocations.filter((a) => !reversed.has(a.id));
  const paidOf = (receiptId: string) =>
    active.filter((a) => a.receipt_id === receiptId).reduce((s, a) => s + a.amount, 0) +
    cash.filter((c) => c.receipt_id === receiptId).reduce((s, c) => s + c.amount, 0);
  const creditPosition = (creditId: string) => {
    const credit = credits.find((c) => c.id === creditId)!;
    const mine = active.filter((a) => a.credit_id === creditId);
    const allocated = mine.reduce((s, a) => s + a.amount, 0);
    const refundDue = refunds.filter((r) => r.credit_id === creditId).reduce((s, r) => s + num(r.amount), 0);
    return {
      amount: credit.amount,
      allocated,
      refundDue,
      open: credit.amount - allocated - refundDue,
      active: mine,
    };
  };
  return { allocations, reversed, active, credits, refunds, outcomes, cash, paidOf, creditPosition };
}

async function moneyCounts(): Promise<Record<string, number>> {
  const sql = `select ${MONEY_TABLES.map((table) => `(select count(*) from ${table}) as ${table}`).join(', ')}`;
  const row = (await t.database.db.raw(sql)).rows[0] as Record<string, unknown>;
  return Object.fromEntries(MONEY_TABLES.map((table) => [table, num(row[table])]));
}

// ---------------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------------

async function checkInvariants(run: Run, where: string) {
  const ledger = await ledgerOf(run);

  // 1. A receipt takes at most its amount; the API's status is derived from what it took.
  for (const r of run.receipts) {
    const paid = ledger.paidOf(r.id);
    expect(paid, `${where}: receipt ${r.id} over-paid`).toBeLessThanOrEqual(r.amount);
    const view = await readReceipt(r.id);
    expect(view.paidAmount, `${where}: paidAmount of ${r.id}`).toBe(paid);
    expect(view.outstanding, `${where}: outstanding of ${r.id}`).toBe(r.amount - paid);
    expect(view.status, `${where}: status of ${r.id} (paid ${paid} of ${r.amount})`).toBe(
      paid === r.amount ? 'paid' : paid > 0 ? 'partially_paid' : 'open',
    );
    // 5b. Paid means numbered; a number, once given, never changes; a new number only comes with payment.
    if (view.status === 'paid')
      expect(view.receiptNumber, `${where}: paid ${r.id} unnumbered`).not.toBeNull();
    const first = run.firstNumber.get(r.id);
    if (first !== undefined) {
      expect(view.receiptNumber, `${where}: receipt ${r.id} renumbered`).toBe(first);
    } else if (view.receiptNumber !== null) {
      expect(view.status, `${where}: ${r.id} numbered without being paid`).toBe('paid');
      run.firstNumber.set(r.id, view.receiptNumber);
    }
  }

  // 2. + 3. Credits: positive integers, never over-allocated, one allocation in force per credit,
  // generations 0..k-1 with every earlier generation reversed.
  expect(ledger.credits.map((c) => c.id).sort()).toEqual([...run.creditIds].sort());
  for (const credit of ledger.credits) {
    expect(Number.isInteger(credit.amount) && credit.amount > 0, `${where}: credit amount`).toBe(true);
    const position = ledger.creditPosition(credit.id);
    expect(
      position.allocated + position.refundDue,
      `${where}: credit ${credit.id} over-allocated`,
    ).toBeLessThanOrEqual(credit.amount);
    expect(position.active.length, `${where}: credit ${credit.id} allocations in force`).toBeLessThanOrEqual(
      1,
    );
    const generations = ledger.allocations
      .filter((a) => a.credit_id === credit.id)
      .sort((a, b) => a.generation - b.generation);
    generations.forEach((a, i) => {
      expect(a.generation, `${where}: generations of ${credit.id}`).toBe(i);
      if (i < generations.length - 1)
        expect(ledger.reversed.has(a.id), `${where}: older generation alive`).toBe(true);
    });
  }
  for (const a of ledger.allocations) {
    expect(Number.isInteger(a.amount) && a.amount > 0, `${where}: allocation amount ${a.amount}`).toBe(true);
  }

  // 4. Nothing dropped: every credit has the ladder's outcome, and whatever of it is neither allocated
  // nor decided waits in the exception queue with exactly that amount; fully spoken-for ones do not.
  const res = await request(t.app).get('/v1/exceptions').set(treasurer.auth);
  expect(res.status).toBe(200);
  const queue = new Map((res.body.items as ExceptionItem[]).map((i) => [i.id, i]));
  expect(queue.size, 'the exception queue is read whole').toBeLessThan(200);
  for (const credit of ledger.credits) {
    expect(
      ledger.outcomes.some((o) => o.credit_id === credit.id),
      `${where}: credit ${credit.id} has no outcome`,
    ).toBe(true);
    const { open } = ledger.creditPosition(credit.id);
    if (open > 0) expect(queue.get(credit.id)?.open, `${where}: credit ${credit.id} not queued`).toBe(open);
    else expect(queue.has(credit.id), `${where}: spoken-for credit ${credit.id} queued`).toBe(false);
  }
  // Re-deliveries never make a second credit: one credit per accepted transaction id, all runs long.
  expect(num((await t.database.db('bank_credits').count({ n: '*' }))[0]!.n), `${where}: bank_credits`).toBe(
    acceptedCredits,
  );
  expect(new Set(ledger.credits.map((c) => c.txn)).size).toBe(ledger.credits.length);

  // 5a. Receipt numbers of the agency: 1..n in every series, no gap, no repeat.
  const numbers = await t.database
    .db('receipt_numbers')
    .where({ agency_id: 'demo' })
    .select('series', 'number');
  const bySeries = new Map<string, number[]>();
  for (const n of numbers) bySeries.set(n.series, [...(bySeries.get(n.series) ?? []), num(n.number)]);
  for (const [series, list] of bySeries) {
    expect(
      list.sort((a, b) => a - b),
      `${where}: series ${series}`,
    ).toEqual(list.map((_, i) => i + 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Interpreting one operation, with what the app must answer
// ---------------------------------------------------------------------------------------------

async function apply(run: Run, o: Op): Promise<void> {
  switch (o.kind) {
    case 'pay': {
      const r = run.receipts[o.receipt % run.receipts.length]!;
      const before = await readReceipt(r.id);
      const due = r.amount - before.paidAmount;
      const base = due > 0 ? due : r.amount;
      const amount =
        o.amount.kind === 'short'
          ? Math.max(1, Math.min(base - 1, Math.floor(base * o.amount.fraction)))
          : o.amount.kind === 'exact'
            ? base
            : o.amount.kind === 'over'
              ? base + o.amount.extra
              : o.amount.amount;
      const credit = await sendNewCredit(run, amount, mangleReference(r.reference, o.mangle));
      if (due <= 0) {
        expect(credit.match).toMatchObject({ matched: false, reason: 'already_paid', receiptId: r.id });
      } else {
        const allocated = Math.min(amount, due);
        expect(credit.match).toMatchObject({
          matched: true,
          kind: 'receipt',
          receiptId: r.id,
          allocated,
          unallocated: amount - allocated,
          receiptStatus: allocated === due ? 'paid' : 'partially_paid',
        });
      }
      return;
    }
    case 'redeliver': {
      if (run.sent.length === 0) return;
      const earlier = run.sent[o.pick % run.sent.length]!;
      const counts = await moneyCounts();
      const res = await postCallback(earlier.body);
      expect(res.status).toBe(200);
      expect(res.body.duplicate).toBe(true);
      expect(res.body.credits).toEqual([
        { providerTxnId: earlier.transactionId, creditId: earlier.creditId, duplicate: true },
      ]);
      const after = await moneyCounts();
      for (const table of ['bank_credits', 'allocations', 'credit_match_outcomes', 'receipt_numbers']) {
        expect(after[table], `re-delivery wrote to ${table}`).toBe(counts[table]);
      }
      return;
    }
    case 'noReference': {
      const credit = await sendNewCredit(run, o.amount, `CK nop phi ho so ${o.trace}`);
      expect(credit.match).toEqual({ matched: false, reason: 'no_reference_in_memo' });
      return;
    }
    case 'cash': {
      const r = run.receipts[o.receipt % run.receipts.length]!;
      const before = await readReceipt(r.id);
      const due = r.amount - before.paidAmount;
      const amount = o.what === 'full' ? r.amount : due > 0 ? due : r.amount;
      const hadCash =
        (await t.database.db('cash_payments').where({ receipt_id: r.id }).first('id')) !== undefined;
      const res = await request(t.app)
        .post(`/v1/receipts/${r.id}/cash-payments`)
        .set(clerk.auth)
        .send({
          amount,
          payer: { name: 'Nguyễn Văn An' },
          idDocument: { type: 'cccd', number: '001234567890' },
        });
      // Exactly the outstanding amount, once per receipt; a paid receipt takes no cash.
      const expected = due <= 0 ? 409 : amount !== due ? 422 : hadCash ? 409 : 201;
      expect(res.status, JSON.stringify(res.body)).toBe(expected);
      return;
    }
    case 'unmatch': {
      const { allocations, reversed } = await ledgerOf(run);
      if (allocations.length === 0) return;
      const allocation = allocations[o.pick % allocations.length]!;
      const res = await request(t.app)
        .post(`/v1/allocations/${allocation.id}/reverse`)
        .set(treasurer.auth)
        .send({ reason: 'nhầm hồ sơ, trả lại hàng chờ' });
      expect(res.status, JSON.stringify(res.body)).toBe(reversed.has(allocation.id) ? 409 : 201);
      return;
    }
    case 'match': {
      if (run.creditIds.length === 0) return;
      const ledger = await ledgerOf(run);
      // Half the time a credit a person would actually pick (waiting, unallocated), else any credit.
      const waiting = run.creditIds.filter((id) => {
        const p = ledger.creditPosition(id);
        return p.open > 0 && p.active.length === 0;
      });
      const pool = o.credit % 2 === 0 && waiting.length > 0 ? waiting : run.creditIds;
      const creditId = pool[Math.floor(o.credit / 2) % pool.length]!;
      const r = run.receipts[o.receipt % run.receipts.length]!;
      const position = ledger.creditPosition(creditId);
      const due = r.amount - ledger.paidOf(r.id);
      const res = await request(t.app)
        .post(`/v1/credits/${creditId}/match`)
        .set(treasurer.auth)
        .send({ receiptId: r.id, reason: 'người nộp ghi sai nội dung' });
      if (position.active.length > 0 || position.open <= 0 || due <= 0) {
        expect(res.status, JSON.stringify(res.body)).toBe(409);
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        const allocated = Math.min(position.open, due);
        expect(res.body).toMatchObject({ matched: true, receiptId: r.id, allocated });
      }
      return;
    }
    case 'refund': {
      if (run.creditIds.length === 0) return;
      const creditId = run.creditIds[o.credit % run.creditIds.length]!;
      const { open } = (await ledgerOf(run)).creditPosition(creditId);
      const res = await request(t.app)
        .post(`/v1/credits/${creditId}/refund-due`)
        .set(treasurer.auth)
        .send({ reason: 'hoàn trả người nộp' });
      expect(res.status, JSON.stringify(res.body)).toBe(open > 0 ? 201 : 409);
      if (open > 0) expect(res.body.amount).toBe(open);
      return;
    }
  }
}

async function runScenario(s: { pages: number[]; ops: Op[] }) {
  const run: Run = { receipts: [], sent: [], creditIds: [], firstNumber: new Map() };
  for (const pages of s.pages) run.receipts.push(await openReceipt(pages));
  await checkInvariants(run, 'opened');
  for (const [i, o] of s.ops.entries()) {
    const before = await moneyCounts();
    await apply(run, o);
    const after = await moneyCounts();
    // 6. Append-only: no money table ever shrinks.
    for (const table of MONEY_TABLES) {
      expect(after[table], `op ${i} (${o.kind}) shrank ${table}`).toBeGreaterThanOrEqual(before[table]!);
    }
    await checkInvariants(run, `after op ${i} (${o.kind})`);
  }
  // Close the run as a treasurer closes a day: whatever still waits is marked for refund, so the
  // queue stays small for the runs that follow; then nothing of this run may be left in it.
  const ledger = await ledgerOf(run);
  for (const creditId of run.creditIds) {
    if (ledger.creditPosition(creditId).open > 0) {
      const res = await request(t.app)
        .post(`/v1/credits/${creditId}/refund-due`)
        .set(treasurer.auth)
        .send({ reason: 'cuối ngày: hoàn trả' });
      expect(res.status).toBe(201);
    }
  }
  await checkInvariants(run, 'closed');
}

describe('money invariants under random operation sequences', () => {
  beforeAll(async () => {
    t = await createTestApp();
    treasurer = await addKey(t, 'treasurer', 'pbt_treasurer');
    clerk = await addKey(t, 'clerk', 'pbt_clerk');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('hold after every callback, re-delivery, cash payment, match, unmatch and refund', async () => {
    await fc.assert(fc.asyncProperty(scenario, runScenario), { numRuns: 25 });
  }, 180_000);
});
