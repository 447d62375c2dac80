/**
 * @module Preview of a new schedule version: which procedures change, old → new (formula summary and the amount
 * of a sample), from which date; and which rules are added, removed or changed.
 */
import { evaluateFormula } from '../formula/evaluate.js';
import { summariseEffect, summariseFormula } from '../formula/summary.js';
import { canonicalJson } from './hash.js';
import { type LayeredFee, type ScheduleSet, valueInForce } from './merge.js';
import type { Confidence, FeeFormula } from './schema.js';

/** A rate as the preview shows it. */
export interface RateSummary {
  /** `20.000 ₫/lần` */
  readonly formula: string;
  /** The amount at the counter for `sample` quantities (each quantity at its minimum, at least 1). */
  readonly sampleAmount: number;
  readonly sample: Readonly<Record<string, number>>;
  /** `Thông tư 75/2022/TT-BTC, Điều 3` */
  readonly basis: string;
  readonly confidence: Confidence;
  /** The layer that gives it. */
  readonly schedule: string;
}

/** One period in which a procedure's rate differs between the versions (`null`: no rate in force). */
export interface RateChangePeriod {
  readonly from: string;
  readonly to: string | null;
  readonly before: RateSummary | null;
  readonly after: RateSummary | null;
}

/** A procedure whose rate changes. */
export interface ProcedureChange {
  readonly procedure: string;
  readonly name: string;
  readonly codes: readonly string[];
  /** `added`: not in the old set; `removed`: not in the new one; `changed`: rate differs in some period. */
  readonly change: 'added' | 'removed' | 'changed';
  /** The first date on which the two versions price it differently (`null`: declared only, no rate either way). */
  readonly from: string | null;
  readonly periods: readonly RateChangePeriod[];
}

/** A rule added, removed or changed. */
export interface RuleChange {
  readonly rule: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** `Miễn (0 ₫) từ 2026-08-15 đến 2027-02-28` */
  readonly before?: string;
  readonly after?: string;
}

/** What a new version changes. Empty lists: the versions price everything the same. */
export interface ScheduleDiff {
  readonly procedures: readonly ProcedureChange[];
  readonly rules: readonly RuleChange[];
}

function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function breakpoints(defs: readonly LayeredFee[]): string[] {
  const out: string[] = [];
  for (const d of defs) {
    if (d.window.from !== null) out.push(d.window.from);
    if (d.window.to !== null) out.push(nextDay(d.window.to));
    for (const v of d.fee.values) {
      out.push(v.from);
      if (v.to !== null) out.push(nextDay(v.to));
    }
  }
  return out;
}

function sampleFor(def: LayeredFee, formula: FeeFormula): Record<string, number> {
  const pct = new Set<string>();
  const visit = (f: FeeFormula) => {
    if (f.type === 'percentage') pct.add(f.of);
    if (f.type === 'by-channel') for (const ch of [f.counter, f.online, f.postal]) if (ch) visit(ch);
  };
  visit(formula);
  // A declared value (percentage base) is sampled at 100.000.000 đ; counts at their minimum, at least 1.
  return Object.fromEntries(
    Object.entries(def.fee.quantities).map(([k, q]) => [k, pct.has(k) ? 100_000_000 : Math.max(1, q.min)]),
  );
}

function summaryAt(defs: readonly LayeredFee[] | undefined, date: string): RateSummary | null {
  if (defs === undefined) return null;
  const found = valueInForce(defs, date);
  if (found === undefined) return null;
  const { def, value } = found;
  const labels = Object.fromEntries(Object.entries(def.fee.quantities).map(([k, q]) => [k, q.label]));
  const sample = sampleFor(def, value.formula);
  const b = value.basis ?? def.fee.basis;
  return {
    formula: summariseFormula(value.formula, labels),
    sampleAmount: evaluateFormula(value.formula, { quantities: sample, labels, channel: 'counter' }).amount,
    sample,
    basis: b.article ? `${b.document}, ${b.article}` : b.document,
    confidence: value.confidence,
    schedule: def.schedule.id,
  };
}

