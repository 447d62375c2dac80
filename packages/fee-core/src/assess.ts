/**
 * @module `assess()`: a dossier's procedures → line items and an integer VND total, every đồng explained.
 */
import { AssessmentError, assert, ERROR_CODES as C, MESSAGES as M } from './errors.js';
import { chooseRule, describeEffect, ruleApplies } from './formula/adjust.js';
import { evaluateFormula } from './formula/evaluate.js';
import { assertVnd, sumVnd } from './money.js';
import type { LayeredFee, ScheduleSet } from './schedule/merge.js';
import { type FeeValue, isIsoDate } from './schedule/schema.js';
import { todayInVietnam } from './today.js';
import type {
  Assessment,
  AssessmentAdjustment,
  AssessmentLine,
  AssessmentRequest,
  Channel,
  LegalBasis,
} from './types.js';
import { formatVnd } from './vnd/format.js';

const CHANNELS: readonly Channel[] = ['counter', 'online', 'postal'];

const CONFIDENCE_WARNING = {
  secondary: 'dựa trên bản sao thứ cấp của văn bản',
  'secondary-ocr': 'dựa trên bản OCR của văn bản, có thể sai chữ số',
  unverified: 'chưa đối chiếu văn bản gốc',
} as const;

/** Options of {@link assess}. */
export interface AssessOptions {
  /** The instant used when `request.date` is absent. Default: now. */
  now?: Date;
}

function toBasis(b: {
  document: string;
  article?: string | undefined;
  issuer?: string | undefined;
  effectiveFrom?: string | undefined;
}): LegalBasis {
  const out: LegalBasis = { document: b.document };
  if (b.article !== undefined) out.article = b.article;
  if (b.issuer !== undefined) out.issuer = b.issuer;
  if (b.effectiveFrom !== undefined) out.effectiveFrom = b.effectiveFrom;
  return out;
}

/** `Thông tư 226/2016/TT-BTC, Điều 4 mục 1` */
export function citeBasis(b: LegalBasis): string {
  return b.article ? `${b.document}, ${b.article}` : b.document;
}

function viDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** The definition and value in force on `date`: the most specific layer that has one wins. */
function inForce(
  defs: readonly LayeredFee[],
  date: string,
): { def: LayeredFee; value: FeeValue } | undefined {
  for (const def of defs) {
    const value = def.fee.values.find((v) => v.from <= date && (v.to === null || date <= v.to));
    if (value !== undefined) return { def, value };
  }
  return undefined;
}

/**
 * Assesses the fees of a dossier: for each item, the fee value in force on `request.date`, its formula, then the
 * most favourable applicable exemption or reduction. Pure and deterministic (given `request.date`).
 *
 * @param schedules - merged schedules, e.g. {@link defaultSchedules} or `mergeSchedules(...)`
 * @param request - the dossier; see {@link AssessmentRequest}
 * @returns integer VND total, one line per item with legal basis, Vietnamese explanation and adjustments
 * @throws {@link AssessmentError} naming the field: unknown procedure, missing or non-integer quantity,
 *   no rule in force on the date, bad date or channel
 * @example
 * assess(defaultSchedules, { date: '2024-05-10', items: [{ procedure: 'chung-thuc-ban-sao',
 *   quantities: { pages: 3, copies: 1 } }] }).total // 5000
 * @public
 */
export function assess(
  schedules: ScheduleSet,
  request: AssessmentRequest,
  options: AssessOptions = {},
): Assessment {
  assert(
    request !== null && typeof request === 'object',
    C.INVALID_REQUEST,
    M.invalidRequest('không phải object'),
  );
  const date = request.date ?? todayInVietnam(options.now);
  assert(isIsoDate(date), C.INVALID_DATE, M.invalidDate(request.date), 'date');
  const channel = request.channel ?? 'counter';
  assert(CHANNELS.includes(channel), C.INVALID_CHANNEL, M.invalidChannel(request.channel), 'channel');
  const rawCategories = request.applicant?.categories ?? [];
  assert(
    Array.isArray(rawCategories) && rawCategories.every((c) => typeof c === 'string'),
    C.INVALID_CATEGORIES,
    M.invalidCategories(),
    'applicant.categories',
  );
  const categories = new Set(rawCategories);
  assert(Array.isArray(request.items), C.INVALID_REQUEST, M.invalidRequest('thiếu items'), 'items');
  assert(request.items.length > 0, C.NO_ITEMS, M.noItems(), 'items');

  const warnings = new Set<string>();
  const lines = request.items.map((item, i) =>
    assessItem(schedules, item, `items[${i}]`, date, channel, categories, warnings),
  );

  const known = new Set<string>();
  for (const { rule } of schedules.rules) {
    for (const c of [...(rule.when.anyCategory ?? []), ...(rule.when.allCategories ?? [])]) known.add(c);
  }
  for (const c of categories) {
    if (!known.has(c)) warnings.add(`Đối tượng "${c}" không có trong quy định miễn, giảm nào của biểu phí.`);
  }

  return {
    total: sumVnd(
      lines.map((l) => l.amount),
      'total',
    ),
    currency: 'VND',
    date,
    channel,
    lines,
    warnings: [...warnings],
  };
}

