/**
 * @module Exemptions and reductions: which rules apply to a line, and the most favourable of them.
 */
import { Decimal } from 'decimal.js';
import { assertVnd } from '../money.js';
import { ROUNDING_MODES } from '../rounding/index.js';
import { inWindow, type LayeredRule, type ProcedureTarget } from '../schedule/merge.js';
import type { AdjustmentRule } from '../schedule/schema.js';
import type { Channel } from '../types.js';
import { formatVnd } from '../vnd/format.js';
import { formatPercent } from './evaluate.js';

/** True if `rule` names this procedure: by id, by one of its tags or by one of its national codes. */
export function ruleCovers(rule: AdjustmentRule, target: ProcedureTarget): boolean {
  return (
    rule.procedures.includes(target.id) ||
    rule.tags.some((t) => target.tags.has(t)) ||
    rule.codes.some((c) => target.codes.has(c))
  );
}

/** True if `rule` covers this procedure on `date`, for this channel and these applicant categories. */
export function ruleApplies(
  rule: AdjustmentRule,
  target: ProcedureTarget,
  date: string,
  channel: Channel,
  categories: ReadonlySet<string>,
): boolean {
  if (!ruleCovers(rule, target)) return false;
  if (date < rule.from || (rule.to !== null && date > rule.to)) return false;
  const { anyCategory, allCategories, channels } = rule.when;
  if (channels !== undefined && !channels.includes(channel)) return false;
  if (anyCategory !== undefined && !anyCategory.some((c) => categories.has(c))) return false;
  if (allCategories !== undefined && !allCategories.every((c) => categories.has(c))) return false;
  return true;
}

/** Amount payable after `rule` is applied to `base`; never negative. */
export function applyEffect(rule: AdjustmentRule, base: number): number {
  const e = rule.effect;
  switch (e.type) {
    case 'set-to-zero':
      return 0;
    case 'amount-off':
      return Math.max(0, base - e.amount);
    case 'percent-off': {
      const payable = new Decimal(base).times(new Decimal(100).minus(e.percent)).div(100);
      return assertVnd(ROUNDING_MODES[e.rounding](payable).toNumber(), rule.id);
    }
  }
}

/** Vietnamese sentence for what a rule did. */
export function describeEffect(rule: AdjustmentRule, base: number, after: number): string {
  const e = rule.effect;
  const what =
    e.type === 'set-to-zero'
      ? 'miễn'
      : e.type === 'percent-off'
        ? `giảm ${formatPercent(e.percent)}`
        : `giảm ${formatVnd(Math.min(e.amount, base))}`;
  return `${rule.name}: ${formatVnd(base)} → ${formatVnd(after)} (${what}).`;
}

/** The rule chosen for a line, or none. */
export interface ChosenRule {
  readonly chosen: { readonly layered: LayeredRule; readonly after: number } | undefined;
  /** Other applicable rules, not applied: preferences do not stack. */
  readonly others: readonly LayeredRule[];
}

/** The layered rules that apply to a line: in force in their layer's window, not superseded, covering it. */
export function applicableRules(
  rules: readonly LayeredRule[],
  target: ProcedureTarget,
  date: string,
  channel: Channel,
  categories: ReadonlySet<string>,
  superseded: readonly string[] = [],
): LayeredRule[] {
  return rules.filter(
    (r) =>
      inWindow(r.window, date) &&
      !superseded.includes(r.schedule.id) &&
      ruleApplies(r.rule, target, date, channel, categories),
  );
}

/** The layered rules covering a procedure on `date`, whatever the applicant and channel (for the catalogue). */
export function applicableRulesOn(
  rules: readonly LayeredRule[],
  target: ProcedureTarget,
  date: string,
  superseded: readonly string[] = [],
): LayeredRule[] {
  return rules.filter(
    (r) =>
      inWindow(r.window, date) &&
      !superseded.includes(r.schedule.id) &&
      ruleCovers(r.rule, target) &&
      date >= r.rule.from &&
      (r.rule.to === null || date <= r.rule.to),
  );
}

/**
 * Picks the most favourable applicable rule (lowest amount payable). Rules never multiply: when a person is
 * entitled to several preferences, the highest applies ("áp dụng mức ưu đãi cao nhất", Thông tư 117/2026/TT-BTC
 * Điều 2 khoản 2, as NQ 66.22/2026/NQ-CP Điều 5 khoản 2 before it). On a tie the rule listed first wins, so
 * data order decides, deterministically.
 */
export function chooseRule(applicable: readonly LayeredRule[], base: number): ChosenRule {
  let chosen: ChosenRule['chosen'];
  for (const layered of applicable) {
    const after = applyEffect(layered.rule, base);
    if (chosen === undefined || after < chosen.after) chosen = { layered, after };
  }
  return { chosen, others: applicable.filter((r) => r !== chosen?.layered) };
}
