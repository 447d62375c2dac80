/**
 * @module The catalogue: the procedures of a resolved set on a date, as `GET /v1/procedures` and the clerk's page
 * serve them.
 */
import { collectorOn, rateSetter } from './assess.js';
import { AssessmentError, ERROR_CODES as C, MESSAGES as M } from './errors.js';
import { applicableRulesOn } from './formula/adjust.js';
import { summariseEffect, summariseFormula } from './formula/summary.js';
import { foldDiacritics } from './map/slug.js';
import {
  inWindow,
  type LayeredFee,
  procedureTarget,
  type ScheduleSet,
  valueInForce,
} from './schedule/merge.js';
import { type Confidence, isIsoDate } from './schedule/schema.js';
import type { Channel, LegalBasis } from './types.js';

/** A quantity a procedure needs, with its Vietnamese labels. */
export interface CatalogueQuantity {
  readonly name: string;
  /** The field's title: `Số trang`. */
  readonly title: string;
  /** The unit as explanations write it: `trang`. */
  readonly label: string;
  readonly min: number;
}

/** An exemption or reduction that can change a procedure's amount on the date. */
export interface CataloguePreference {
  readonly rule: string;
  readonly name: string;
  /** The applicant categories it needs (any one of them, or all — see `allCategories`), with their labels. */
  readonly categories: readonly { readonly id: string; readonly label: string }[];
  /** True when the applicant must belong to every category listed. */
  readonly allCategories: boolean;
  readonly channels?: readonly Channel[];
  /** Who benefits, in the law's words. */
  readonly wording?: string;
  /** `Miễn (0 ₫)`, `Giảm 50%`. */
  readonly effect: string;
  readonly from: string;
  readonly to: string | null;
  readonly basis: LegalBasis;
  readonly confidence: Confidence;
}

/** One procedure of the catalogue on a date. */
export interface CatalogueEntry {
  readonly id: string;
  readonly codes: readonly string[];
  readonly name: string;
  readonly kind: 'phi' | 'le-phi';
  readonly quantities: readonly CatalogueQuantity[];
  /** `set`: a rate is in force; `not-set`: declared without an amount (assessing it answers `RATE_NOT_SET`). */
  readonly rate: 'set' | 'not-set';
  /** The formula in Vietnamese (`20.000 ₫/lần`), or who must set the rate when there is none. */
  readonly formula: string;
  /** The body that sets the rate: `Bộ Tài chính`, `HĐND tỉnh Lai Châu`. */
  readonly setBy: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly basis: LegalBasis;
  /** Confidence of the value in force; `null` when no rate is in force. */
  readonly confidence: Confidence | null;
  readonly collector?: string;
  /** The layer whose value is in force (schedule id). */
  readonly schedule?: string;
  /** True when the value comes from an example schedule (demo unit). */
  readonly example: boolean;
  readonly preferences: readonly CataloguePreference[];
}

/** Filters of {@link catalogue}. */
export interface CatalogueQuery {
  /** A national procedure code (mã TTHC): exact match on one of the procedure's codes. */
  readonly code?: string;
  /** Words of the name (or id), matched with or without diacritics, case-insensitive. */
  readonly q?: string;
}

function basisOf(b: {
  document: string;
  article?: string | undefined;
  issuer?: string | undefined;
}): LegalBasis {
  return {
    document: b.document,
    ...(b.article === undefined ? {} : { article: b.article }),
    ...(b.issuer === undefined ? {} : { issuer: b.issuer }),
  };
}

