// The 2025 map: 34 provinces, their communes and former provinces, looked up by code and by slug. Expected values
// are from the UBTVQH resolutions named in data/README.md (NQ 1673, 1683, 1659, 1670 of 16/06/2025).
import { describe, expect, it } from 'vitest';
import {
  AdministrativeUnitError,
  administrativeUnit,
  communeByCode,
  communesOf,
  DEMO_UNIT,
  foldDiacritics,
  provinceByCode,
  provinceBySlug,
  provinces,
  slugify,
  unitRef,
} from '../src/index.js';

function mapError(fn: () => unknown): AdministrativeUnitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AdministrativeUnitError) return e;
    throw e;
  }
  throw new Error('expected an AdministrativeUnitError');
}

describe('the 2025 map', () => {
  it('has 34 provinces with unique codes and slugs', () => {
    const all = provinces();
    expect(all).toHaveLength(34);
    expect(new Set(all.map((p) => p.code)).size).toBe(34);
    expect(new Set(all.map((p) => p.slug)).size).toBe(34);
    for (const p of all) expect(p.slug).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it.each([
    ['lao-cai', '15', 'tỉnh Lào Cai', ['Lào Cai:10', 'Yên Bái:15'], 99],
    ['thai-nguyen', '19', 'tỉnh Thái Nguyên', ['Bắc Kạn:06', 'Thái Nguyên:19'], 92],
    ['da-nang', '48', 'thành phố Đà Nẵng', ['Đà Nẵng:48', 'Quảng Nam:49'], 94],
    ['lai-chau', '12', 'tỉnh Lai Châu', ['Lai Châu:12'], 38],
  ])('%s: code %s, %s, former %j, %d communes', (slug, code, fullName, former, count) => {
    const p = provinceBySlug(slug)!;
    expect(p.code).toBe(code);
    expect(provinceByCode(code)).toBe(p);
    expect(p.fullName).toBe(fullName);
    expect(p.formerProvinces.map((f) => `${f.name}:${f.code}`).sort()).toEqual([...former].sort());
    expect(communesOf(code)).toHaveLength(count);
  });

  it('knows which former province a commune lies in (NQ 1673, 1683, 1659)', () => {
    expect(communeByCode('04465')).toMatchObject({
      name: 'Xã Khao Mang',
      type: 'xa',
      formerProvince: 'yen-bai',
    });
    expect(communeByCode('01843')).toMatchObject({
      name: 'Phường Bắc Kạn',
      type: 'phuong',
      formerProvince: 'bac-kan',
    });
    expect(communeByCode('20341')).toMatchObject({ name: 'Phường Tam Kỳ', formerProvince: 'quang-nam' });
    const counts = (code: string) =>
      communesOf(code).reduce<Record<string, number>>((m, c) => {
        m[c.formerProvince] = (m[c.formerProvince] ?? 0) + 1;
        return m;
      }, {});
    expect(counts('15')).toEqual({ 'lao-cai': 48, 'yen-bai': 51 });
    expect(counts('19')).toEqual({ 'thai-nguyen': 55, 'bac-kan': 37 });
    expect(counts('48')).toEqual({ 'da-nang': 16, 'quang-nam': 78 });
  });

  it('slugs and diacritic folding', () => {
    expect(slugify('Đà Nẵng')).toBe('da-nang');
    expect(slugify('Thành phố Hồ Chí Minh')).toBe('thanh-pho-ho-chi-minh');
    expect(foldDiacritics('Lệ phí đăng ký hộ tịch')).toBe('Le phi dang ky ho tich');
    expect(provinceBySlug('ho-chi-minh')?.type).toBe('thanh-pho');
  });
});

describe('administrativeUnit', () => {
  it('takes the former province from the commune', () => {
    const u = administrativeUnit({ province: 'lao-cai', commune: '04465' });
    expect(u.formerProvince.name).toBe('Yên Bái');
    expect(u.example).toBe(false);
    expect(unitRef(u)).toEqual({
      province: { code: '15', name: 'Lào Cai' },
      commune: { code: '04465', name: 'Xã Khao Mang' },
      formerProvince: { code: '15', name: 'Yên Bái', slug: 'yen-bai' },
      example: false,
    });
    // by code too, the province in the 2025 namespace
    expect(administrativeUnit({ province: '15', commune: '04465' })).toEqual(u);
  });

  it('a province-level body of a merged province names its former province; an unmerged one need not', () => {
    expect(
      administrativeUnit({ province: 'thai-nguyen', formerProvince: 'bac-kan' }).formerProvince.code,
    ).toBe('06');
    expect(administrativeUnit({ province: 'lai-chau' }).formerProvince.name).toBe('Lai Châu');
    expect(mapError(() => administrativeUnit({ province: 'thai-nguyen' })).code).toBe(
      'FORMER_PROVINCE_REQUIRED',
    );
  });

  it.each([
    [{ province: 'ha-tay' }, 'UNKNOWN_PROVINCE', 'province'],
    [{ province: 'lai-chau', commune: '99999' }, 'UNKNOWN_COMMUNE', 'commune'],
    [{ province: 'lai-chau', commune: '04465' }, 'COMMUNE_NOT_IN_PROVINCE', 'commune'],
    [{ province: 'lao-cai', formerProvince: 'bac-kan' }, 'UNKNOWN_FORMER_PROVINCE', 'formerProvince'],
    [
      { province: 'lao-cai', commune: '04465', formerProvince: 'lao-cai' },
      'FORMER_PROVINCE_MISMATCH',
      'formerProvince',
    ],
  ])('%j → %s', (input, code, field) => {
    const e = mapError(() => administrativeUnit(input));
    expect(e.code).toBe(code);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/ \/ /);
  });

  it('the demo unit is only reached by its own name', () => {
    expect(administrativeUnit({ province: 'tinh-mau' })).toBe(DEMO_UNIT);
    expect(DEMO_UNIT.example).toBe(true);
    expect(provinces().some((p) => p.example)).toBe(false);
    expect(provinceBySlug('tinh-mau')).toBeUndefined();
  });
});
