/**
 * @module Error codes, messages and the one `assert` helper of fee-core.
 *
 * Every error fee-core throws is built here, so messages stay consistent and tests can match them exactly.
 * Messages are Vietnamese first (they reach clerks), with the English gist after a " / ".
 */

/** Codes carried by {@link AssessmentError}. Stable: callers (HTTP layer, CLI) switch on them. */
export const ERROR_CODES = {
  INVALID_REQUEST: 'INVALID_REQUEST',
  INVALID_DATE: 'INVALID_DATE',
  INVALID_CHANNEL: 'INVALID_CHANNEL',
  INVALID_CATEGORIES: 'INVALID_CATEGORIES',
  NO_ITEMS: 'NO_ITEMS',
  UNKNOWN_PROCEDURE: 'UNKNOWN_PROCEDURE',
  RATE_NOT_SET: 'RATE_NOT_SET',
  UNKNOWN_PROCEDURE_CODE: 'UNKNOWN_PROCEDURE_CODE',
  MISSING_QUANTITY: 'MISSING_QUANTITY',
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  UNKNOWN_QUANTITY: 'UNKNOWN_QUANTITY',
  AMOUNT_OVERFLOW: 'AMOUNT_OVERFLOW',
} as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Message builders; one per code, so wording lives in one place. */
export const MESSAGES = {
  invalidRequest: (why: string) => `Yêu cầu tính phí không hợp lệ: ${why} / invalid assessment request`,
  invalidDate: (value: unknown) =>
    `Ngày tính phí không hợp lệ: ${JSON.stringify(value)} (cần dạng YYYY-MM-DD) / invalid date`,
  invalidChannel: (value: unknown) =>
    `Kênh nộp không hợp lệ: ${JSON.stringify(value)} (counter | online | postal) / invalid channel`,
  invalidCategories: () => 'Đối tượng (categories) phải là danh sách chuỗi / categories must be strings',
  noItems: () => 'Hồ sơ không có thủ tục nào để tính phí / items must not be empty',
  unknownProcedure: (id: unknown) =>
    `Không có thủ tục ${JSON.stringify(id)} trong biểu phí / unknown procedure`,
  rateNotSet: (name: string, id: string, setBy: string, date: string, where: string, declared?: string) =>
    `Chưa có mức thu của thủ tục "${name}" (${id}) có hiệu lực ngày ${viDate(date)}${where}: mức thu do ${setBy} quy định${declared ? ` (${declared})` : ''}, chưa được nhập vào biểu phí / no rate in force: set by ${setBy}`,
  missingQuantity: (name: string, label: string) => `Thiếu số lượng "${name}" (${label}) / missing quantity`,
  invalidQuantity: (name: string, value: unknown, min: number) =>
    `Số lượng "${name}" phải là số nguyên ≥ ${min}, nhận được ${JSON.stringify(value)} / quantity must be an integer ≥ ${min}`,
  unknownQuantity: (name: string, procedure: string, allowed: readonly string[]) =>
    `Thủ tục "${procedure}" không có số lượng "${name}" (chỉ có: ${allowed.join(', ') || 'không có'}) / unknown quantity`,
  amountOverflow: (what: string) =>
    `Số tiền vượt quá giới hạn số nguyên an toàn: ${what} / amount is not a safe integer`,
} as const;

/** `2026-12-04` → `04/12/2026` */
export function viDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** Reasons `parseVnd` gives, in Vietnamese (clerks read them). */
export const VND_PARSE_REASONS = {
  notString: 'không phải chuỗi ký tự',
  noDigits: 'không có chữ số',
  negative: 'số tiền không được âm',
  notDigit: 'có ký tự không phải chữ số',
  mixedSeparators: 'trộn nhiều loại dấu phân cách (VND không có phần lẻ)',
  badGrouping: 'chữ số phải nhóm theo 3 (VND không có phần lẻ sau dấu phẩy)',
  tooLarge: 'số quá lớn',
} as const;

/**
 * The error `assess()` throws for bad input. `code` is one of {@link ERROR_CODES}; `field` points at the
 * offending input, e.g. `items[0].quantities.pages`, so a form can highlight it.
 *
 * @example
 * try { assess(defaultSchedules, req) } catch (e) { if (e instanceof AssessmentError) console.log(e.field) }
 * @public
 */
