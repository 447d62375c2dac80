/**
 * Issue 11 through the real app (PGlite and PostgreSQL): each agency priced on its own unit of the 2025 map; a
 * procedure with no rate answers 422 naming who must set it, unless the law exempts the applicant; the example
 * province only for the demo agency; rates changed by upload (validate, preview, apply) without touching an opened
 * receipt; unit changes as dated records.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAgency } from '../src/agencies/agencies.js';
import { createAgency } from '../src/agencies/onboarding.js';
import { createApp } from '../src/http/app.js';
import { fixedClock } from '../src/shared/clock.js';
import { TEST_API_KEY } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

const OPERATOR_KEY = 'op_fees_operator_key_0123456789abcdef';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const LAI_CHAU_AGENCY = {
  id: 'phuong-doan-ket',
  name: 'UBND phường Đoàn Kết',
  collectionAccount: { bankBin: '970415', accountNumber: '5566778899', accountName: 'UBND PHUONG DOAN KET' },
  unit: { province: 'lai-chau', commune: '03388' },
};

// A Lai Châu province layer as an admin would upload it (amounts made up for the test, not law).
const provinceFile = (amount: number, from = '2026-12-05') => `
id: lai-chau-ho-tich
name: Lệ phí hộ tịch tỉnh Lai Châu (tệp thử)
level: province
jurisdiction: Tỉnh Lai Châu
territory: { province: lai-chau }
fees:
  - id: dang-ky-khai-sinh-qua-han
    name: Lệ phí đăng ký khai sinh quá hạn
    kind: le-phi
    setBy: province-council
    collectingLevel: [{ from: 2025-07-01, to: null, levels: [commune], collector: UBND cấp xã }]
    basis: { document: Nghị quyết thử/NQ-HĐND tỉnh Lai Châu, issuer: HĐND tỉnh Lai Châu }
    values:
      - { from: ${from}, to: null, formula: { type: flat, amount: ${amount} } }
`;

describe('fees per agency (issue 11)', () => {
  let database: TestDatabase;
  let app: Express;
  const clock = fixedClock('2026-12-04T03:00:00Z'); // 10:00 in Asia/Ho_Chi_Minh
  let admin: string;

  const assessAs = (key: string, body: object) =>
    request(app).post('/v1/assessments').set(bearer(key)).send(body);
  const khaiSinhQuaHan = (date: string, categories: string[] = []) => ({
    date,
    applicant: { categories },
    items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }],
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoAgency(database.db, clock, { apiKey: TEST_API_KEY });
    app = createApp({ db: database.db, clock, config: { operatorKey: OPERATOR_KEY } });
    const created = await request(app).post('/v1/agencies').set(bearer(OPERATOR_KEY)).send(LAI_CHAU_AGENCY);
    expect(created.status).toBe(201);
    admin = created.body.apiKey;
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe('an agency sits on the 2025 map', () => {
    it('is created with its unit, and shows it', async () => {
      const res = await request(app).get('/v1/agency').set(bearer(admin));
      expect(res.status).toBe(200);
      expect(res.body.units).toEqual([
        expect.objectContaining({
          unit: {
            province: { code: '12', name: 'Lai Châu' },
            commune: { code: '03388', name: 'Phường Đoàn Kết' },
            formerProvince: { code: '12', name: 'Lai Châu', slug: 'lai-chau' },
            example: false,
          },
          recordedBy: 'operator',
        }),
      ]);
      expect(res.body.notice).toBeNull();
    });

    it.each([
      [{ province: 'tinh-mau' }, 'unit.province'],
      [{ province: 'ha-tay' }, 'unit.province'],
      [{ province: 'lai-chau', commune: '04465' }, 'unit.commune'], // Xã Khao Mang is in Lào Cai
      [{ province: 'thai-nguyen' }, 'unit.formerProvince'], // merged: say which former province
    ])('refuses a unit not on the map (%j) with its path, creating nothing', async (unit, path) => {
      const res = await request(app)
        .post('/v1/agencies')
        .set(bearer(OPERATOR_KEY))
        .send({
          ...LAI_CHAU_AGENCY,
          id: 'xa-khong-co',
          collectionAccount: { ...LAI_CHAU_AGENCY.collectionAccount, accountNumber: '1000000001' },
          unit,
        });
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
      expect(await database.db('agencies').where({ id: 'xa-khong-co' }).first()).toBeUndefined();
    });
  });

  describe('no invented amount reaches a real agency', () => {
    it('a hộ tịch rate nobody has sourced for Lai Châu is a 422 naming the procedure, the council and the date', async () => {
      const res = await assessAs(admin, khaiSinhQuaHan('2026-12-04'));
      expect(res.status).toBe(422);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toMatchObject({
        code: 'rate_not_set',
        procedure: 'dang-ky-khai-sinh-qua-han',
        procedureName: 'Lệ phí đăng ký khai sinh quá hạn',
        setBy: 'HĐND tỉnh Lai Châu',
        date: '2026-12-04',
      });
      expect(res.body.detail).toContain('HĐND tỉnh Lai Châu');
      expect(res.body.detail).toContain('04/12/2026');
      expect(res.body.message.vi).toMatch(/Chưa có mức thu/);
      expect(res.body.errors[0].path).toBe('items[0].procedure');
    });

    it('opening a receipt for it answers the same 422, and writes nothing', async () => {
      const before = await database.db('receipts').count<{ count: number }[]>('* as count');
      const res = await request(app)
        .post('/v1/receipts')
        .set(bearer(admin))
        .send({ dossierCode: 'HS-KS-01', payer: { name: 'Lò Văn Minh' }, fee: khaiSinhQuaHan('2026-12-04') });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'rate_not_set', setBy: 'HĐND tỉnh Lai Châu' });
      expect(res.body.errors[0].path).toBe('fee.items[0].procedure');
      const after = await database.db('receipts').count<{ count: number }[]>('* as count');
      expect(after).toEqual(before);
    });

    it('a poor household pays 0 đ whatever the rate, citing Luật Hộ tịch Điều 11', async () => {
      const res = await assessAs(admin, khaiSinhQuaHan('2026-12-04', ['ho-ngheo']));
      expect(res.status).toBe(200);
      const { assessment } = res.body;
      expect(assessment.total).toBe(0);
      expect(assessment.example).toBe(false);
      expect(assessment.lines[0]).toMatchObject({ amount: 0, exempt: true, withoutRate: true });
      expect(assessment.lines[0].adjustments[0].basis).toMatchObject({
        document: 'Luật Hộ tịch 60/2014/QH13',
        article: 'Điều 11 khoản 1 điểm a',
      });
      expect(res.body.scheduleVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(res.body.notice).toBeNull();
    });

    it('the demo agency alone is priced with the example province, and says so', async () => {
      const res = await assessAs(TEST_API_KEY, khaiSinhQuaHan('2026-12-04'));
      expect(res.status).toBe(200);
      expect(res.body.assessment.total).toBe(8000);
      expect(res.body.assessment.example).toBe(true);
      expect(res.body.notice).toBe('đơn vị mẫu / biểu phí ví dụ');
      expect(res.body.assessment.warnings.join('\n')).toContain('đơn vị mẫu / biểu phí ví dụ');
      const agency = await request(app).get('/v1/agency').set(bearer(TEST_API_KEY));
      expect(agency.body.notice).toBe('đơn vị mẫu / biểu phí ví dụ');
    });

    it("the demo agency's counter page and printed receipt say 'đơn vị mẫu / biểu phí ví dụ'; a real agency's do not", async () => {
      const open = (key: string) =>
        request(app)
          .post('/v1/receipts')
          .set(bearer(key))
          .send({
            dossierCode: 'HS-CT-01',
            payer: { name: 'Nguyễn Thị Hoa' },
            fee: { items: [{ procedure: 'chung-thuc-chu-ky', quantities: { documents: 1 } }] },
          });
      const demo = await open(TEST_API_KEY);
      const real = await open(admin);
      expect(demo.status).toBe(201);
      expect(real.status).toBe(201);
      expect([demo.body.example, real.body.example]).toEqual([true, false]);
      const counter = async (id: string) => (await request(app).get(`/counter/${id}`)).text;
      const print = async (key: string, id: string) =>
        (await request(app).get(`/v1/receipts/${id}/print`).set(bearer(key))).text;
      expect(await counter(demo.body.id)).toContain('đơn vị mẫu / biểu phí ví dụ');
      expect(await counter(real.body.id)).not.toContain('đơn vị mẫu');
      expect(await print(TEST_API_KEY, demo.body.id)).toContain('Đơn vị mẫu / biểu phí ví dụ');
      expect(await print(admin, real.body.id)).not.toContain('Đơn vị mẫu');
    });

    it('an agency with no unit recorded cannot be priced', async () => {
      const created = await createAgency(
        database.db,
        {
          id: 'xa-chua-co-don-vi',
          name: 'UBND xã chưa gắn đơn vị',
          collectionAccount: { bankBin: '970415', accountNumber: '9988776655', accountName: 'UBND XA X' },
        },
        clock.now(),
      );
      if (!created.ok) throw new Error(created.reason);
      const res = await assessAs(created.key.apiKey, khaiSinhQuaHan('2026-12-04'));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('agency_has_no_unit');
    });
  });

  describe('the catalogue', () => {
    it('finds a procedure by national code', async () => {
      const res = await request(app).get('/v1/procedures?code=1.004222').set(bearer(admin));
      expect(res.status).toBe(200);
      expect(res.body.procedures.map((p: { id: string }) => p.id)).toEqual(['dang-ky-thuong-tru']);
      expect(res.body.procedures[0]).toMatchObject({
        codes: ['1.004222'],
        kind: 'le-phi',
        rate: 'set',
        formula: 'Nộp trực tiếp: 20.000 ₫/lần; trực tuyến: 10.000 ₫/lần',
        confidence: 'secondary-ocr',
      });
      expect(res.body.unit.province.code).toBe('12');
    });

    it('searches names without diacritics and says who must set a missing rate', async () => {
      const res = await request(app)
        .get('/v1/procedures')
        .query({ q: 'khai sinh qua han', date: '2026-12-04' })
        .set(bearer(admin));
      expect(res.status).toBe(200);
      const [entry] = res.body.procedures;
      expect(entry).toMatchObject({
        id: 'dang-ky-khai-sinh-qua-han',
        rate: 'not-set',
        setBy: 'HĐND tỉnh Lai Châu',
      });
      expect(entry.preferences.map((p: { rule: string }) => p.rule)).toContain('luat-ho-tich-d11-k1a');
      const copy = await request(app)
        .get('/v1/procedures')
        .query({ q: 'chứng thực bản sao' })
        .set(bearer(admin));
      expect(copy.body.procedures[0].quantities).toEqual([
        { name: 'pages', title: 'Số trang của bản chính', label: 'trang', min: 1 },
        { name: 'copies', title: 'Số bản sao', label: 'bản', min: 1 },
      ]);
    });

    it('refuses a malformed code', async () => {
      const res = await request(app).get('/v1/procedures?code=1004222').set(bearer(admin));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('code');
    });
  });

  describe('rates change without a deploy, never silently', () => {
    const upload = (path: string, text: string, previewedHash?: string) =>
      request(app)
        .post(path)
        .set(bearer(admin))
        .send({ text, ...(previewedHash ? { previewedHash } : {}) });

    it('an invalid file: every problem with its path, nothing stored', async () => {
      const bad = provinceFile(8000)
        .replace('kind: le-phi', 'kind: thue')
        .replace('amount: 8000', 'amount: -1')
        .replace('province: lai-chau }', 'province: lai-chau, formerProvince: yen-bai }');
      const res = await upload('/v1/agency/schedules/preview', bad);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('schedule_invalid');
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'fees[0].kind',
        'fees[0].values[0].formula.amount',
        'territory.formerProvince',
      ]);
      expect(await database.db('schedule_versions').count<{ count: number }[]>('* as count')).toEqual([
        { count: 0 },
      ]);
    });

    it("an agency admin cannot upload a national layer or another province's", async () => {
      const lc = await upload(
        '/v1/agency/schedules/preview',
        provinceFile(8000).replace('province: lai-chau', 'province: lao-cai'),
      );
      expect(lc.status).toBe(403);
      expect(lc.body.code).toBe('schedule_out_of_scope');
      const national = await upload(
        '/v1/agency/schedules/preview',
        'id: vn-national\nname: X\nlevel: national\njurisdiction: Việt Nam\n',
      );
      expect(national.status).toBe(403);
    });

    it('preview → apply a new version; an opened receipt keeps its version and assessment', async () => {
      // A receipt opened under the shipped schedules.
      const opened = await request(app)
        .post('/v1/receipts')
        .set(bearer(admin))
        .send({
          dossierCode: 'HS-TRUOC',
          payer: { name: 'Lò Thị Mai' },
          fee: { items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 3, copies: 1 } }] },
        });
      expect(opened.status).toBe(201);

      const text = provinceFile(8000);
      const preview = await upload('/v1/agency/schedules/preview', text);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({
        scheduleId: 'lai-chau-ho-tich',
        previous: null,
        unchanged: false,
      });
      const [territory] = preview.body.previews;
      expect(territory.unit.province.code).toBe('12');
      expect(territory.procedures).toEqual([
        expect.objectContaining({
          procedure: 'dang-ky-khai-sinh-qua-han',
          change: 'changed',
          from: '2026-12-05',
          periods: [
            expect.objectContaining({
              from: '2026-12-05',
              to: null,
              before: null,
              after: expect.objectContaining({ formula: '8.000 ₫/lần', sampleAmount: 8000 }),
            }),
          ],
        }),
      ]);

      // Not without the preview's hash, nor with another one.
      expect((await upload('/v1/agency/schedules', text)).status).toBe(409);
      const wrong = await upload('/v1/agency/schedules', text, `sha256:${'0'.repeat(64)}`);
      expect(wrong.status).toBe(409);
      expect(wrong.body).toMatchObject({ code: 'schedule_not_previewed', hash: preview.body.hash });
      expect(await database.db('schedule_versions').count<{ count: number }[]>('* as count')).toEqual([
        { count: 0 },
      ]);

      const applied = await upload('/v1/agency/schedules', text, preview.body.hash);
      expect(applied.status).toBe(201);
      expect(applied.body.version).toMatchObject({ scheduleId: 'lai-chau-ho-tich', hash: preview.body.hash });
      const again = await upload('/v1/agency/schedules', text, preview.body.hash);
      expect([again.status, again.body.created]).toEqual([200, false]);

      // The new rate from its first day; the day before is still unsourced.
      expect((await assessAs(admin, khaiSinhQuaHan('2026-12-04'))).status).toBe(422);
      const priced = await assessAs(admin, khaiSinhQuaHan('2026-12-05'));
      expect(priced.body.assessment.total).toBe(8000);
      // …and Luật Hộ tịch Điều 11 still exempts a poor household, though the file names no exemption.
      expect((await assessAs(admin, khaiSinhQuaHan('2026-12-05', ['ho-ngheo']))).body.assessment.total).toBe(
        0,
      );

      const reread = await request(app).get(`/v1/receipts/${opened.body.id}`).set(bearer(admin));
      expect(reread.body.lines).toEqual(opened.body.lines);
      expect(reread.body.scheduleVersion).toBe(opened.body.scheduleVersion);
      expect(priced.body.scheduleVersion).not.toBe(opened.body.scheduleVersion);

      const versions = await request(app).get('/v1/agency/schedules').set(bearer(admin));
      expect(versions.body.versions).toEqual([
        expect.objectContaining({ hash: preview.body.hash, current: true }),
      ]);
      const audited = await database
        .db('audit_events')
        .where({ agency_id: LAI_CHAU_AGENCY.id, action: 'schedule.applied' });
      expect(audited).toHaveLength(1);
    });

    it("a receipt's stored assessment is unchanged after a new version is applied; the old version stays readable", async () => {
      const receipt = await request(app)
        .post('/v1/receipts')
        .set(bearer(admin))
        .send({ dossierCode: 'HS-KS-02', payer: { name: 'Lò Văn Pảo' }, fee: khaiSinhQuaHan('2026-12-05') });
      expect(receipt.status).toBe(201);
      expect(receipt.body.amount).toBe(8000);
      const stored = await database
        .db('receipts')
        .where({ id: receipt.body.id })
        .first('assessment', 'amount');

      const v1 = (await request(app).get('/v1/agency/schedules').set(bearer(admin))).body.versions[0].hash;
      const text = provinceFile(9000);
      const preview = await upload('/v1/agency/schedules/preview', text);
      expect(preview.body.previous).toBe(v1);
      expect(preview.body.previews[0].procedures[0].periods[0]).toMatchObject({
        before: expect.objectContaining({ sampleAmount: 8000 }),
        after: expect.objectContaining({ sampleAmount: 9000 }),
      });
      expect((await upload('/v1/agency/schedules', text, preview.body.hash)).status).toBe(201);
      expect((await assessAs(admin, khaiSinhQuaHan('2026-12-05'))).body.assessment.total).toBe(9000);

      const reread = await request(app).get(`/v1/receipts/${receipt.body.id}`).set(bearer(admin));
      expect(reread.body.amount).toBe(8000);
      expect(reread.body.lines).toEqual(receipt.body.lines);
      expect(reread.body.scheduleVersion).toBe(receipt.body.scheduleVersion);
      expect(
        await database.db('receipts').where({ id: receipt.body.id }).first('assessment', 'amount'),
      ).toEqual(stored);
      // The set it was priced with names the first version of the layer …
      const set = await request(app)
        .get(`/v1/schedule-sets/${receipt.body.scheduleVersion}`)
        .set(bearer(admin));
      expect(set.status).toBe(200);
      expect(set.body.layers).toContainEqual(expect.objectContaining({ id: 'lai-chau-ho-tich', hash: v1 }));
      // … which is still readable, as uploaded.
      const old = await request(app).get(`/v1/agency/schedules/${v1}`).set(bearer(admin));
      expect(old.status).toBe(200);
      expect(old.body.sourceText).toBe(provinceFile(8000));
      // Another agency cannot read this agency's sets.
      expect(
        (
          await request(app)
            .get(`/v1/schedule-sets/${receipt.body.scheduleVersion}`)
            .set(bearer(TEST_API_KEY))
        ).status,
      ).toBe(404);
    });
  });

  describe('the unit changes only as a dated, audited record', () => {
    it('prices dates before the change with the old unit and from it with the new one', async () => {
      const moved = await request(app)
        .post(`/v1/agencies/${LAI_CHAU_AGENCY.id}/units`)
        .set(bearer(OPERATOR_KEY))
        .send({
          unit: { province: 'lao-cai', commune: '04465' },
          effectiveFrom: '2027-01-01',
          reason: 'Thử: chuyển đơn vị thu sang xã Khao Mang',
        });
      expect(moved.status).toBe(201);
      expect(moved.body.unit.formerProvince).toEqual({ code: '15', name: 'Yên Bái', slug: 'yen-bai' });
      const on = async (date: string) =>
        (
          await assessAs(admin, {
            date,
            items: [{ procedure: 'chung-thuc-chu-ky', quantities: { documents: 1 } }],
          })
        ).body.assessment.unit.province.code;
      expect(await on('2026-12-31')).toBe('12');
      expect(await on('2027-01-01')).toBe('15');
      // The Lai Châu layer no longer reaches it there: Lào Cai's council must set the rate.
      const res = await assessAs(admin, khaiSinhQuaHan('2027-01-01'));
      expect(res.status).toBe(422);
      expect(res.body.setBy).toBe('HĐND tỉnh Lào Cai');
      expect(res.body.formerTerritory).toContain('tỉnh Yên Bái');
      const audit = await database
        .db('audit_events')
        .where({ agency_id: LAI_CHAU_AGENCY.id, action: 'agency.unit_changed' });
      expect(audit).toHaveLength(1);
      expect(audit[0].reason).toBe('Thử: chuyển đơn vị thu sang xã Khao Mang');
      const units = (await request(app).get('/v1/agency').set(bearer(admin))).body.units;
      expect(units.map((u: { effectiveFrom: string }) => u.effectiveFrom)).toEqual([
        '0001-01-01',
        '2027-01-01',
      ]);
    });

    it('the record cannot be edited in place', async () => {
      await expect(database.db('agency_units').update({ reason: 'sửa' })).rejects.toThrow(/append-only/);
    });
  });

  describe('the operator uploads for the platform', () => {
    it('previews per former territory and applies; agencies there are priced with it', async () => {
      const yenBai = `
id: yen-bai-ho-tich-thu
name: Lệ phí hộ tịch tỉnh Yên Bái cũ (tệp thử)
level: province
jurisdiction: Tỉnh Yên Bái (cũ)
territory: { province: lao-cai, formerProvince: yen-bai }
fees:
  - id: dang-ky-khai-sinh-qua-han
    name: Lệ phí đăng ký khai sinh quá hạn
    kind: le-phi
    collectingLevel: [commune]
    basis: { document: Nghị quyết thử/NQ-HĐND tỉnh Yên Bái }
    values: [{ from: 2020-01-01, to: null, formula: { type: flat, amount: 5000 } }]
`;
      const preview = await request(app)
        .post('/v1/platform/schedules/preview')
        .set(bearer(OPERATOR_KEY))
        .send({ text: yenBai });
      expect(preview.status).toBe(200);
      expect(
        preview.body.previews.map(
          (p: { unit: { formerProvince: { slug: string } } }) => p.unit.formerProvince.slug,
        ),
      ).toEqual(['yen-bai']);
      expect(
        (await request(app).post('/v1/platform/schedules').set(bearer(admin)).send({ text: yenBai })).status,
      ).toBe(401);
      const applied = await request(app)
        .post('/v1/platform/schedules')
        .set(bearer(OPERATOR_KEY))
        .send({ text: yenBai, previewedHash: preview.body.hash });
      expect(applied.status).toBe(201);
      // The agency sits in former Yên Bái from 2027-01-01.
      const res = await assessAs(admin, khaiSinhQuaHan('2027-01-02'));
      expect(res.status).toBe(200);
      expect(res.body.assessment.total).toBe(5000);
      const list = await request(app).get('/v1/platform/schedules').set(bearer(OPERATOR_KEY));
      expect(list.body.versions[0]).toMatchObject({
        scheduleId: 'yen-bai-ho-tich-thu',
        agencyId: null,
        current: true,
      });
    });
  });
});
