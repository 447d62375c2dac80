/**
 * Hostile amounts wherever money enters: bank callbacks of every provider, cash at the counter,
 * statement lines and fee quantities. Negative, zero, fractional, above 10^13 đ, or written as a
 * string with separators: refused with the field named (or, for a provider's genuine debit or zero
 * line, acknowledged as ignored), and no money row moves.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/callbacks/providers/types.js';
import {
  addKey,
  configureDemoProviders,
  copyFee,
  createTestApp,
  DEMO_PROVIDER_SECRETS,
  expectCallbackRejected,
  expectOnlyRawCallbackStored,
  expectRefused,
  genericCredit,
  type Key,
  type OpenedReceipt,
  openReceipt,
  postCallback,
  providerBodies,
  sign,
  snapshot,
  TEST_CALLBACK_SECRET,
  type TestApp,
} from './support.js';

const TEN_TO_13 = 10_000_000_000_000;

/** Amounts no transfer can have, as JSON values (strings kept as strings). */
const INVALID_AMOUNTS: [string, unknown][] = [
  ['fractional', 7000.5],
  ['tiny fraction', 0.01],
  ['above 10^13', TEN_TO_13 + 1],
  ['far above 10^13', 1e21],
  ['unsafe integer', 2 ** 53 + 2],
  ['string with dot separators', '7.000'],
  ['string with comma separators', '7,000'],
  ['string with a currency', '7000 VND'],
  ['plain digits as a string', '7000'],
  ['boolean', true],
  ['null', null],
  ['object', { value: 7000 }],
];

