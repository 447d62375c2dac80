/**
 * @module The 2025 map as data, with a typed lookup API (by code, by slug).
 *
 * The data ships in `data/admin-units-2025.json` (its `source` field names the texts it was taken from); it is
 * read and checked once, at import.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { AdministrativeUnitError, MAP_ERROR_CODES as E } from '../errors.js';
import { slugify } from './slug.js';
import type {
  AdministrativeUnit,
  AdministrativeUnitInput,
  Commune,
  CommuneType,
  FormerProvince,
  Province,
  ProvinceType,
} from './types.js';

export type * from './types.js';

const provinceType = z.enum(['tinh', 'thanh-pho']);
const formerSchema = z.strictObject({
  code: z.string().regex(/^\d{2}$/),
  name: z.string().min(1),
  type: provinceType,
});
const dataSchema = z.object({
  source: z.array(z.string().min(1)).min(1),
  provinces: z.array(
    z.strictObject({
      code: z.string().regex(/^\d{2}$/),
      name: z.string().min(1),
      type: provinceType,
      formerProvinces: z.array(formerSchema).min(1),
    }),
  ),
  // [code, official name with its type, province code, former province code]
  communes: z.array(z.tuple([z.string().regex(/^\d{5}$/), z.string().min(1), z.string(), z.string()])),
});

const TYPE_WORD: Record<ProvinceType, string> = { tinh: 'tỉnh', 'thanh-pho': 'thành phố' };

function communeType(name: string): CommuneType {
  if (name.startsWith('Phường ')) return 'phuong';
  if (name.startsWith('Đặc khu ')) return 'dac-khu';
  if (name.startsWith('Xã ')) return 'xa';
  throw new Error(`admin-units-2025.json: commune name without its type: ${name}`);
}

function former(f: z.infer<typeof formerSchema>): FormerProvince {
  return Object.freeze({
    code: f.code,
    name: f.name,
    type: f.type,
    slug: slugify(f.name),
    fullName: `${TYPE_WORD[f.type]} ${f.name}`,
  });
}

function load(): { provinces: Province[]; communes: Commune[] } {
  const raw = JSON.parse(readFileSync(new URL('../../data/admin-units-2025.json', import.meta.url), 'utf8'));
  const data = dataSchema.parse(raw);
  const provinces = data.provinces.map(
    (p): Province =>
      Object.freeze({
        code: p.code,
        name: p.name,
        type: p.type,
        slug: slugify(p.name),
        fullName: `${TYPE_WORD[p.type]} ${p.name}`,
        formerProvinces: Object.freeze(p.formerProvinces.map(former)),
        example: false,
      }),
  );
  const byCode = new Map(provinces.map((p) => [p.code, p]));
  const communes = data.communes.map(([code, name, provinceCode, formerCode]): Commune => {
    const province = byCode.get(provinceCode);
    const f = province?.formerProvinces.find((x) => x.code === formerCode);
    if (province === undefined || f === undefined) {
      throw new Error(`admin-units-2025.json: commune ${code} names province ${provinceCode}/${formerCode}`);
    }
    return Object.freeze({ code, name, type: communeType(name), provinceCode, formerProvince: f.slug });
  });
  return { provinces, communes };
}

const DATA = load();
const PROVINCE_BY_CODE = new Map(DATA.provinces.map((p) => [p.code, p]));
const PROVINCE_BY_SLUG = new Map(DATA.provinces.map((p) => [p.slug, p]));
const COMMUNE_BY_CODE = new Map(DATA.communes.map((c) => [c.code, c]));

/**
 * The demo province, "Tỉnh Mẫu": not on the map, priced only with the example schedules. Anything assessed
 * for it says "đơn vị mẫu / biểu phí ví dụ".
 * @public
 */
export const DEMO_PROVINCE: Province = Object.freeze({
  code: '00',
  name: 'Mẫu',
  type: 'tinh',
  slug: 'tinh-mau',
  fullName: 'tỉnh Mẫu (đơn vị mẫu)',
  formerProvinces: Object.freeze([
    Object.freeze({
      code: '00',
      name: 'Mẫu',
      type: 'tinh',
      slug: 'tinh-mau',
      fullName: 'tỉnh Mẫu (đơn vị mẫu)',
    } satisfies FormerProvince),
  ]),
  example: true,
});