function entryOf(set: ScheduleSet, defs: readonly LayeredFee[], date: string): CatalogueEntry {
  const target = procedureTarget(defs);
  const found = valueInForce(defs, date);
  const declared = found?.def ?? defs.find((d) => inWindow(d.window, date)) ?? defs[0]!;
  const fee = declared.fee;
  const labels = Object.fromEntries(Object.entries(fee.quantities).map(([k, q]) => [k, q.label]));
  const setBy = rateSetter(defs, set);
  const preferences = applicableRulesOn(set.rules, target, date, found?.def.supersedes ?? []).map(
    ({ rule }): CataloguePreference => {
      const all = rule.when.allCategories !== undefined;
      const ids = rule.when.allCategories ?? rule.when.anyCategory ?? [];
      return {
        rule: rule.id,
        name: rule.name,
        categories: ids.map((id) => ({ id, label: set.categories.get(id) ?? id })),
        allCategories: all,
        ...(rule.when.channels === undefined ? {} : { channels: rule.when.channels }),
        ...(rule.wording === undefined ? {} : { wording: rule.wording }),
        effect: summariseEffect(rule.effect),
        from: rule.from,
        to: rule.to,
        basis: basisOf(rule.basis),
        confidence: rule.confidence,
      };
    },
  );
  const collector = collectorOn(fee, date);
  const common = {
    id: fee.id,
    codes: [...target.codes],
    name: fee.name,
    kind: fee.kind,
    quantities: Object.entries(fee.quantities).map(([name, q]) => ({
      name,
      title: q.title,
      label: q.label,
      min: q.min,
    })),
    setBy,
    ...(collector === undefined ? {} : { collector }),
    preferences,
  };
  if (found === undefined) {
    return {
      ...common,
      rate: 'not-set',
      formula: `Chưa có mức thu: do ${setBy} quy định`,
      from: null,
      to: null,
      basis: basisOf(fee.basis),
      confidence: null,
      example: declared.schedule.example,
    };
  }
  const { value, def } = found;
  return {
    ...common,
    rate: 'set',
    formula: summariseFormula(value.formula, labels),
    from: value.from,
    to: value.to,
    basis: basisOf(value.basis ?? fee.basis),
    confidence: value.confidence,
    schedule: def.schedule.id,
    example: def.schedule.example,
  };
}

/**
 * The procedures of a resolved set on a date, each with its national codes, name, kind, the quantities it needs
 * (Vietnamese labels), the rate in force as a Vietnamese formula summary (or who must set it), basis,
 * confidence, and the exemptions and reductions that can change its amount (with the law's wording).
 *
 * @throws {@link AssessmentError} `INVALID_DATE` for a date that is not `YYYY-MM-DD`
 * @example
 * catalogue(set, '2026-12-04', { code: '1.001193' })[0]?.name
 * catalogue(set, '2026-12-04', { q: 'khai sinh' }).map((e) => e.id)
 * @public
 */
export function catalogue(set: ScheduleSet, date: string, query: CatalogueQuery = {}): CatalogueEntry[] {
  if (!isIsoDate(date)) throw new AssessmentError(C.INVALID_DATE, M.invalidDate(date), 'date');
  const words =
    query.q === undefined
      ? []
      : foldDiacritics(query.q.toLowerCase())
          .split(/\s+/)
          .filter((w) => w.length > 0);
  const out: CatalogueEntry[] = [];
  for (const defs of set.fees.values()) {
    if (!defs.some((d) => inWindow(d.window, date))) continue;
    if (query.code !== undefined && !procedureTarget(defs).codes.has(query.code)) continue;
    if (words.length > 0) {
      const hay = foldDiacritics(
        defs
          .map((d) => `${d.fee.name} ${d.fee.id}`)
          .join(' ')
          .toLowerCase(),
      );
      if (!words.every((w) => hay.includes(w))) continue;
    }
    out.push(entryOf(set, defs, date));
  }
  return out;
}

/**
 * The procedure ids of a set that carry a national procedure code (mã TTHC).
 * @example
 * proceduresByCode(set, '2.000635') // ['trich-luc-ho-tich']
 * @public
 */
export function proceduresByCode(set: ScheduleSet, code: string): string[] {
  return [...set.fees.values()]
    .filter((defs) => procedureTarget(defs).codes.has(code))
    .map((d) => d[0]!.fee.id);
}
