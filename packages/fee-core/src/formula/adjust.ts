/**
 * @module Exemptions and reductions: which rules apply to a line, and the most favourable of them.
 */
import { Decimal } from 'decimal.js';
import { assertVnd } from '../money.js';
import { ROUNDING_MODES } from '../rounding/index.js';
import type { LayeredRule } from '../schedule/merge.js';
import type { AdjustmentRule, FeeDefinition } from '../schedule/schema.js';
import type { Channel } from '../types.js';
import { formatVnd } from '../vnd/format.js';
import { formatPercent } from './evaluate.js';

/** True if `rule` covers this fee on `date`, for this channel and these applicant categories. */
export function ruleApplies(
  rule: AdjustmentRule,
  fee: FeeDefinition,
  date: string,
  channel: Channel,
  categories: ReadonlySet<string>,
): boolean {
  const covers = rule.procedures.includes(fee.id) || rule.tags.some((t) => fee.tags.includes(t));
  if (!covers) return false;
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

/**
 * Picks the most favourable applicable rule (lowest amount payable). Rules never multiply: "áp dụng mức ưu đãi
 * cao nhất" (NQ 66.22/2026/NQ-CP Điều 5 khoản 2). On a tie the rule listed first wins, so data order decides,
 * deterministically.
 */
export function chooseRule(applicable: readonly LayeredRule[], base: number): ChosenRule {
  let chosen: ChosenRule['chosen'];
  for (const layered of applicable) {
    const after = applyEffect(layered.rule, base);
    if (chosen === undefined || after < chosen.after) chosen = { layered, after };
  }
  return { chosen, others: applicable.filter((r) => r !== chosen?.layered) };
}