describe('hostile amounts', () => {
  let t: TestApp;
  let clerk: Key;
  let treasurer: Key;
  let receipt: OpenedReceipt;

  beforeAll(async () => {
    t = await createTestApp();
    clerk = await addKey(t, 'clerk', 'clerk');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    await configureDemoProviders(t);
    receipt = await openReceipt(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('in a generic callback', () => {
    for (const [label, amount] of [['negative', -7000], ['zero', 0], ...INVALID_AMOUNTS] as [
      string,
      unknown,
    ][]) {
      it(`refuses an amount that is ${label} (400 at "amount"), keeping only the raw callback`, async () => {
        const raw = JSON.stringify(genericCredit({ amount, memo: `${receipt.reference} nop phi` }));
        const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
          400,
          'validation_failed',
          { agencyId: 'demo', provider: 'generic', body: raw },
        );
        expect(problem.errors).toEqual([{ path: 'amount', message: expect.any(String) }]);
      });
    }

    it('accepts exactly 10^13 đ (the boundary is not off by one) as an unmatched credit', async () => {
      const raw = JSON.stringify(genericCredit({ amount: TEN_TO_13, memo: 'khong co ma' }));
      const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
      const res = await postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers);
      expect(res.status).toBe(200);
      const credit = await t.database.db('bank_credits').where({ id: res.body.credits[0].creditId }).first();
      expect(Number(credit.amount)).toBe(TEN_TO_13);
    });
  });

  describe('in provider callbacks', () => {
    const bodies: Record<Exclude<ProviderName, 'generic'>, (amount: unknown) => unknown> = {
      sepay: (amount) => providerBodies.sepay({ transferAmount: amount }),
      payos: (amount) => providerBodies.payos({ amount }),
      casso: (amount) => providerBodies.casso({ amount }),
    };
    const field = { sepay: 'transferAmount', payos: 'data.amount', casso: 'data.amount' };

    for (const provider of ['sepay', 'payos', 'casso'] as const) {
      it(`${provider}: refuses fractional, oversized and string amounts naming ${field[provider]}`, async () => {
        for (const [, amount] of INVALID_AMOUNTS) {
          const signed = sign(t, provider, bodies[provider](amount), DEMO_PROVIDER_SECRETS[provider]);
          const problem = await expectCallbackRejected(
            t,
            () => postCallback(t, `/v1/callbacks/${provider}/demo`, signed.rawBody, signed.headers),
            400,
            'validation_failed',
            { agencyId: 'demo', provider, body: signed.rawBody },
          );
          expect(problem.errors).toEqual([{ path: field[provider], message: expect.any(String) }]);
        }
      });
    }

    it('sepay: refuses a negative transferAmount (direction is transferType, never the sign)', async () => {
      const signed = sign(t, 'sepay', bodies.sepay(-7000), DEMO_PROVIDER_SECRETS.sepay);
      const problem = await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/sepay/demo', signed.rawBody, signed.headers),
        400,
        'validation_failed',
        { agencyId: 'demo', provider: 'sepay' },
      );
      expect(problem.errors?.[0]?.path).toBe('transferAmount');
    });

    // A genuine zero or outgoing line is not an error for the provider (it would retry forever):
    // it is acknowledged as ignored, and still no credit is made.
    for (const [provider, amount, reason] of [
      ['sepay', 0, 'zero_amount'],
      ['payos', 0, 'not_money_in'],
      ['payos', -7000, 'not_money_in'],
      ['casso', 0, 'zero_amount'],
      ['casso', -7000, 'outgoing_transfer'],
    ] as const) {
      it(`${provider}: acknowledges an amount of ${amount} as ignored (${reason}) and records no credit`, async () => {
        const signed = sign(t, provider, bodies[provider](amount), DEMO_PROVIDER_SECRETS[provider]);
        const before = await snapshot(t.database.db);
        const res = await postCallback(t, `/v1/callbacks/${provider}/demo`, signed.rawBody, signed.headers);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ received: true, credits: [], ignored: [{ reason }] });
        await expectOnlyRawCallbackStored(t.database.db, before, await snapshot(t.database.db), {
          agencyId: 'demo',
          provider,
          outcome: 'ignored',
        });
      });
    }
  });

  describe('in cash at the counter', () => {
    const pay = (amount: unknown) =>
      request(t.app)
        .post(`/v1/receipts/${receipt.id}/cash-payments`)
        .set(clerk.auth)
        .send({
          amount,
          payer: { name: 'Nguyễn Văn An' },
          idDocument: { type: 'cccd', number: '001234567890' },
        });

    it('refuses negative, zero, fractional, unsafe and string amounts naming "amount"', async () => {
      // A whole number above 10^13 is an amount the receipt does not owe: the next case.
      const invalid = INVALID_AMOUNTS.filter(([label]) => label !== 'above 10^13');
      for (const [, amount] of [['negative', -7000], ['zero', 0], ...invalid]) {
        const problem = await expectRefused(t, () => pay(amount), 400, 'validation_failed');
        expect(problem.errors).toEqual([{ path: 'amount', message: expect.any(String) }]);
      }
    });

    it('refuses a whole amount that is not what the receipt owes, saying what it owes', async () => {
      for (const amount of [receipt.amount - 1, receipt.amount + 1, TEN_TO_13, TEN_TO_13 + 1]) {
        const problem = await expectRefused(t, () => pay(amount), 422, 'cash_amount_mismatch');
        expect(problem).toMatchObject({ expectedAmount: receipt.amount });
      }
    });
  });

  describe('in fee quantities (the amount is assessed, never sent)', () => {
    const open = (quantities: Record<string, unknown>) =>
      request(t.app)
        .post('/v1/receipts')
        .set(t.auth)
        .send({
          dossierCode: 'HS-QTY',
          payer: { name: 'A' },
          fee: { ...copyFee(), items: [{ procedure: 'chung-thuc-ban-sao', quantities }] },
        });

    it('refuses negative, zero-copy and string quantities naming the field', async () => {
      for (const [quantities, status, code, path] of [
        [{ pages: -5, copies: 1 }, 422, 'fee_assessment_failed', 'fee.items[0].quantities.pages'],
        [{ pages: 5, copies: -1 }, 422, 'fee_assessment_failed', 'fee.items[0].quantities.copies'],
        [{ pages: '5', copies: 1 }, 400, 'validation_failed', 'fee.items[0].quantities.pages'],
        [{ pages: '1.000', copies: 1 }, 400, 'validation_failed', 'fee.items[0].quantities.pages'],
      ] as const) {
        const problem = await expectRefused(t, () => open(quantities), status, code);
        expect(problem.errors?.[0]?.path).toBe(path);
      }
    });

    it('refuses quantities whose fee would exceed what a VietQR can carry (10^13 đ)', async () => {
      // 7.000 đ a copy of 5 pages: 10^12 copies is 7·10^15 đ (a copy's fee is capped, the copies are not).
      for (const copies of [1_428_571_429, 1e12]) {
        const problem = await expectRefused(
          t,
          () => open({ pages: 5, copies }),
          422,
          'fee_assessment_failed',
        );
        expect(problem.errors).toEqual([
          { path: 'fee.items', message: expect.stringContaining('9.999.999.999.999') },
        ]);
      }
      // Past 2^53 đ the assessment itself refuses (fee-core checks every product is a safe integer).
      const unsafe = await expectRefused(
        t,
        () => open({ pages: 5, copies: 2 ** 53 - 1 }),
        422,
        'fee_assessment_failed',
      );
      expect(unsafe.errors).toEqual([{ path: 'fee', message: expect.stringContaining('safe integer') }]);
    });

    it('still opens a receipt just under the VietQR limit', async () => {
      // 1.428.571.428 copies × 7.000 đ = 9.999.999.996.000 đ: 13 digits.
      const res = await open({ pages: 5, copies: 1_428_571_428 });
      expect(res.status).toBe(201);
      expect(res.body.amount).toBe(9_999_999_996_000);
    });
  });

  describe('in statement lines', () => {
    const upload = (csv: string) =>
      request(t.app).post('/v1/statements').set(treasurer.auth).set('Content-Type', 'text/csv').send(csv);
    const file = (amount: string) =>
      `date,credit,debit,memo,reference\n23/11/2026 09:00:00,${amount},,${receipt.reference} nop phi,FT26327990001\n`;

    for (const [label, amount, reason] of [
      ['negative', '-7000', /not an amount/],
      ['fractional', '"7000,50"', /not a whole number of đồng/],
      ['fractional with a dot', '7000.5', /not an amount|not a whole number/],
      ['above 10^13', '10000000000001', /larger than any transfer/],
      ['letters', 'bảy nghìn', /not an amount/],
      ['ambiguous "7.000" with no other evidence', '7.000', /ambiguous/],
    ] as const) {
      it(`refuses a file whose only line has an amount that is ${label} (422, the line named)`, async () => {
        const problem = await expectRefused(t, () => upload(file(amount)), 422, 'statement_unreadable');
        expect(problem.errors).toEqual([{ path: 'line 2', message: expect.stringMatching(reason) }]);
      });
    }

    it('refuses a zero credit line', async () => {
      const problem = await expectRefused(t, () => upload(file('0')), 422, 'statement_unreadable');
      expect(problem.errors?.[0]?.path).toBe('line 2');
    });
  });
});
