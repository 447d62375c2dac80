/**
 * @module Merging schedule layers (national → province → agency) into one {@link ScheduleSet}.
 */
import type { AdjustmentRule, FeeDefinition, FeeValue, Schedule } from './schema.js';

/** A fee as defined by one layer. */
export interface LayeredFee {
  readonly schedule: Schedule;
  readonly fee: FeeDefinition;
}

/** A rule as defined by one layer. */
export interface LayeredRule {
  readonly schedule: Schedule;
  readonly rule: AdjustmentRule;
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

/** Merged schedules: what `assess()` reads. Build it with {@link mergeSchedules}. */
export interface ScheduleSet {
  /** The layers, most general first. */
  readonly layers: readonly Schedule[];
  /** Per procedure id, its definitions, **most specific layer first**. */
  readonly fees: ReadonlyMap<string, readonly LayeredFee[]>;
  /** Every exemption/reduction rule in force in any layer (a later layer replaces a rule with the same id). */
  readonly rules: readonly LayeredRule[];
  readonly conflicts: readonly ScheduleConflict[];
}

const LEVEL_ORDER = { national: 0, province: 1, agency: 2 } as const;

function overlaps(a: FeeValue, b: FeeValue): boolean {
  return (a.to === null || a.to >= b.from) && (b.to === null || b.to >= a.from);
}

/**
 * Merges layers, most general first. For a procedure defined in several layers, the most specific layer that
 * has a value in force on the assessment date wins; dates it does not cover fall through to the layer below.
 * Rules of all layers apply together (the most favourable wins at assessment time); a rule id repeated in a later
 * layer replaces the earlier rule. Every override and disagreement is listed in `conflicts` — never silent.
 *
 * @example
 * const set = mergeSchedules(national, province, loadScheduleFile('agency.yaml'));
 * for (const c of set.conflicts) console.warn(c.message);
 * @public
 */
export function mergeSchedules(...layers: readonly Schedule[]): ScheduleSet {
  const fees = new Map<string, LayeredFee[]>();
  const rules = new Map<string, LayeredRule>();
  const conflicts: ScheduleConflict[] = [];

  layers.forEach((schedule, i) => {
    const prev = layers[i - 1];
    if (prev !== undefined && LEVEL_ORDER[schedule.level] < LEVEL_ORDER[prev.level]) {
      conflicts.push({
        kind: 'layer-order',
        id: schedule.id,
        layers: [prev.id, schedule.id],
        message: `Tầng "${schedule.id}" (${schedule.level}) đứng sau tầng "${prev.id}" (${prev.level}): thứ tự phải từ chung đến riêng`,
      });
    }
    for (const fee of schedule.fees) {
      const existing = fees.get(fee.id) ?? [];
      for (const below of existing) reportFeeConflicts(below, { schedule, fee }, conflicts);
      fees.set(fee.id, [{ schedule, fee }, ...existing]);
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
      rules.set(rule.id, { schedule, rule });
    }
  });

  return Object.freeze({
    layers: Object.freeze([...layers]),
    fees: new Map([...fees].map(([id, list]) => [id, Object.freeze(list)])),
    rules: Object.freeze([...rules.values()]),
    conflicts: Object.freeze(conflicts),
  });
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