/**
 * The demo commune of the demo province (code `00000`).
 * @public
 */
export const DEMO_COMMUNE: Commune = Object.freeze({
  code: '00000',
  name: 'Xã Mẫu',
  type: 'xa',
  provinceCode: '00',
  formerProvince: 'tinh-mau',
});

/**
 * The demo unit (Xã Mẫu, Tỉnh Mẫu): the only unit the example province serves.
 * @example
 * resolveSchedules(shippedLayers, DEMO_UNIT).example // true
 * @public
 */
export const DEMO_UNIT: AdministrativeUnit = Object.freeze({
  province: DEMO_PROVINCE,
  commune: DEMO_COMMUNE,
  formerProvince: DEMO_PROVINCE.formerProvinces[0]!,
  example: true,
});

/** The text the demo unit's pages, prints and assessments carry. */
export const DEMO_NOTICE = 'đơn vị mẫu / biểu phí ví dụ';

/**
 * The 34 provinces since 1 July 2025, in code order.
 * @example
 * provinces().length // 34
 * @public
 */
export function provinces(): readonly Province[] {
  return DATA.provinces;
}

/**
 * A province by its official code (`12`) or undefined.
 * @example
 * provinceByCode('12')?.name // 'Lai Châu'
 * @public
 */
export function provinceByCode(code: string): Province | undefined {
  return PROVINCE_BY_CODE.get(code);
}

/**
 * A province by the ASCII slug of its name (`lai-chau`, `da-nang`) or undefined.
 * @example
 * provinceBySlug('thai-nguyen')?.formerProvinces.map((f) => f.name) // ['Bắc Kạn', 'Thái Nguyên']
 * @public
 */
export function provinceBySlug(slug: string): Province | undefined {
  return PROVINCE_BY_SLUG.get(slug);
}

/**
 * A commune by its official 5-digit code, or undefined (also for a province whose communes are not shipped).
 * @example
 * communeByCode(code)?.formerProvince // 'yen-bai'
 * @public
 */
export function communeByCode(code: string): Commune | undefined {
  return COMMUNE_BY_CODE.get(code);
}

/**
 * The communes of a province that the shipped data lists (empty when its communes are not shipped).
 * @example
 * communesOf('12').length
 * @public
 */
export function communesOf(provinceCode: string): readonly Commune[] {
  return DATA.communes.filter((c) => c.provinceCode === provinceCode);
}

/** Whether the shipped data lists the communes of this province. */
export function hasCommuneData(provinceCode: string): boolean {
  return DATA.communes.some((c) => c.provinceCode === provinceCode);
}

function findFormer(p: Province, key: string): FormerProvince | undefined {
  return p.formerProvinces.find((f) => f.slug === key || f.code === key);
}

/**
 * Builds and checks an administrative unit. The province is named by code or slug; the commune (absent for a
 * province-level body) by code; the former province is taken from the commune, or must be given when the
 * province was merged from several and no commune is named.
 *
 * @throws {@link AdministrativeUnitError} with a code and the offending field
 * @example
 * administrativeUnit({ province: 'lai-chau' }).formerProvince.name // 'Lai Châu'
 * administrativeUnit({ province: 'tinh-mau' }) // DEMO_UNIT
 * @public
 */
