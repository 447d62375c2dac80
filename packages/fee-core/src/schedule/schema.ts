/**
 * @module The schedule file format (biểu phí), as a zod schema.
 *
 * One file = one layer (national, a province, an agency). A fee has dated values, each with one formula; an
 * end of validity is always written (`to: null` means "in force until a later text says otherwise"), nothing is
 * inferred from file order. Exemptions and reductions are separate rules (see {@link ruleSchema}).
 */
import * as z from 'zod';
import { ROUNDING_MODES, type RoundingMode } from '../rounding/index.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

// YAML turns an unquoted 2017-01-01 into a Date; accept both and keep the string form.
const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.string().refine(isIsoDate, { message: 'phải là ngày dạng YYYY-MM-DD' }),
);

const vnd = z
  .number()
  .int('phải là số nguyên đồng')
  .nonnegative('không được âm')
  .max(Number.MAX_SAFE_INTEGER);
const quantityName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'tên số lượng: chữ thường, không dấu');
const slug = z.string().regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, 'mã: chữ thường, số và dấu gạch ngang');
// Percentages are written as decimal strings or numbers and only ever read into decimal.js.
const percent = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'phần trăm dạng 0.5 hoặc "0.5"')])
  .transform((v) => String(v))
  .refine((v) => Number(v) > 0 && Number(v) <= 100, { message: 'phần trăm phải trong (0, 100]' });

const roundingMode = z.enum(Object.keys(ROUNDING_MODES) as [RoundingMode, ...RoundingMode[]]);

/** Legal basis of a value or rule: the document, its article, who issued it. */
export const basisSchema = z.strictObject({
  document: z.string().min(1),
  article: z.string().min(1).optional(),
  issuer: z.string().min(1).optional(),
  effectiveFrom: isoDate.optional(),
  url: z.string().url().optional(),
});

/** How sure the data is: `primary` = read in the legal text; anything else raises a warning in assessments. */
export const confidenceSchema = z.enum(['primary', 'secondary', 'secondary-ocr', 'unverified']);

const flatSchema = z.strictObject({ type: z.literal('flat'), amount: vnd });
const perUnitSchema = z.strictObject({
  type: z.literal('per-unit'),
  unit: quantityName,
  rate: vnd,
});
const tierSchema = z.strictObject({
  from: z.number().int().positive(),
  to: z.number().int().positive().nullable(),
  rate: vnd,
});
/**
 * Tiered per unit: `base` once, plus each unit of `unit` at the rate of its tier (tiers are contiguous, the first
 * starts at 1, the last ends with `to: null`). With `per`, the whole thing is computed per unit of `per`
 * (e.g. per copy), and `cap` bounds the amount of one such unit ("tối đa 200.000 đ/bản").
 */
const tieredSchema = z.strictObject({
  type: z.literal('tiered'),
  unit: quantityName,
  base: vnd.optional(),
  tiers: z.array(tierSchema).min(1),
  per: quantityName.optional(),
  cap: vnd.optional(),
});
/** Percentage of a declared value, bounded by min/max, rounded by a named mode. */
const percentageSchema = z.strictObject({
  type: z.literal('percentage'),
  of: quantityName,
  percent,
  min: vnd.optional(),
  max: vnd.optional(),
  rounding: roundingMode,
  // The text that fixes the rounding. Without it the rounding is our own choice and assessments say so.
  roundingBasis: basisSchema.optional(),
});
/** No charge because the law says so (e.g. Luật Hộ tịch Điều 11 k1 b): the line is exempt, with this basis. */
const freeSchema = z.strictObject({ type: z.literal('free') });

const baseFormulaSchema = z.discriminatedUnion('type', [
  flatSchema,
  perUnitSchema,
  tieredSchema,
  percentageSchema,
  freeSchema,
]);
/** Channel-specific rates; a channel without its own formula pays the counter rate (said in the explanation). */
const byChannelSchema = z.strictObject({
  type: z.literal('by-channel'),
  counter: baseFormulaSchema,
  online: baseFormulaSchema.optional(),
  postal: baseFormulaSchema.optional(),
});

