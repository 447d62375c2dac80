/**
 * @module The schedule file format (biểu phí), as a zod schema.
 *
 * One file = one layer (national, a province, an agency). A fee has dated values, each with one formula; an
 * end of validity is always written (`to: null` means "in force until a later text says otherwise"), nothing is
 * inferred from file order. Exemptions and reductions are separate rules (see {@link ruleSchema}).
 */
import * as z from 'zod';
import { provinceBySlug } from '../map/index.js';
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
  // The largest declared value for which the amount is sourced (e.g. whether a cap applies above it is not
  // known): above it, assess() answers RATE_NOT_SET instead of guessing.
  sourcedUpTo: vnd.optional(),
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

const quantitySchema = z
  .strictObject({
    // The unit as it reads in an explanation: "3 trang × 2.000 ₫".
    label: z.string().min(1),
    // The field's title for a form or the catalogue: "Số trang". Default: "Số " + label.
    title: z.string().min(1).optional(),
    min: z.number().int().nonnegative().default(1),
  })
  .transform((q) => ({ ...q, title: q.title ?? `Số ${q.label}` }));

/** National procedure code (mã thủ tục hành chính on the national portal), e.g. `2.000635`. */
export const procedureCodeSchema = z
  .string({ error: 'mã TTHC là chuỗi, viết trong ngoặc kép ("1.004222"): dạng số sẽ mất chữ số 0 cuối' })
  .regex(/^\d\.\d{6}$/, 'mã TTHC dạng 1.234567');

/** The first day without district-level government (two-level local government from 1 July 2025). */
export const TWO_LEVEL_FROM = '2025-07-01';

const levelSchema = z.enum(['central', 'province', 'district', 'commune']);
/** Who collects, from when to when: the collecting level changed with the 2025 reorganisation. */
const collectionPeriodSchema = z.strictObject({
  // `null` only on the first period: since the fee began (what a plain list of levels is normalised to, so a
  // validated schedule validates again unchanged).
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  levels: z.array(levelSchema).min(1),
  collector: z.string().min(1).optional(),
  basis: basisSchema.optional(),
  confidence: confidenceSchema.default('primary'),
});

/**
 * Who sets the rate: `national` (a decree or circular, in this layer) or `province-council` (the provincial
 * HĐND; a national layer then declares the procedure with its national rules and no amount).
 */
const setBySchema = z.enum(['national', 'province-council']);

/** A fee (phí) or charge (lệ phí) for one procedure. */
export const feeSchema = z
  .strictObject({
    id: slug,
    name: z.string().min(1),
    kind: z.enum(['phi', 'le-phi']),
    // National procedure codes (mã TTHC), where known; `GET /v1/procedures?code=` finds the fee by them.
    codes: z.array(procedureCodeSchema).default([]),
    // Dated (the district level is gone since 2025-07-01). A plain list of levels is accepted for a layer that
    // has one period only; it then holds for the whole life of the fee.
    collectingLevel: z.union([z.array(levelSchema).min(1), z.array(collectionPeriodSchema).min(1)]),
    // Only with a plain `collectingLevel` list.
    collector: z.string().min(1).optional(),
    setBy: setBySchema.default('national'),
    tags: z.array(slug).default([]),
    quantities: z.record(quantityName, quantitySchema).default({}),
    // Which quantity is reported as the line's `quantity` (e.g. copies); none → 1.
    countBy: quantityName.optional(),
    basis: basisSchema,
    // May be empty: the procedure is declared (with its national rules) but no rate is in force in this layer.
    values: z.array(valueSchema).default([]),
    note: z.string().optional(),
  })
  .superRefine((fee, ctx) =>
    checkFee(fee, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  )
  .transform(({ collector, collectingLevel, ...fee }) => ({
    ...fee,
    collectingLevel: normaliseCollection(collectingLevel, collector),
  }));

/** One period of collection, as `assess()` and the catalogue read it (`from: null` = since the fee began). */
export interface CollectionPeriod {
  readonly from: string | null;
  readonly to: string | null;
  readonly levels: readonly ('central' | 'province' | 'district' | 'commune')[];
  readonly collector?: string | undefined;
  readonly basis?: z.infer<typeof basisSchema> | undefined;
  readonly confidence: Confidence;
}

function normaliseCollection(
  c: z.infer<typeof levelSchema>[] | z.infer<typeof collectionPeriodSchema>[],
  collector: string | undefined,
): CollectionPeriod[] {
  if (c.length > 0 && typeof c[0] === 'string') {
    const levels = c as z.infer<typeof levelSchema>[];
    return [{ from: null, to: null, levels, collector, confidence: 'primary' }];
  }
  return c as z.infer<typeof collectionPeriodSchema>[];
}

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
    // A rule attaches to fees by id, by tag or by national procedure code, so a province file with its own ids
    // keeps the national exemptions as long as its fees carry the tags or codes.
    procedures: z.array(slug).default([]),
    tags: z.array(slug).default([]),
    codes: z.array(procedureCodeSchema).default([]),
    // Who benefits, in the law's own words (quoted from the article in `basis`).
    wording: z.string().min(1).optional(),
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
    if (rule.procedures.length === 0 && rule.tags.length === 0 && rule.codes.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['procedures'],
        message: 'quy tắc phải chỉ rõ thủ tục (procedures), nhóm (tags) hoặc mã TTHC (codes) áp dụng',
      });
    }
  });