export function administrativeUnit(input: AdministrativeUnitInput): AdministrativeUnit {
  if (input === null || typeof input !== 'object' || typeof input.province !== 'string') {
    throw new AdministrativeUnitError(E.UNKNOWN_PROVINCE, 'Thiếu tỉnh / province is required', 'province');
  }
  if (input.province === DEMO_PROVINCE.slug || input.province === DEMO_PROVINCE.code) {
    if (input.commune !== undefined && input.commune !== DEMO_COMMUNE.code) {
      throw new AdministrativeUnitError(
        E.COMMUNE_NOT_IN_PROVINCE,
        `Xã ${JSON.stringify(input.commune)} không thuộc đơn vị mẫu / commune not in the demo province`,
        'commune',
      );
    }
    return DEMO_UNIT;
  }
  const province = provinceByCode(input.province) ?? provinceBySlug(input.province);
  if (province === undefined) {
    throw new AdministrativeUnitError(
      E.UNKNOWN_PROVINCE,
      `Không có tỉnh ${JSON.stringify(input.province)} trong 34 tỉnh, thành phố từ 01/07/2025 / unknown province`,
      'province',
    );
  }
  let commune: Commune | undefined;
  if (input.commune !== undefined) {
    commune = communeByCode(input.commune);
    if (commune === undefined) {
      throw new AdministrativeUnitError(
        E.UNKNOWN_COMMUNE,
        hasCommuneData(province.code)
          ? `Không có xã mã ${JSON.stringify(input.commune)} / unknown commune code`
          : `Chưa có dữ liệu xã của ${province.fullName} trong thuphi / communes of this province are not shipped`,
        'commune',
      );
    }
    if (commune.provinceCode !== province.code) {
      throw new AdministrativeUnitError(
        E.COMMUNE_NOT_IN_PROVINCE,
        `${commune.name} không thuộc ${province.fullName} / commune not in that province`,
        'commune',
      );
    }
  }
  let formerProvince: FormerProvince | undefined;
  if (commune !== undefined) {
    formerProvince = findFormer(province, commune.formerProvince);
    if (input.formerProvince !== undefined && findFormer(province, input.formerProvince) !== formerProvince) {
      throw new AdministrativeUnitError(
        E.FORMER_PROVINCE_MISMATCH,
        `${commune.name} nằm trên địa bàn ${formerProvince?.fullName} cũ, không phải ${JSON.stringify(input.formerProvince)} / the commune lies in another former province`,
        'formerProvince',
      );
    }
  } else if (input.formerProvince !== undefined) {
    formerProvince = findFormer(province, input.formerProvince);
    if (formerProvince === undefined) {
      throw new AdministrativeUnitError(
        E.UNKNOWN_FORMER_PROVINCE,
        `${province.fullName} không gồm tỉnh cũ ${JSON.stringify(input.formerProvince)} (gồm: ${province.formerProvinces.map((f) => f.slug).join(', ')}) / unknown former province`,
        'formerProvince',
      );
    }
  } else if (province.formerProvinces.length === 1) {
    formerProvince = province.formerProvinces[0];
  } else {
    throw new AdministrativeUnitError(
      E.FORMER_PROVINCE_REQUIRED,
      `${province.fullName} hợp nhất từ ${province.formerProvinces.map((f) => f.fullName).join(', ')}: cần chỉ rõ xã hoặc tỉnh cũ nơi đơn vị đặt trụ sở / name the commune or the former province`,
      'formerProvince',
    );
  }
  if (formerProvince === undefined) throw new Error(`internal: former province of ${input.province}`);
  return Object.freeze({
    province,
    ...(commune === undefined ? {} : { commune }),
    formerProvince,
    example: false,
  });
}

/** The codes of a unit, as stored with an agency or an assessment. */
export interface AdministrativeUnitRef {
  readonly province: { readonly code: string; readonly name: string };
  readonly commune?: { readonly code: string; readonly name: string };
  readonly formerProvince: { readonly code: string; readonly name: string; readonly slug: string };
  readonly example: boolean;
}

/**
 * The plain-data form of a unit (codes and names), for storage and JSON.
 * @example
 * unitRef(administrativeUnit({ province: 'lai-chau' })).province // { code: '12', name: 'Lai Châu' }
 * @public
 */
export function unitRef(unit: AdministrativeUnit): AdministrativeUnitRef {
  return {
    province: { code: unit.province.code, name: unit.province.name },
    ...(unit.commune === undefined ? {} : { commune: { code: unit.commune.code, name: unit.commune.name } }),
    formerProvince: {
      code: unit.formerProvince.code,
      name: unit.formerProvince.name,
      slug: unit.formerProvince.slug,
    },
    example: unit.example,
  };
}