function assessItem(
  schedules: ScheduleSet,
  item: AssessmentRequest['items'][number],
  at: string,
  date: string,
  channel: Channel,
  categories: ReadonlySet<string>,
  warnings: Set<string>,
): AssessmentLine {
  assert(
    item !== null && typeof item === 'object',
    C.INVALID_REQUEST,
    M.invalidRequest(`${at} không phải object`),
    at,
  );
  const defs = typeof item.procedure === 'string' ? schedules.fees.get(item.procedure) : undefined;
  if (defs === undefined) {
    throw new AssessmentError(C.UNKNOWN_PROCEDURE, M.unknownProcedure(item.procedure), `${at}.procedure`);
  }
  const found = inForce(defs, date);
  if (found === undefined) {
    throw new AssessmentError(C.NO_RULE_IN_FORCE, M.noRuleInForce(item.procedure, date), 'date');
  }
  const { def, value } = found;
  const fee = def.fee;

  const quantities = checkQuantities(fee.id, fee.quantities, item.quantities, `${at}.quantities`);
  const labels = Object.fromEntries(Object.entries(fee.quantities).map(([k, q]) => [k, q.label]));

  const basis = toBasis({
    ...(value.basis ?? fee.basis),
    effectiveFrom: value.basis?.effectiveFrom ?? value.from,
  });
  const validity =
    value.to === null ? `từ ${viDate(value.from)}` : `từ ${viDate(value.from)} đến ${viDate(value.to)}`;
  const explanation = [
    `${fee.name}: căn cứ ${citeBasis(basis)} (mức thu áp dụng ${validity}${def.schedule.example ? `; biểu phí VÍ DỤ "${def.schedule.name}"` : ''}).`,
  ];
  if (value.confidence !== 'primary') {
    warnings.add(`${fee.id}: mức thu ${CONFIDENCE_WARNING[value.confidence]} (${citeBasis(basis)}).`);
  }
  if (def.schedule.example) {
    warnings.add(`${fee.id}: mức thu lấy từ biểu phí VÍ DỤ "${def.schedule.name}", không phải văn bản thật.`);
  }

  const result = evaluateFormula(value.formula, { quantities, labels, channel });
  explanation.push(...result.explanation);
  for (const w of result.warnings) warnings.add(`${fee.id}: ${w}`);
  const baseAmount = assertVnd(result.amount, fee.id);

  const adjustments: AssessmentAdjustment[] = [];
  let amount = baseAmount;
  if (result.free) {
    adjustments.push({
      rule: `${fee.id}:free`,
      kind: 'free-by-law',
      amount: 0,
      basis,
      explanation: `Không thu ${fee.kind === 'phi' ? 'phí' : 'lệ phí'} theo ${citeBasis(basis)}.`,
    });
  } else if (baseAmount > 0) {
    const applicable = schedules.rules.filter(({ rule }) =>
      ruleApplies(rule, fee, date, channel, categories),
    );
    const { chosen, others } = chooseRule(applicable, baseAmount);
    if (chosen !== undefined) {
      const { rule } = chosen.layered;
      amount = chosen.after;
      const text = describeEffect(rule, baseAmount, amount);
      adjustments.push({
        rule: rule.id,
        kind: rule.effect.type,
        amount: amount - baseAmount,
        basis: toBasis({ ...rule.basis, effectiveFrom: rule.basis.effectiveFrom ?? rule.from }),
        explanation: `${text} Căn cứ ${citeBasis(rule.basis)}.`,
      });
      explanation.push(text);
      if (others.length > 0) {
        explanation.push(
          `Cũng thuộc: ${others.map((o) => o.rule.name).join('; ')} — không cộng dồn, áp dụng mức ưu đãi cao nhất.`,
        );
      }
      if (rule.confidence !== 'primary') {
        warnings.add(
          `${fee.id}: quy định "${rule.id}" ${CONFIDENCE_WARNING[rule.confidence]} (${citeBasis(rule.basis)}).`,
        );
      }
    } else if (categories.size > 0) {
      explanation.push(
        `Không có quy định miễn, giảm áp dụng cho đối tượng ${[...categories].join(', ')} đối với thủ tục này vào ngày ${viDate(date)}.`,
      );
    }
  }
  explanation.push(`Phải nộp: ${formatVnd(amount)}.`);

  return {
    procedure: fee.id,
    name: fee.name,
    kind: fee.kind,
    quantities,
    quantity: fee.countBy === undefined ? 1 : (quantities[fee.countBy] ?? 1),
    amount: assertVnd(amount, fee.id),
    baseAmount,
    exempt: amount === 0 && adjustments.length > 0,
    basis,
    explanation,
    adjustments,
  };
}

function checkQuantities(
  procedure: string,
  declared: Readonly<Record<string, { label: string; min: number }>>,
  given: unknown,
  at: string,
): Record<string, number> {
  const names = Object.keys(declared);
  if (given === undefined || given === null) given = {};
  assert(
    typeof given === 'object' && !Array.isArray(given),
    C.INVALID_REQUEST,
    M.invalidRequest(`${at} phải là object`),
    at,
  );
  const input = given as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    assert(
      Object.hasOwn(declared, key),
      C.UNKNOWN_QUANTITY,
      M.unknownQuantity(key, procedure, names),
      `${at}.${key}`,
    );
  }
  const out: Record<string, number> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const v = input[name];
    assert(v !== undefined, C.MISSING_QUANTITY, M.missingQuantity(name, spec.label), `${at}.${name}`);
    assert(
      typeof v === 'number' && Number.isSafeInteger(v) && v >= spec.min,
      C.INVALID_QUANTITY,
      M.invalidQuantity(name, v, spec.min),
      `${at}.${name}`,
    );
    out[name] = v;
  }
  return out;
}