// Two summaries price the same when formula, basis and confidence agree (the layer id alone is not a change).
function same(
  a: RateSummary | null,
  b: RateSummary | null,
  da: LayeredFee[] | undefined,
  db: LayeredFee[] | undefined,
  date: string,
): boolean {
  if (a === null || b === null) return a === b;
  const va = da && valueInForce(da, date);
  const vb = db && valueInForce(db, date);
  const key = (v: typeof va) =>
    v
      ? canonicalJson({
          formula: v.value.formula,
          basis: v.value.basis ?? v.def.fee.basis,
          confidence: v.value.confidence,
        })
      : '';
  return key(va) === key(vb);
}

function ruleText(r: {
  effect: Parameters<typeof summariseEffect>[0];
  from: string;
  to: string | null;
}): string {
  return `${summariseEffect(r.effect)} từ ${r.from}${r.to === null ? '' : ` đến ${r.to}`}`;
}

/**
 * Compares two versions of a unit's schedule set (e.g. before and after uploading a province file): for each
 * procedure, the periods in which its rate differs (old → new formula and sample amount), and from which date;
 * and the rules added, removed or changed. `since` drops periods that end before it (default: all history).
 *
 * @example
 * const d = diffScheduleSets(resolveSchedules(current, unit), resolveSchedules([...current, upload], unit),
 *   { since: '2026-12-04' });
 * d.procedures[0]; // { procedure: 'dang-ky-khai-sinh-qua-han', from: '2026-01-01', periods: [{ before: null, after: { formula: '8.000 ₫/lần', … } }] }
 * @public
 */
export function diffScheduleSets(
  before: ScheduleSet,
  after: ScheduleSet,
  options: { since?: string } = {},
): ScheduleDiff {
  const procedures: ProcedureChange[] = [];
  const ids = [...new Set([...before.fees.keys(), ...after.fees.keys()])];
  for (const id of ids) {
    const da = before.fees.get(id) as LayeredFee[] | undefined;
    const db = after.fees.get(id) as LayeredFee[] | undefined;
    const points = [...new Set([...breakpoints(da ?? []), ...breakpoints(db ?? [])])].sort();
    const periods: RateChangePeriod[] = [];
    points.forEach((from, i) => {
      const next = points[i + 1];
      const to = next === undefined ? null : previousDay(next);
      if (options.since !== undefined && to !== null && to < options.since) return;
      const a = summaryAt(da, from);
      const b = summaryAt(db, from);
      if (same(a, b, da, db, from)) return;
      const last = periods[periods.length - 1];
      if (
        last !== undefined &&
        last.to !== null &&
        nextDay(last.to) === from &&
        canonicalJson([last.before, last.after]) === canonicalJson([a, b])
      ) {
        periods[periods.length - 1] = { ...last, to };
      } else periods.push({ from, to, before: a, after: b });
    });
    const fee = (db ?? da)![0]!.fee;
    const change = da === undefined ? 'added' : db === undefined ? 'removed' : 'changed';
    if (periods.length === 0 && change === 'changed') continue;
    procedures.push({
      procedure: id,
      name: fee.name,
      codes: fee.codes,
      change,
      from: periods[0]?.from ?? null,
      periods,
    });
  }

  const rules: RuleChange[] = [];
  const ra = new Map(before.rules.map((r) => [r.rule.id, r.rule]));
  const rb = new Map(after.rules.map((r) => [r.rule.id, r.rule]));
  for (const [id, r] of rb) {
    const old = ra.get(id);
    if (old === undefined) rules.push({ rule: id, name: r.name, change: 'added', after: ruleText(r) });
    else if (canonicalJson(old) !== canonicalJson(r))
      rules.push({ rule: id, name: r.name, change: 'changed', before: ruleText(old), after: ruleText(r) });
  }
  for (const [id, r] of ra) {
    if (!rb.has(id)) rules.push({ rule: id, name: r.name, change: 'removed', before: ruleText(r) });
  }
  return { procedures, rules };
}

function previousDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
