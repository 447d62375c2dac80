/**
 * @module Evaluating one fee formula for one line. Pure; integer VND out, fractions only inside decimal.js.
 */
import { Decimal } from 'decimal.js';
import { assertVnd } from '../money.js';
import { ROUNDING_LABELS, ROUNDING_MODES } from '../rounding/index.js';
import type { BaseFormula, FeeFormula } from '../schedule/schema.js';
import type { Channel } from '../types.js';
import { formatVnd, groupDigits } from '../vnd/format.js';

/** What a formula produced for a line. */
export interface FormulaResult {
  amount: number;
  /** True when the law itself charges nothing (formula `free`). */
  free: boolean;
  explanation: string[];
  warnings: string[];
  /** Set when the input lies outside what the formula's source covers (`sourcedUpTo`): no amount can be given. */
  unsourced?: string;
}

/** Context a formula needs: the line's quantities with their Vietnamese labels, and the channel. */
export interface FormulaInput {
  quantities: Readonly<Record<string, number>>;
  labels: Readonly<Record<string, string>>;
  channel: Channel;
}

const CHANNEL_LABELS: Record<Channel, string> = {
  counter: 'nộp trực tiếp',
  online: 'nộp trực tuyến',
  postal: 'nộp qua bưu chính',
};

/** `0.5` → `0,5%` (Vietnamese decimal comma). */
export function formatPercent(percent: string): string {
  return `${new Decimal(percent).toString().replace('.', ',')}%`;
}

function qty(input: FormulaInput, name: string): number {
  // Presence and integrality were checked by assess(); a missing value here is a bug, not user input.
  const q = input.quantities[name];
  if (q === undefined) throw new Error(`internal: quantity ${name} not validated`);
  return q;
}

function times(a: number, b: number, what: string): number {
  return assertVnd(a * b, what);
}

/**
 * Evaluates a formula. Multiplications are checked: a product that is not a safe integer throws instead of
 * losing đồng.
 *
 * @example
 * evaluateFormula({ type: 'per-unit', unit: 'copies', rate: 8000 },
 *   { quantities: { copies: 3 }, labels: { copies: 'bản' }, channel: 'counter' }).amount // 24000
 * @public
 */
export function evaluateFormula(formula: FeeFormula, input: FormulaInput): FormulaResult {
  if (formula.type === 'by-channel') {
    const own = formula[input.channel];
    const chosen = own ?? formula.counter;
    const result = evaluateBase(chosen, input);
    if (result.unsourced !== undefined) return result;
    const head =
      own !== undefined
        ? `Mức thu riêng cho kênh ${CHANNEL_LABELS[input.channel]}.`
        : `Không có mức riêng cho kênh ${CHANNEL_LABELS[input.channel]}: áp dụng mức nộp trực tiếp.`;
    return { ...result, explanation: [head, ...result.explanation] };
  }
  return evaluateBase(formula, input);
}

function evaluateBase(f: BaseFormula, input: FormulaInput): FormulaResult {
  const label = (name: string) => input.labels[name] ?? name;
  switch (f.type) {
    case 'free':
      return { amount: 0, free: true, explanation: ['Không thu theo quy định của luật.'], warnings: [] };
    case 'flat':
      return {
        amount: f.amount,
        free: false,
        explanation: [`Mức thu: ${formatVnd(f.amount)}/lần.`],
        warnings: [],
      };
    case 'per-unit': {
      const n = qty(input, f.unit);
      const amount = times(n, f.rate, f.unit);
      return {
        amount,
        free: false,
        explanation: [`${groupDigits(n)} ${label(f.unit)} × ${formatVnd(f.rate)} = ${formatVnd(amount)}.`],
        warnings: [],
      };
    }
    case 'tiered': {
      const n = qty(input, f.unit);
      const unitLabel = label(f.unit);
      const explanation: string[] = [];
      let one = f.base ?? 0;
      if (f.base !== undefined) explanation.push(`Mức cơ bản: ${formatVnd(f.base)}.`);
      for (const t of f.tiers) {
        const upper = t.to === null ? n : Math.min(n, t.to);
        const count = Math.max(0, upper - t.from + 1);
        if (count === 0) continue;
        const range = t.to === null ? `từ ${unitLabel} thứ ${t.from}` : `${unitLabel} ${t.from}–${t.to}`;
        const rangeText = `${range.charAt(0).toUpperCase()}${range.slice(1)}`;
        if (t.rate === 0 && f.base !== undefined) {
          explanation.push(`${rangeText}: đã gồm trong mức cơ bản.`);
          continue;
        }
        const part = times(count, t.rate, f.unit);
        one = assertVnd(one + part, f.unit);
        explanation.push(
          `${rangeText}: ${groupDigits(count)} ${unitLabel} × ${formatVnd(t.rate)} = ${formatVnd(part)}.`,
        );
      }
      const perLabel = f.per === undefined ? undefined : label(f.per);
      if (f.cap !== undefined && one > f.cap) {
        explanation.push(
          `Cộng ${formatVnd(one)} vượt mức tối đa ${formatVnd(f.cap)}${perLabel ? `/${perLabel}` : ''}: thu ${formatVnd(f.cap)}.`,
        );
        one = f.cap;
      }
      if (f.per === undefined) {
        explanation.push(`Cộng: ${formatVnd(one)}.`);
        return { amount: one, free: false, explanation, warnings: [] };
      }
      const m = qty(input, f.per);
      const amount = times(m, one, f.per);
      explanation.push(
        `Mỗi ${perLabel}: ${formatVnd(one)} × ${groupDigits(m)} ${perLabel} = ${formatVnd(amount)}.`,
      );
      return { amount, free: false, explanation, warnings: [] };
    }
    case 'percentage': {
      const value = qty(input, f.of);
      if (f.sourcedUpTo !== undefined && value > f.sourcedUpTo) {
        return {
          amount: 0,
          free: false,
          explanation: [],
          warnings: [],
          unsourced: `mức thu cho ${label(f.of)} trên ${formatVnd(f.sourcedUpTo)} chưa được đối chiếu văn bản (có thể có mức trần)`,
        };
      }
      const exact = new Decimal(value).times(f.percent).div(100);
      const rounded = ROUNDING_MODES[f.rounding](exact);
      let amount = assertVnd(rounded.toNumber(), f.of);
      const explanation = [
        `${formatPercent(f.percent)} × ${formatVnd(value)} = ${exact.isInteger() ? formatVnd(amount) : `${exact.toFixed().replace('.', ',')} ₫`}.`,
      ];
      const warnings: string[] = [];
      if (!exact.isInteger()) {
        explanation.push(`Làm tròn (${ROUNDING_LABELS[f.rounding]}): ${formatVnd(amount)}.`);
        if (f.roundingBasis === undefined) {
          warnings.push(
            `Cách làm tròn "${f.rounding}" không do văn bản quy định (thuphi tự chọn, cần xác nhận): ${exact.toFixed()} → ${amount}.`,
          );
        }
      }
      if (f.max !== undefined && amount > f.max) {
        explanation.push(`Vượt mức tối đa ${formatVnd(f.max)}: thu ${formatVnd(f.max)}.`);
        amount = f.max;
      }
      if (f.min !== undefined && amount < f.min) {
        explanation.push(`Thấp hơn mức tối thiểu ${formatVnd(f.min)}: thu ${formatVnd(f.min)}.`);
        amount = f.min;
      }
      return { amount, free: false, explanation, warnings };
    }
  }
}