/**
 * Where a province layer is in force. `province` is the ASCII slug of a province of the 2025 map.
 * - A former province's resolution: `formerProvince` — in force only on that former territory, until a layer of
 *   the merged province replaces it there (NQ 190/2025/QH15; see `covers`).
 * - A merged province's resolution: `covers` — on which former territories it is in force and from which date
 *   it replaces the former provinces' resolutions there (for the procedures it prices; with `replacesAll`, the
 *   former layers stop there altogether). No `covers`: the whole province, for the dates of its values.
 */
const territorySchema = z.strictObject({
  province: slug,
  formerProvince: slug.optional(),
  covers: z
    .array(
      z.strictObject({
        formerProvince: slug,
        from: isoDate,
        replacesAll: z.boolean().default(false),
      }),
    )
    .min(1)
    .optional(),
  // The text behind the territorial rule (for a former province's layer: NQ 190/2025/QH15).
  basis: basisSchema.optional(),
  confidence: confidenceSchema.default('primary'),
});

/** An applicant category (đối tượng) a rule can name, with its Vietnamese label. */
const categorySchema = z.strictObject({ label: z.string().min(1) });

/** One schedule file (one layer). */
export const scheduleSchema = z
  .strictObject({
    id: slug,
    name: z.string().min(1),
    level: z.enum(['national', 'province', 'agency']),
    jurisdiction: z.string().min(1),
    example: z.boolean().default(false),
    territory: territorySchema.optional(),
    description: z.string().optional(),
    // Every category a rule of this file names, declared here with its Vietnamese label.
    categories: z.record(slug, categorySchema).default({}),
    fees: z.array(feeSchema).default([]),
    rules: z.array(ruleSchema).default([]),
  })
  .superRefine((s, ctx) =>
    checkCategories(s, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  )
  // Where a layer is in force is checked even when other parts are invalid, so one run reports every problem.
  .superRefine(
    (s, ctx) => checkTerritory(s, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
    { when: (payload) => payload.value !== null && typeof payload.value === 'object' },
  )
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

// A real province layer says where it is in force, on the 2025 map. The data may be partly malformed here (this
// runs even when other parts are invalid), hence the defensive reads.
function checkTerritory(raw: unknown, at: (path: (string | number)[], message: string) => void): void {
  const s = raw as { level?: unknown; example?: unknown; territory?: unknown };
  const t = s.territory as
    | { province?: unknown; formerProvince?: unknown; covers?: unknown }
    | undefined
    | null;
  const example = s.example === true;
  if (s.level === 'province' && !example && (t === undefined || t === null)) {
    at(['territory'], 'tầng tỉnh phải khai báo territory.province (tỉnh trên bản đồ từ 01/07/2025)');
  }
  if (t === undefined || t === null || typeof t !== 'object') return;
  if (s.level !== undefined && s.level !== 'province')
    at(['territory'], 'chỉ tầng tỉnh (level: province) có territory');
  if (example) at(['territory'], 'biểu phí ví dụ không gắn với tỉnh thật');
  if (typeof t.province !== 'string') return;
  const province = provinceBySlug(t.province);
  if (province === undefined) {
    at(['territory', 'province'], `không có tỉnh "${t.province}" trong 34 tỉnh, thành phố từ 01/07/2025`);
    return;
  }
  const formers = province.formerProvinces.map((f) => f.slug);
  const check = (slug: unknown, path: (string | number)[]) => {
    if (typeof slug === 'string' && !formers.includes(slug))
      at(path, `${province.fullName} không gồm tỉnh cũ "${slug}" (gồm: ${formers.join(', ')})`);
  };
  if (t.formerProvince !== undefined) check(t.formerProvince, ['territory', 'formerProvince']);
  if (Array.isArray(t.covers)) {
    t.covers.forEach((c: unknown, i) => {
      check((c as { formerProvince?: unknown } | null)?.formerProvince, [
        'territory',
        'covers',
        i,
        'formerProvince',
      ]);
    });
    if (t.formerProvince !== undefined)
      at(['territory', 'covers'], 'tầng của tỉnh cũ (formerProvince) không có covers');
  }
}

// Every category a rule names is declared in the file.
function checkCategories(
  s: {
    categories: Record<string, unknown>;
    rules: { when: { anyCategory?: string[] | undefined; allCategories?: string[] | undefined } }[];
  },
  at: (path: (string | number)[], message: string) => void,
): void {
  s.rules.forEach((rule, i) => {
    for (const key of ['anyCategory', 'allCategories'] as const) {
      rule.when[key]?.forEach((c, k) => {
        if (!Object.hasOwn(s.categories, c))
          at(['rules', i, 'when', key, k], `đối tượng "${c}" chưa khai báo trong categories của tệp`);
      });
    }
  });
}

// Cross-field checks of one fee: dates in order and not overlapping, tiers contiguous, formulas only naming
// declared quantities. Each problem is reported at its own path.
function checkFee(
  fee: {
    quantities: Record<string, unknown>;
    countBy?: string | undefined;
    collector?: string | undefined;
    collectingLevel: (string | z.infer<typeof collectionPeriodSchema>)[];
    values: { from: string; to: string | null; formula: Formula }[];
  },
  at: (path: (string | number)[], message: string) => void,
): void {
  checkCollection(fee.collectingLevel, fee.collector, at);
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

// No district level after 2025-06-30: a period in force after that date may not name it, in its levels or in
// its collector (e.g. "Phòng Tư pháp thuộc UBND cấp huyện").
function checkCollection(
  c: (string | z.infer<typeof collectionPeriodSchema>)[],
  collector: string | undefined,
  at: (path: (string | number)[], message: string) => void,
): void {
  const gone = `cấp huyện không còn từ ${TWO_LEVEL_FROM.split('-').reverse().join('/')} (chính quyền địa phương hai cấp)`;
  const mentionsDistrict = (text: string | undefined) => text !== undefined && /huyện/i.test(text);
  if (c.every((x) => typeof x === 'string')) {
    if (c.includes('district'))
      at(['collectingLevel'], `${gone}: ghi collectingLevel theo thời kỳ (from/to)`);
    if (mentionsDistrict(collector)) at(['collector'], `${gone}: ghi collectingLevel theo thời kỳ`);
    return;
  }
  if (collector !== undefined)
    at(['collector'], 'với collectingLevel theo thời kỳ, ghi collector trong từng thời kỳ');
  c.forEach((p, j) => {
    if (typeof p === 'string') {
      at(['collectingLevel', j], 'không trộn cấp và thời kỳ');
      return;
    }
    if (p.from === null && j > 0) at(['collectingLevel', j, 'from'], 'chỉ thời kỳ đầu được có from: null');
    if (p.to !== null && p.from !== null && p.to < p.from)
      at(['collectingLevel', j, 'to'], 'ngày kết thúc trước ngày bắt đầu');
    const prev = c[j - 1];
    if (typeof prev === 'object' && (prev.to === null || (p.from !== null && prev.to >= p.from))) {
      at(['collectingLevel', j, 'from'], `chồng lấn với collectingLevel[${j - 1}]`);
    }
    const after = p.to === null || p.to >= TWO_LEVEL_FROM;
    if (after && p.levels.includes('district')) at(['collectingLevel', j, 'levels'], gone);
    if (after && mentionsDistrict(p.collector)) at(['collectingLevel', j, 'collector'], gone);
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
/** Where a province layer is in force. */
export type Territory = NonNullable<Schedule['territory']>;
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