/** A fee formula. */
export const formulaSchema = z.discriminatedUnion('type', [
  flatSchema,
  perUnitSchema,
  tieredSchema,
  percentageSchema,
  freeSchema,
  byChannelSchema,
]);

/** One dated value of a fee: in force from `from` to `to` inclusive (`to: null` = no end yet). */
export const valueSchema = z.strictObject({
  from: isoDate,
  to: isoDate.nullable(),
  formula: formulaSchema,
  basis: basisSchema.optional(),
  confidence: confidenceSchema.default('primary'),
  note: z.string().optional(),
});

const quantitySchema = z.strictObject({
  label: z.string().min(1),
  min: z.number().int().nonnegative().default(1),
});

/** A fee (phí) or charge (lệ phí) for one procedure. */
export const feeSchema = z
  .strictObject({
    id: slug,
    name: z.string().min(1),
    kind: z.enum(['phi', 'le-phi']),
    collectingLevel: z.array(z.enum(['central', 'province', 'district', 'commune'])).min(1),
    collector: z.string().min(1).optional(),
    tags: z.array(slug).default([]),
    quantities: z.record(quantityName, quantitySchema).default({}),
    // Which quantity is reported as the line's `quantity` (e.g. copies); none → 1.
    countBy: quantityName.optional(),
    basis: basisSchema,
    values: z.array(valueSchema).min(1),
    note: z.string().optional(),
  })
  .superRefine((fee, ctx) =>
    checkFee(fee, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

/** What an exemption or reduction does to a line's amount. The most favourable applicable rule wins. */
export const effectSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('set-to-zero') }),
  z.strictObject({ type: z.literal('amount-off'), amount: vnd }),
  z.strictObject({ type: z.literal('percent-off'), percent, rounding: roundingMode }),
]);

/** An exemption (miễn) or reduction (giảm), with its own dates, conditions and legal basis. */
export const ruleSchema = z
  .strictObject({
    id: slug,
    name: z.string().min(1),
    procedures: z.array(slug).default([]),
    tags: z.array(slug).default([]),
    when: z
      .strictObject({
        // The applicant has at least one of these categories.
        anyCategory: z.array(slug).min(1).optional(),
        // The applicant has every one of these categories.
        allCategories: z.array(slug).min(1).optional(),
        channels: z
          .array(z.enum(['counter', 'online', 'postal']))
          .min(1)
          .optional(),
      })
      .default({}),
    from: isoDate,
    to: isoDate.nullable(),
    effect: effectSchema,
    basis: basisSchema,
    confidence: confidenceSchema.default('primary'),
    note: z.string().optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.to !== null && rule.to < rule.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'ngày kết thúc trước ngày bắt đầu' });
    }
    if (rule.procedures.length === 0 && rule.tags.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['procedures'],
        message: 'quy tắc phải chỉ rõ thủ tục (procedures) hoặc nhóm (tags) áp dụng',
      });
    }
  });

/** One schedule file (one layer). */
export const scheduleSchema = z
  .strictObject({
    id: slug,
    name: z.string().min(1),
    level: z.enum(['national', 'province', 'agency']),
    jurisdiction: z.string().min(1),
    example: z.boolean().default(false),
    description: z.string().optional(),
    fees: z.array(feeSchema).default([]),
    rules: z.array(ruleSchema).default([]),
  })
  // Duplicate ids are checked even when other parts of the file are invalid (`when`), so one run of the
  // validator reports every problem; the data may be partly malformed here, hence the defensive reads.
  .superRefine(
    (s, ctx) => {
      for (const key of ['fees', 'rules'] as const) {
        const list: unknown = s[key];
        if (!Array.isArray(list)) continue;
        const seen = new Map<string, number>();
        list.forEach((entry: unknown, i) => {
          const id = (entry as { id?: unknown } | null)?.id;
          if (typeof id !== 'string') return;
          if (seen.has(id)) {
            ctx.addIssue({
              code: 'custom',
              path: [key, i, 'id'],
              message: `mã trùng với ${key}[${seen.get(id)}]`,
            });
          } else seen.set(id, i);
        });
      }
    },
    { when: (payload) => payload.value !== null && typeof payload.value === 'object' },
  );

