/**
 * Hostile text where people and banks write free text: transfer memos in callbacks and statement
 * lines, dossier codes and payer names, reasons. SQL, HTML and emoji are data: stored byte for byte
 * (parameterised queries), matched by the reference they carry, never executed. Characters that
 * cannot be stored (NUL) or have no place in a name (control characters) get a clear 400 that
 * changes nothing (a callback keeps only its raw bytes).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  openReceipt,
  postCallback,
  providerBodies,
  sign,
  snapshot,
  TEST_CALLBACK_SECRET,
  type TestApp,
  tableNames,
} from './support.js';

/** Text that must survive storage unchanged and never act. */
const HOSTILE_TEXT: [string, string][] = [
  ['SQL injection', "'; DROP TABLE receipts; --"],
  ['SQL tautology', "x' OR '1'='1"],
  ['SQL comment and quotes', 'a"b\'c`d\\e /* */ -- ;'],
  ['HTML script', '<script>alert(1)</script>'],
  ['HTML attribute breakout', '"><img src=x onerror=alert(1)>'],
  ['emoji', 'nộp phí 💸🇻🇳👨‍👩‍👧'],
  ['right-to-left override', 'nop phi \u202egnp.exe'],
  ['zero-width characters', 'nop\u200b phi\u2060'],
  ['tab and line breaks', 'nop\tphi\r\ndong 2'],
  ['escape sequences', 'nop phi \u001b[31mDO\u001b[0m \u0007'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the hostile text here.
  ['percent and format strings', '%s %d %n ${7*7} {{7*7}}'],
];

describe('hostile memos and text', () => {
  let t: TestApp;
  let clerk: Key;
  let treasurer: Key;

  beforeAll(async () => {
    t = await createTestApp();
    clerk = await addKey(t, 'clerk', 'clerk');
    treasurer = await addKey(t, 'treasurer', 'treasurer');
    await configureDemoProviders(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const tablesIntact = async () => {
    expect(await tableNames(t.database.db)).toEqual(
      expect.arrayContaining(['receipts', 'bank_credits', 'allocations']),
    );
  };

  describe('in callback memos', () => {
    for (const [label, text] of HOSTILE_TEXT) {
      it(`stores a memo with ${label} verbatim and still matches the reference in it`, async () => {
        const receipt = await openReceipt(t);
        const memo = `${receipt.reference} ${text}`;
        const signed = sign(
          t,
          'generic',
          genericCredit({ memo, amount: receipt.amount }),
          TEST_CALLBACK_SECRET,
        );
        const res = await postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers);
        expect(res.status).toBe(200);
        expect(res.body.credits[0].match).toMatchObject({ matched: true, receiptId: receipt.id });
        const credit = await t.database
          .db('bank_credits')
          .where({ id: res.body.credits[0].creditId })
          .first('memo');
        expect(credit.memo).toBe(memo);
        await tablesIntact();
      });
    }

    it('stores hostile memos from every provider verbatim (unmatched, in the exception queue)', async () => {
      const memo = "<script>alert(1)</script> '; DROP TABLE bank_credits; -- 💸";
      for (const [provider, body] of [
        ['sepay', providerBodies.sepay({ content: memo })],
        ['payos', providerBodies.payos({ description: memo })],
        ['casso', providerBodies.casso({ description: memo })],
      ] as const) {
        const signed = sign(t, provider, body, DEMO_PROVIDER_SECRETS[provider]);
        const res = await postCallback(t, `/v1/callbacks/${provider}/demo`, signed.rawBody, signed.headers);
        expect(res.status, provider).toBe(200);
        const credit = await t.database
          .db('bank_credits')
          .where({ id: res.body.credits[0].creditId })
          .first('memo');
        expect(credit.memo).toBe(memo);
      }
      const queue = await request(t.app).get('/v1/exceptions').set(treasurer.auth);
      expect(queue.status).toBe(200);
      expect(queue.body.items.filter((i: { memo: string }) => i.memo === memo)).toHaveLength(3);
      await tablesIntact();
    });

    it('refuses a NUL character (PostgreSQL text cannot store it) with 400 naming the field, not a 500', async () => {
      for (const [field, raw] of [
        ['memo', JSON.stringify(genericCredit({ memo: 'nop phi\u0000' }))],
        ['transactionId', JSON.stringify(genericCredit({ transactionId: 'FT\u0000001' }))],
        ['bankReference', JSON.stringify(genericCredit({ bankReference: 'FT\u0000' }))],
      ] as const) {
        const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
          400,
          'validation_failed',
          { agencyId: 'demo', provider: 'generic', body: raw },
        );
        expect(problem.errors).toEqual([{ path: field, message: expect.stringContaining('NUL') }]);
      }
    });

    it('refuses NUL in a SePay, payOS and Casso memo the same way', async () => {
      for (const [provider, body, field] of [
        ['sepay', providerBodies.sepay({ content: 'nop\u0000phi' }), 'content'],
        ['payos', providerBodies.payos({ description: 'nop\u0000phi' }), 'data.description'],
        ['casso', providerBodies.casso({ description: 'nop\u0000phi' }), 'data.description'],
      ] as const) {
        const signed = sign(t, provider, body, DEMO_PROVIDER_SECRETS[provider]);
        const problem = await expectCallbackRejected(
          t,
          () => postCallback(t, `/v1/callbacks/${provider}/demo`, signed.rawBody, signed.headers),
          400,
          'validation_failed',
          { agencyId: 'demo', provider, body: signed.rawBody },
        );
        expect(problem.errors).toEqual([{ path: field, message: expect.stringContaining('NUL') }]);
      }
    });

    it('keeps an escaped backslash before "u0000" as text (not a NUL)', async () => {
      const memo = 'C:\\u0000 nop phi';
      const signed = sign(t, 'generic', genericCredit({ memo }), TEST_CALLBACK_SECRET);
      const res = await postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers);
      expect(res.status).toBe(200);
      const credit = await t.database
        .db('bank_credits')
        .where({ id: res.body.credits[0].creditId })
        .first('memo');
      expect(credit.memo).toBe(memo);
    });

    it('refuses a memo over 1 000 characters', async () => {
      const raw = JSON.stringify(genericCredit({ memo: 'x'.repeat(1001) }));
      const signed = sign(t, 'generic', raw, TEST_CALLBACK_SECRET);
      const problem = await expectCallbackRejected(
        t,
        () => postCallback(t, '/v1/callbacks/generic', signed.rawBody, signed.headers),
        400,
        'validation_failed',
        { agencyId: 'demo', provider: 'generic' },
      );
      expect(problem.errors).toEqual([{ path: 'memo', message: expect.any(String) }]);
    });

    it('stores a raw callback body with invalid UTF-8 and a NUL byte (as U+FFFD) and answers 401, not a 500', async () => {
      const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
      const header = `t=${Math.floor(t.clock.now().getTime() / 1000)},v1=${'ab'.repeat(32)}`;
      const before = await snapshot(t.database.db);
      // (Sent as octet-stream: supertest would serialise a Buffer under a JSON content type.)
      const res = await postCallback(t, '/v1/callbacks/generic', raw, {
        'content-type': 'application/octet-stream',
        'X-Thuphi-Signature': header,
      });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'invalid_signature' });
      const after = await snapshot(t.database.db);
      await expectOnlyRawCallbackStored(t.database.db, before, after, {
        agencyId: 'demo',
        provider: 'generic',
        outcome: 'rejected:invalid_signature',
        // What text can hold of it: invalid UTF-8 and NUL as U+FFFD.
        body: '{\ufffd\ufffd\ufffd}',
      });
    });
  });

  describe('in statement memos', () => {
    const upload = (csv: string | Buffer) =>
      request(t.app).post('/v1/statements').set(treasurer.auth).set('Content-Type', 'text/csv').send(csv);
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

    it('imports hostile memos verbatim (line breaks inside a cell become one space)', async () => {
      const rows = HOSTILE_TEXT.map(
        ([, text], i) =>
          `23/11/2026 10:${String(i).padStart(2, '0')}:00,${1000 + i},,${quote(text)},FT2632780${String(i).padStart(4, '0')}`,
      );
      const res = await upload(`date,credit,debit,memo,reference\n${rows.join('\n')}\n`);
      expect(res.status).toBe(201);
      expect(res.body.counts).toMatchObject({
        rows: HOSTILE_TEXT.length,
        new: HOSTILE_TEXT.length,
        rejected: 0,
      });
      for (const [i, [, text]] of HOSTILE_TEXT.entries()) {
        const expected = text.replace(/\s+/g, ' ').trim();
        const credit = await t.database
          .db('bank_credits')
          .where({ id: res.body.lines[i].creditId })
          .first('memo');
        expect(credit.memo).toBe(expected);
      }
      await tablesIntact();
    });

    it('refuses a statement whose memo holds a NUL byte with 422, changing nothing', async () => {
      const file = Buffer.from(
        'date,credit,debit,memo,reference\n23/11/2026 11:00:00,5000,,nop\u0000phi,FT26327800999\n',
        'utf8',
      );
      const problem = await expectRefused(t, () => upload(file), 422, 'statement_unreadable');
      expect(problem.detail).toMatch(/NUL/);
    });
  });

  describe('in receipts, cash payments and reasons', () => {
    it('stores SQL, HTML and emoji in dossier codes and payer names verbatim', async () => {
      for (const [label, text] of HOSTILE_TEXT.filter(([, s]) => !/\p{Cc}/u.test(s))) {
        const res = await request(t.app)
          .post('/v1/receipts')
          .set(t.auth)
          .send({ dossierCode: text.slice(0, 64), payer: { name: text }, fee: copyFee() });
        expect(res.status, label).toBe(201);
        const row = await t.database
          .db('receipts')
          .where({ id: res.body.id })
          .first('dossier_code', 'payer_name');
        expect(row, label).toEqual({ dossier_code: text.slice(0, 64).trim(), payer_name: text.trim() });
      }
      await tablesIntact();
    });

    it('refuses control characters and NUL in dossier codes and payer names (400, the field named)', async () => {
      // (A NUL is refused earlier, for any JSON field: see "refuses NUL anywhere" below.)
      for (const bad of ['HS\u0007-1', 'HS\u001b[31m-1', 'HS-1\r\nX-Injected: 1', 'HS\u007f1']) {
        const problem = await expectRefused(
          t,
          () =>
            request(t.app)
              .post('/v1/receipts')
              .set(t.auth)
              .send({ dossierCode: bad, payer: { name: bad }, fee: copyFee() }),
          400,
          'validation_failed',
        );
        expect(problem.errors?.map((e) => e.path)).toEqual(['dossierCode', 'payer.name']);
      }
    });

    it('refuses control characters in a cash payer and clerk name', async () => {
      const receipt = await openReceipt(t);
      const problem = await expectRefused(
        t,
        () =>
          request(t.app)
            .post(`/v1/receipts/${receipt.id}/cash-payments`)
            .set(clerk.auth)
            .send({
              amount: receipt.amount,
              payer: { name: 'An\u0007' },
              idDocument: { type: 'cccd', number: '001234567890' },
              clerkName: 'Thu\u001bngân',
            }),
        400,
        'validation_failed',
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(['payer.name', 'clerkName']);
    });

    it('refuses an ID document number carrying SQL or HTML without echoing it', async () => {
      const receipt = await openReceipt(t);
      const number = "0012'; DROP TABLE cash_payments; --";
      const problem = await expectRefused(
        t,
        () =>
          request(t.app)
            .post(`/v1/receipts/${receipt.id}/cash-payments`)
            .set(clerk.auth)
            .send({ amount: receipt.amount, payer: { name: 'An' }, idDocument: { type: 'cccd', number } }),
        400,
        'validation_failed',
      );
      expect(problem.errors).toEqual([
        { path: 'idDocument.number', message: 'a căn cước number has 12 digits' },
      ]);
      expect(JSON.stringify(problem)).not.toContain('DROP TABLE');
    });

    it('refuses NUL anywhere in a JSON body or URL (400, the place named), not a 500', async () => {
      const receipt = await openReceipt(t);
      for (const [method, path, auth, body, where] of [
        ['post', '/v1/deposits', treasurer.auth, { clerkKeyId: 'clerk\u0000' }, 'clerkKeyId'],
        ['post', '/v1/agency/keys', t.auth, { role: 'clerk', label: 'quầy\u00002' }, 'label'],
        [
          'post',
          `/v1/credits/${receipt.id}/match`,
          treasurer.auth,
          { receiptId: receipt.id, reason: 'vì\u0000' },
          'reason',
        ],
        [
          'post',
          '/v1/receipts',
          t.auth,
          { dossierCode: 'HS-1', payer: { name: 'A', 'x\u0000': 1 }, fee: copyFee() },
          'payer.x\u0000',
        ],
        ['post', '/v1/statements?filename=a%00.csv', treasurer.auth, undefined, 'url'],
        ['post', '/v1/callbacks/generic/de%00mo', {}, {}, 'url'],
        ['get', `/v1/receipts/${receipt.id}%00`, t.auth, undefined, 'url'],
      ] as const) {
        const problem = await expectRefused(
          t,
          () => {
            const req = method === 'get' ? request(t.app).get(path) : request(t.app).post(path);
            return body === undefined ? req.set(auth) : req.set(auth).send(body);
          },
          400,
          'validation_failed',
        );
        expect(problem.errors, path).toEqual([{ path: where, message: expect.stringContaining('NUL') }]);
      }
    });

    it('refuses a void reason with a NUL character (400, not a 500)', async () => {
      const receipt = await openReceipt(t);
      const problem = await expectRefused(
        t,
        () =>
          request(t.app)
            .post(`/v1/receipts/${receipt.id}/void`)
            .set(clerk.auth)
            .send({ reason: 'mở nhầm\u0000 phiếu' }),
        400,
        'validation_failed',
      );
      expect(problem.errors).toEqual([{ path: 'reason', message: expect.any(String) }]);
    });

    it('stores a void reason with SQL and HTML verbatim', async () => {
      const receipt = await openReceipt(t);
      const reason = "<b>mở nhầm</b>'; DROP TABLE receipt_voids; --";
      const res = await request(t.app)
        .post(`/v1/receipts/${receipt.id}/void`)
        .set(clerk.auth)
        .send({ reason });
      expect(res.status).toBe(201);
      const row = await t.database.db('receipt_voids').where({ receipt_id: receipt.id }).first('reason');
      expect(row.reason).toBe(reason);
      await tablesIntact();
    });
  });
});
