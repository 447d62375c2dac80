/**
 * @module Vietnamese one-line summaries of formulas and rule effects, for the catalogue and version previews.
 */
import type { AdjustmentRule, BaseFormula, FeeFormula } from '../schedule/schema.js';
import { formatVnd } from '../vnd/format.js';
import { formatPercent } from './evaluate.js';

type Labels = Readonly<Record<string, string>>;

function base(f: BaseFormula, labels: Labels): string {
  const label = (name: string) => labels[name] ?? name;
  switch (f.type) {
    case 'free':
      return 'Không thu';
    case 'flat':
      return `${formatVnd(f.amount)}/lần`;
    case 'per-unit':
      return `${formatVnd(f.rate)}/${label(f.unit)}`;
    case 'tiered': {
      const u = label(f.unit);
      const parts: string[] = [];
      if (f.base !== undefined) parts.push(`${formatVnd(f.base)}/lần`);
      for (const t of f.tiers) {
        if (t.rate === 0 && f.base !== undefined) continue;
        const range =
          t.to === null ? (t.from === 1 ? '' : `từ ${u} thứ ${t.from}: `) : `${u} ${t.from}–${t.to}: `;
        parts.push(`${range}${formatVnd(t.rate)}/${u}`);
      }
      if (f.cap !== undefined) parts.push(`tối đa ${formatVnd(f.cap)}${f.per ? `/${label(f.per)}` : ''}`);
      if (f.per !== undefined) parts.push(`tính cho mỗi ${label(f.per)}`);
      return parts.join('; ');
    }
    case 'percentage': {
      const parts = [`${formatPercent(f.percent)} × ${label(f.of)}`];
      if (f.min !== undefined) parts.push(`tối thiểu ${formatVnd(f.min)}`);
      if (f.max !== undefined) parts.push(`tối đa ${formatVnd(f.max)}`);
      return parts.join(', ');
    }
  }
}

/**
 * A formula in one Vietnamese line: `2.000 ₫/trang; từ trang thứ 3: 1.000 ₫/trang; tối đa 200.000 ₫/bản`.
 *
 * @param labels - quantity name → its unit label (`pages` → `trang`)
 * @example
 * summariseFormula({ type: 'flat', amount: 20000 }, {}) // '20.000 ₫/lần'
 * @public
 */
export function summariseFormula(f: FeeFormula, labels: Labels = {}): string {
  if (f.type !== 'by-channel') return base(f, labels);
  const parts = [`Nộp trực tiếp: ${base(f.counter, labels)}`];
  if (f.online !== undefined) parts.push(`trực tuyến: ${base(f.online, labels)}`);
  if (f.postal !== undefined) parts.push(`qua bưu chính: ${base(f.postal, labels)}`);
  return parts.join('; ');
}

/**
 * What a rule does, in Vietnamese: `Miễn`, `Giảm 50%`, `Giảm 100.000 ₫`.
 * @example
 * summariseEffect({ type: 'percent-off', percent: '50', rounding: 'down' }) // 'Giảm 50%'
 * @public
 */
export function summariseEffect(effect: AdjustmentRule['effect']): string {
  switch (effect.type) {
    case 'set-to-zero':
      return 'Miễn (0 ₫)';
    case 'percent-off':
      return `Giảm ${formatPercent(effect.percent)}`;
    case 'amount-off':
      return `Giảm ${formatVnd(effect.amount)}`;
  }
}
