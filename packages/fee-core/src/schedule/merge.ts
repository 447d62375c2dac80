/**
 * @module Merging schedule layers (national → province → agency) into one {@link ScheduleSet}, and finding the
 * value in force for a procedure on a date.
 */
import type { AdministrativeUnit } from '../map/types.js';
import type { AdjustmentRule, FeeDefinition, FeeValue, Schedule } from './schema.js';

/**
 * When a layer is in force on the territory a set was resolved for (inclusive; `null` = open). A former
 * province's layer ends where a merged province's layer replaces it altogether; a merged province's layer starts
 * on a former territory when its `covers` says so.
 */
export interface LayerWindow {
  readonly from: string | null;
  readonly to: string | null;
}

/** A fee as defined by one layer. */
export interface LayeredFee {
  readonly schedule: Schedule;
  readonly fee: FeeDefinition;
  readonly window: LayerWindow;
  /**
   * Ids of the layers this one replaces for the procedures it prices (a merged province's layer over the
   * former provinces' layers): when this definition prices a line, their rules do not apply to it.
   */
  readonly supersedes: readonly string[];
}

/** A rule as defined by one layer. */
export interface LayeredRule {
  readonly schedule: Schedule;
  readonly rule: AdjustmentRule;
  readonly window: LayerWindow;
}

/** Something a reviewer must look at: a later layer overriding an earlier one, or layers that disagree. */
export interface ScheduleConflict {
  readonly kind:
    | 'fee-overridden'
    | 'kind-mismatch'
    | 'quantities-mismatch'
    | 'rule-overridden'
    | 'layer-order';
  readonly id: string;
  /** Schedule ids: the overridden (earlier) layer, then the overriding (later) one. */
  readonly layers: readonly [string, string];
  readonly message: string;
}

/** A layer left out of a resolved set, and why (for the operator: never silent). */
export interface ExcludedLayer {
  readonly schedule: string;
  readonly reason: string;
}

/** Merged schedules: what `assess()` reads. Build it with `resolveSchedules` (or {@link mergeSchedules}). */
export interface ScheduleSet {
  /** The layers, most general first. */
  readonly layers: readonly Schedule[];
  /** Per layer id, when it is in force on this set's territory. */
  readonly windows: ReadonlyMap<string, LayerWindow>;
  /** Per procedure id, its definitions, **most specific layer first**. */
  readonly fees: ReadonlyMap<string, readonly LayeredFee[]>;
  /** Every exemption/reduction rule in force in any layer (a later layer replaces a rule with the same id). */
  readonly rules: readonly LayeredRule[];
  /** Applicant categories declared by the layers, id → Vietnamese label (a later layer's label wins). */
  readonly categories: ReadonlyMap<string, string>;
  readonly conflicts: readonly ScheduleConflict[];
  /** The unit the set was resolved for (absent for a plain merge). */
  readonly unit?: AdministrativeUnit;
  /** True when the set prices with an example layer (the demo unit): "đơn vị mẫu / biểu phí ví dụ". */
  readonly example: boolean;
  /** Layers offered to the resolver but not in force on this territory. */
  readonly excluded: readonly ExcludedLayer[];
}

/** One layer going into a set, with its window on the territory and the layers it supersedes. */
export interface PlacedLayer {
  readonly schedule: Schedule;
  readonly window?: LayerWindow;
  readonly supersedes?: readonly string[];
}

const LEVEL_ORDER = { national: 0, province: 1, agency: 2 } as const;
const OPEN: LayerWindow = Object.freeze({ from: null, to: null });

function overlaps(a: FeeValue, b: FeeValue): boolean {
  return (a.to === null || a.to >= b.from) && (b.to === null || b.to >= a.from);
}

/** True if `date` lies in the window. */
export function inWindow(w: LayerWindow, date: string): boolean {
  return (w.from === null || w.from <= date) && (w.to === null || date <= w.to);
}

/**
 * Merges layers, most general first, each in force everywhere. For a procedure defined in several layers, the
 * most specific layer that has a value in force on the assessment date wins; dates it does not cover fall
 * through to the layer below. Rules of all layers apply together (the most favourable wins at assessment time);
 * a rule id repeated in a later layer replaces the earlier rule. Every override and disagreement is listed in
 * `conflicts` — never silent. For an agency, use `resolveSchedules`, which places the layers on its territory.
 *
 * @example
 * const set = mergeSchedules(nationalSchedule, loadScheduleFile('agency.yaml'));
 * for (const c of set.conflicts) console.warn(c.message);
 * @public
 */
export function mergeSchedules(...layers: readonly Schedule[]): ScheduleSet {
  return buildSet(layers.map((schedule) => ({ schedule })));
}

