/**
 * @module The administrative map since 1 July 2025: 34 provinces, their communes, and the former provinces
 * (before the 2025 merger) whose territory each commune lies in.
 */

/** `tinh` (province) or `thanh-pho` (centrally-run city). */
export type ProvinceType = 'tinh' | 'thanh-pho';

/** A province as it stood before the 2025 merger. Its HĐND resolutions can still be in force on its territory. */
export interface FormerProvince {
  /** Official code (mã đơn vị hành chính) of the former province, e.g. `15` for Yên Bái. */
  readonly code: string;
  /** `Yên Bái` */
  readonly name: string;
  readonly type: ProvinceType;
  /** ASCII slug, unique within its new province: `yen-bai`. */
  readonly slug: string;
  /** `tỉnh Yên Bái` (lower-case type, as in running text). */
  readonly fullName: string;
}

/** A province (tỉnh) or centrally-run city (thành phố) of the 34 since 1 July 2025. */
export interface Province {
  /** Official code, e.g. `12` for Lai Châu. */
  readonly code: string;
  /** `Lai Châu` */
  readonly name: string;
  readonly type: ProvinceType;
  /** ASCII slug of the name: `lai-chau`. */
  readonly slug: string;
  /** `tỉnh Lai Châu`, `thành phố Đà Nẵng`. */
  readonly fullName: string;
  /** The provinces merged into it in 2025 (one entry, itself, when it was not merged). */
  readonly formerProvinces: readonly FormerProvince[];
  /** True only for the demo province ("Tỉnh Mẫu"). */
  readonly example: boolean;
}

/** `xa` (commune), `phuong` (ward) or `dac-khu` (special zone). */
export type CommuneType = 'xa' | 'phuong' | 'dac-khu';

/** A commune-level unit (xã, phường, đặc khu) since 1 July 2025. */
export interface Commune {
  /** Official 5-digit code. */
  readonly code: string;
  /** Official name with its type: `Phường Cam Đường`. */
  readonly name: string;
  readonly type: CommuneType;
  /** Code of its province. */
  readonly provinceCode: string;
  /** Slug of the former province its territory lies in (see {@link Province.formerProvinces}). */
  readonly formerProvince: string;
}

/**
 * Where an agency sits: its province, its commune (absent for a province-level body) and the former province
 * whose territory it lies in. Build it with `administrativeUnit()`.
 */
export interface AdministrativeUnit {
  readonly province: Province;
  readonly commune?: Commune;
  readonly formerProvince: FormerProvince;
  /** True for the demo unit only: priced with the example schedules, said on every page and print. */
  readonly example: boolean;
}

/** How a caller names a unit: province by code or slug, commune by code, former province by slug or code. */
export interface AdministrativeUnitInput {
  readonly province: string;
  readonly commune?: string | undefined;
  readonly formerProvince?: string | undefined;
}