export class AssessmentError extends Error {
  override readonly name = 'AssessmentError';
  readonly code: ErrorCode;
  readonly field?: string;
  /** For `RATE_NOT_SET`: which procedure, who must set the rate, for which date (see {@link RateNotSetDetails}). */
  readonly details?: RateNotSetDetails;
  constructor(
    code: ErrorCode,
    message: string,
    field?: string,
    options?: { cause?: unknown; details?: RateNotSetDetails },
  ) {
    super(message, options);
    this.code = code;
    if (field !== undefined) this.field = field;
    if (options?.details !== undefined) this.details = options.details;
  }
}

/** What a `RATE_NOT_SET` error names: the procedure, the body that must set the rate, and the date. */
export interface RateNotSetDetails {
  readonly procedure: string;
  readonly procedureName: string;
  /** National procedure codes (mã TTHC) of the procedure, when known. */
  readonly codes: readonly string[];
  /** The body that must set the rate, e.g. `HĐND tỉnh Lai Châu`. */
  readonly setBy: string;
  readonly date: string;
  /** The text that governs the rate on this territory but whose amounts are not encoded, when known. */
  readonly declaredBy?: string;
  /** Why a value in force gives no amount for this input (e.g. above the value its source covers). */
  readonly reason?: string;
  /** On a merged province's former territory: which former province's resolutions may still be in force. */
  readonly formerTerritory?: string;
}

/** Codes carried by {@link AdministrativeUnitError}. */
export const MAP_ERROR_CODES = {
  UNKNOWN_PROVINCE: 'UNKNOWN_PROVINCE',
  UNKNOWN_COMMUNE: 'UNKNOWN_COMMUNE',
  COMMUNE_NOT_IN_PROVINCE: 'COMMUNE_NOT_IN_PROVINCE',
  UNKNOWN_FORMER_PROVINCE: 'UNKNOWN_FORMER_PROVINCE',
  FORMER_PROVINCE_REQUIRED: 'FORMER_PROVINCE_REQUIRED',
  FORMER_PROVINCE_MISMATCH: 'FORMER_PROVINCE_MISMATCH',
} as const;

/** One of {@link MAP_ERROR_CODES}. */
export type MapErrorCode = (typeof MAP_ERROR_CODES)[keyof typeof MAP_ERROR_CODES];

/**
 * Thrown by `administrativeUnit()` for a province, commune or former province that is not on the 2025 map.
 * `field` is `province`, `commune` or `formerProvince`.
 *
 * @example
 * try { administrativeUnit({ province: 'ha-tay' }) } catch (e) { (e as AdministrativeUnitError).code } // 'UNKNOWN_PROVINCE'
 * @public
 */
export class AdministrativeUnitError extends Error {
  override readonly name = 'AdministrativeUnitError';
  readonly code: MapErrorCode;
  readonly field: string;
  constructor(code: MapErrorCode, message: string, field: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Where a schedule file is wrong: `path` like `fees[2].values[0].formula.tiers[1].from`. */
export interface ScheduleIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown by the schedule loader for an invalid schedule; lists every problem with its path.
 * @public
 */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  readonly source: string;
  readonly issues: readonly ScheduleIssue[];
  constructor(source: string, issues: readonly ScheduleIssue[]) {
    super(
      `Biểu phí không hợp lệ / invalid schedule (${source}):\n${issues
        .map((i) => `  - ${i.path || '(root)'}: ${i.message}`)
        .join('\n')}`,
    );
    this.source = source;
    this.issues = Object.freeze([...issues]);
  }
}

/**
 * Thrown by `parseVnd` for text that is not an integer amount of đồng.
 * @public
 */
export class VndParseError extends Error {
  override readonly name = 'VndParseError';
  readonly input: string;
  constructor(input: string, why: string) {
    super(`Không đọc được số tiền ${JSON.stringify(input)}: ${why}`);
    this.input = input;
  }
}

/** Throws an {@link AssessmentError} unless `condition` holds. */
export function assert(
  condition: unknown,
  code: ErrorCode,
  message: string,
  field?: string,
): asserts condition {
  if (!condition) throw new AssessmentError(code, message, field);
}