/** Builds a set from placed layers (most general first). Used by the resolver. */
export function buildSet(
  placed: readonly PlacedLayer[],
  extra: { unit?: AdministrativeUnit; excluded?: readonly ExcludedLayer[] } = {},
): ScheduleSet {
  const fees = new Map<string, LayeredFee[]>();
  const rules = new Map<string, LayeredRule>();
  const categories = new Map<string, string>();
  const windows = new Map<string, LayerWindow>();
  const conflicts: ScheduleConflict[] = [];

  placed.forEach(({ schedule, window = OPEN, supersedes = [] }, i) => {
    const prev = placed[i - 1]?.schedule;
    if (prev !== undefined && LEVEL_ORDER[schedule.level] < LEVEL_ORDER[prev.level]) {
      conflicts.push({
        kind: 'layer-order',
        id: schedule.id,
        layers: [prev.id, schedule.id],
        message: `Tầng "${schedule.id}" (${schedule.level}) đứng sau tầng "${prev.id}" (${prev.level}): thứ tự phải từ chung đến riêng`,
      });
    }
    windows.set(schedule.id, window);
    for (const [id, c] of Object.entries(schedule.categories)) categories.set(id, c.label);
    for (const fee of schedule.fees) {
      const existing = fees.get(fee.id) ?? [];
      const above: LayeredFee = Object.freeze({
        schedule,
        fee,
        window,
        supersedes: Object.freeze([...supersedes]),
      });
      for (const below of existing) reportFeeConflicts(below, above, conflicts);
      fees.set(fee.id, [above, ...existing]);
    }
    for (const rule of schedule.rules) {
      const below = rules.get(rule.id);
      if (below !== undefined) {
        conflicts.push({
          kind: 'rule-overridden',
          id: rule.id,
          layers: [below.schedule.id, schedule.id],
          message: `Quy tắc "${rule.id}" của "${below.schedule.id}" bị "${schedule.id}" thay thế`,
        });
        rules.delete(rule.id); // re-insert so order follows the overriding layer
      }
      rules.set(rule.id, Object.freeze({ schedule, rule, window }));
    }
  });

  return Object.freeze({
    layers: Object.freeze(placed.map((p) => p.schedule)),
    windows,
    fees: new Map([...fees].map(([id, list]) => [id, Object.freeze(list)])),
    rules: Object.freeze([...rules.values()]),
    categories,
    conflicts: Object.freeze(conflicts),
    ...(extra.unit === undefined ? {} : { unit: extra.unit }),
    example: placed.some((p) => p.schedule.example) || extra.unit?.example === true,
    excluded: Object.freeze([...(extra.excluded ?? [])]),
  });
}

/** The definition and value in force for a procedure on `date`: the most specific layer that has one wins. */
export function valueInForce(
  defs: readonly LayeredFee[],
  date: string,
): { def: LayeredFee; value: FeeValue } | undefined {
  for (const def of defs) {
    if (!inWindow(def.window, date)) continue;
    const value = def.fee.values.find((v) => v.from <= date && (v.to === null || date <= v.to));
    if (value !== undefined) return { def, value };
  }
  return undefined;
}

/** What rules attach to: a procedure's id, and the tags and national codes of all its definitions. */
export interface ProcedureTarget {
  readonly id: string;
  readonly tags: ReadonlySet<string>;
  readonly codes: ReadonlySet<string>;
}

/**
 * The id, tags and codes a procedure is known by in a set (the union over its layers, so a province's own
 * definition of a nationally declared procedure keeps the national tags and codes, and with them the rules).
 */
export function procedureTarget(defs: readonly LayeredFee[]): ProcedureTarget {
  const tags = new Set<string>();
  const codes = new Set<string>();
  for (const { fee } of defs) {
    for (const t of fee.tags) tags.add(t);
    for (const c of fee.codes) codes.add(c);
  }
  return { id: defs[0]?.fee.id ?? '', tags, codes };
}

function reportFeeConflicts(below: LayeredFee, above: LayeredFee, out: ScheduleConflict[]): void {
  const layers = [below.schedule.id, above.schedule.id] as const;
  const id = above.fee.id;
  if (below.fee.kind !== above.fee.kind) {
    out.push({
      kind: 'kind-mismatch',
      id,
      layers,
      message: `"${id}": "${below.schedule.id}" ghi ${below.fee.kind}, "${above.schedule.id}" ghi ${above.fee.kind}`,
    });
  }
  const q1 = Object.keys(below.fee.quantities).sort().join(',');
  const q2 = Object.keys(above.fee.quantities).sort().join(',');
  if (q1 !== q2) {
    out.push({
      kind: 'quantities-mismatch',
      id,
      layers,
      message: `"${id}": số lượng khác nhau giữa "${below.schedule.id}" [${q1}] và "${above.schedule.id}" [${q2}]`,
    });
  }
  for (const a of below.fee.values) {
    for (const b of above.fee.values) {
      if (overlaps(a, b)) {
        out.push({
          kind: 'fee-overridden',
          id,
          layers,
          message: `"${id}": mức thu của "${above.schedule.id}" (từ ${b.from}) thay mức của "${below.schedule.id}" (từ ${a.from}) trong thời gian trùng nhau`,
        });
      }
    }
  }
}