type Formula = z.infer<typeof formulaSchema>;

// Cross-field checks of one fee: dates in order and not overlapping, tiers contiguous, formulas only naming
// declared quantities. Each problem is reported at its own path.
function checkFee(
  fee: {
    quantities: Record<string, unknown>;
    countBy?: string | undefined;
    values: { from: string; to: string | null; formula: Formula }[];
  },
  at: (path: (string | number)[], message: string) => void,
): void {
  const declared = new Set(Object.keys(fee.quantities));
  if (fee.countBy !== undefined && !declared.has(fee.countBy)) {
    at(['countBy'], `"${fee.countBy}" không có trong quantities`);
  }
  fee.values.forEach((v, j) => {
    if (v.to !== null && v.to < v.from) at(['values', j, 'to'], 'ngày kết thúc trước ngày bắt đầu');
    const prev = fee.values[j - 1];
    if (prev !== undefined) {
      if (prev.to === null || prev.to >= v.from) {
        at(['values', j, 'from'], `chồng lấn với values[${j - 1}] (mỗi mức thu phải kết thúc trước mức sau)`);
      }
    }
    checkFormula(v.formula, declared, (path, message) => at(['values', j, 'formula', ...path], message));
  });
}

function checkFormula(
  f: Formula,
  declared: ReadonlySet<string>,
  at: (path: (string | number)[], message: string) => void,
): void {
  const need = (name: string | undefined, key: string) => {
    if (name !== undefined && !declared.has(name))
      at([key], `số lượng "${name}" chưa khai báo trong quantities`);
  };
  switch (f.type) {
    case 'per-unit':
      need(f.unit, 'unit');
      break;
    case 'tiered': {
      need(f.unit, 'unit');
      need(f.per, 'per');
      let expected = 1;
      f.tiers.forEach((t, k) => {
        if (t.from !== expected)
          at(['tiers', k, 'from'], `bậc phải bắt đầu từ ${expected} (liền với bậc trước)`);
        const last = k === f.tiers.length - 1;
        if (last && t.to !== null) at(['tiers', k, 'to'], 'bậc cuối phải có to: null (không giới hạn trên)');
        if (!last && t.to === null) at(['tiers', k, 'to'], 'chỉ bậc cuối được có to: null');
        if (t.to !== null && t.to < t.from) at(['tiers', k, 'to'], 'to nhỏ hơn from');
        expected = (t.to ?? t.from) + 1;
      });
      break;
    }
    case 'percentage':
      need(f.of, 'of');
      if (f.min !== undefined && f.max !== undefined && f.min > f.max) at(['min'], 'min lớn hơn max');
      break;
    case 'by-channel':
      for (const ch of ['counter', 'online', 'postal'] as const) {
        const sub = f[ch];
        if (sub !== undefined) checkFormula(sub, declared, (path, message) => at([ch, ...path], message));
      }
      break;
    default:
      break;
  }
}

/** A validated schedule layer (what the loader returns, deeply frozen). */
export type Schedule = z.infer<typeof scheduleSchema>;
/** A fee entry of a schedule. */
export type FeeDefinition = Schedule['fees'][number];
/** One dated value of a fee. */
export type FeeValue = FeeDefinition['values'][number];
/** A fee formula. */
export type FeeFormula = FeeValue['formula'];
/** A formula other than `by-channel`. */
export type BaseFormula = Exclude<FeeFormula, { type: 'by-channel' }>;
/** An exemption or reduction rule. */
export type AdjustmentRule = Schedule['rules'][number];
/** Data confidence of a value or rule. */
export type Confidence = z.infer<typeof confidenceSchema>;
