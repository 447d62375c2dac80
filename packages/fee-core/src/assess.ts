/**
 * @module `assess()`: a dossier's procedures → line items and an integer VND total, every đồng explained.
 */
import { AssessmentError, assert, ERROR_CODES as C, MESSAGES as M, viDate } from './errors.js';
import { applicableRules, chooseRule, describeEffect } from './formula/adjust.js';
import { evaluateFormula } from './formula/evaluate.js';
import { DEMO_NOTICE, unitRef } from './map/index.js';
import { assertVnd, sumVnd } from './money.js';
import {
  inWindow,
  type LayeredFee,
  type LayeredRule,
  type ProcedureTarget,
  procedureTarget,
  type ScheduleSet,
  valueInForce,
} from './schedule/merge.js';
import { isIsoDate } from './schedule/schema.js';
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

/** Why a value or rule that is not `primary` is flagged (Vietnamese, for the clerk). */
export const CONFIDENCE_WARNING = {
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

/**
 * Assesses the fees of a dossier: for each item, the fee value in force on `request.date`, its formula, then the
 * most favourable applicable exemption or reduction. Pure and deterministic (given `request.date`).
 *
 * @param schedules - merged schedules, e.g. {@link defaultSchedules} or `mergeSchedules(...)`
 * @param request - the dossier; see {@link AssessmentRequest}
 * @returns integer VND total, one line per item with legal basis, Vietnamese explanation and adjustments
 * @throws {@link AssessmentError} naming the field: unknown procedure, missing or non-integer quantity,
 *   bad date or channel; `RATE_NOT_SET` (with `details`: the procedure, the body that must set the rate, the
 *   date) when no rate is in force for the unit and date and no rule of law exempts the applicant whatever the
 *   rate
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
  const example = schedules.example || schedules.unit?.example === true;
  if (example) warnings.add(`Đây là ${DEMO_NOTICE}: không dùng để thu tiền thật.`);

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
    example,
    ...(schedules.unit === undefined ? {} : { unit: unitRef(schedules.unit) }),
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
  if (defs === undefined || defs.length === 0) {
    throw new AssessmentError(C.UNKNOWN_PROCEDURE, M.unknownProcedure(item.procedure), `${at}.procedure`);
  }
  const target = procedureTarget(defs);
  const found = valueInForce(defs, date);
  if (found === undefined) {
    return withoutRate(schedules, defs, target, item, at, date, channel, categories, warnings);
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
    `${fee.name}: căn cứ ${citeBasis(basis)} (mức thu áp dụng ${validity}${def.schedule.example ? `; ${DEMO_NOTICE}: "${def.schedule.name}"` : ''}).`,
  ];
  if (value.confidence !== 'primary') {
    warnings.add(`${fee.id}: mức thu ${CONFIDENCE_WARNING[value.confidence]} (${citeBasis(basis)}).`);
  }
  if (def.schedule.example) {
    warnings.add(
      `${fee.id}: ${DEMO_NOTICE} — mức thu lấy từ biểu phí VÍ DỤ "${def.schedule.name}", không phải văn bản thật.`,
    );
  }
  territoryWarning(def.schedule, fee.id, warnings);

  const result = evaluateFormula(value.formula, { quantities, labels, channel });
  if (result.unsourced !== undefined) {
    // A value whose source does not cover this input (e.g. a cap not verified): no amount, as if no rate.
    return withoutRate(schedules, defs, target, item, at, date, channel, categories, warnings, {
      reason: result.unsourced,
      field: `${at}.quantities`,
    });
  }
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
    const applicable = applicableRules(schedules.rules, target, date, channel, categories, def.supersedes);
    const { chosen, others } = chooseRule(applicable, baseAmount);
    if (chosen !== undefined) {
      const { rule } = chosen.layered;
      amount = chosen.after;
      const text = describeEffect(rule, baseAmount, amount);
      adjustments.push(
        adjustmentOf(chosen.layered, amount - baseAmount, `${text} Căn cứ ${citeBasis(rule.basis)}.`),
      );
      explanation.push(text);
      if (others.length > 0) explanation.push(notStacked(others));
      ruleWarning(chosen.layered, fee.id, warnings);
    } else if (categories.size > 0) {
      explanation.push(
        `Không có quy định miễn, giảm áp dụng cho đối tượng ${[...categories].join(', ')} đối với thủ tục này vào ngày ${viDate(date)}.`,
      );
    }
  }
  explanation.push(`Phải nộp: ${formatVnd(amount)}.`);

  const collector = collectorOn(fee, date);
  return {
    procedure: fee.id,
    name: fee.name,
    kind: fee.kind,
    codes: [...target.codes],
    schedule: def.schedule.id,
    confidence: value.confidence,
    ...(collector === undefined ? {} : { collector }),
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

// No rate in force for this unit and date. A rule that sets the charge to zero (an exemption by law: Luật Hộ tịch
// Điều 11 khoản 1, …) needs no rate and gives 0 đ; anything else is a RATE_NOT_SET error naming who must set it.
function withoutRate(
  schedules: ScheduleSet,
  defs: readonly LayeredFee[],
  target: ProcedureTarget,
  item: AssessmentRequest['items'][number],
  at: string,
  date: string,
  channel: Channel,
  categories: ReadonlySet<string>,
  warnings: Set<string>,
  why: { reason?: string; field?: string } = {},
): AssessmentLine {
  const declared = defs.find((d) => inWindow(d.window, date)) ?? defs[0]!;
  const fee = declared.fee;
  const exempting = applicableRules(schedules.rules, target, date, channel, categories).filter(
    (r) => r.rule.effect.type === 'set-to-zero',
  );
  const chosen = exempting[0];
  if (chosen === undefined) {
    const setBy = rateSetter(defs, schedules);
    const province = defs.find((d) => d.schedule.level === 'province' && inWindow(d.window, date));
    const notes = [
      ...(province === undefined ? [] : [citeBasis(province.fee.basis)]),
      ...(why.reason === undefined ? [] : [why.reason]),
    ];
    const former = formerTerritoryNote(defs, schedules);
    if (former !== undefined) notes.push(former);
    const unit = schedules.unit;
    const where =
      unit === undefined
        ? ''
        : ` tại ${unit.commune === undefined ? '' : `${unit.commune.name}, `}${unit.province.fullName}`;
    throw new AssessmentError(
      C.RATE_NOT_SET,
      M.rateNotSet(fee.name, fee.id, setBy, date, where, notes.join('; ') || undefined),
      why.field ?? `${at}.procedure`,
      {
        details: {
          procedure: fee.id,
          procedureName: fee.name,
          codes: [...target.codes],
          setBy,
          date,
          ...(province === undefined ? {} : { declaredBy: citeBasis(province.fee.basis) }),
          ...(why.reason === undefined ? {} : { reason: why.reason }),
          ...(former === undefined ? {} : { formerTerritory: former }),
        },
      },
    );
  }
  const quantities = checkQuantities(fee.id, fee.quantities, item.quantities, `${at}.quantities`);
  const { rule } = chosen;
  const basis = toBasis({ ...rule.basis, effectiveFrom: rule.basis.effectiveFrom ?? rule.from });
  const setBy = rateSetter(defs, schedules);
  const text = `${rule.name}: không thu, không phụ thuộc mức thu (mức thu do ${setBy} quy định chưa có trong biểu phí).`;
  const explanation = [`${fee.name}: chưa có mức thu có hiệu lực ngày ${viDate(date)}.`, text];
  const others = exempting.slice(1);
  if (others.length > 0) explanation.push(notStacked(others));
  explanation.push(`Phải nộp: ${formatVnd(0)}.`);
  ruleWarning(chosen, fee.id, warnings);
  const collector = collectorOn(fee, date);
  return {
    procedure: fee.id,
    name: fee.name,
    kind: fee.kind,
    codes: [...target.codes],
    confidence: rule.confidence,
    ...(collector === undefined ? {} : { collector }),
    withoutRate: true,
    quantities,
    quantity: fee.countBy === undefined ? 1 : (quantities[fee.countBy] ?? 1),
    amount: 0,
    baseAmount: 0,
    exempt: true,
    basis,
    explanation,
    adjustments: [adjustmentOf(chosen, 0, `${text} Căn cứ ${citeBasis(rule.basis)}.`)],
  };
}

/** The body that must set a procedure's rate on this set's territory: "HĐND tỉnh Lai Châu", "Bộ Tài chính". */
export function rateSetter(defs: readonly LayeredFee[], schedules: ScheduleSet): string {
  const fee = defs[defs.length - 1]!.fee; // the most general declaration says who sets the rate
  if (fee.setBy === 'province-council') {
    return schedules.unit === undefined ? 'HĐND cấp tỉnh' : `HĐND ${schedules.unit.province.fullName}`;
  }
  return fee.basis.issuer ?? 'cơ quan nhà nước có thẩm quyền';
}

// On a merged province's former territory, the former province's resolution can still be the one in force
// (NQ 190/2025/QH15 Điều 10 khoản 1, reading from secondary sources): say so, so the operator knows which text to
// look for.
function formerTerritoryNote(defs: readonly LayeredFee[], schedules: ScheduleSet): string | undefined {
  const unit = schedules.unit;
  const fee = defs[defs.length - 1]!.fee;
  if (unit === undefined || unit.example || fee.setBy !== 'province-council') return undefined;
  if (unit.province.formerProvinces.length < 2) return undefined;
  const f = unit.formerProvince;
  return `trên địa bàn ${f.fullName} cũ, nghị quyết của HĐND ${f.fullName} ban hành trước 01/07/2025 còn được áp dụng cho đến khi được thay thế (NQ 190/2025/QH15 Điều 10 khoản 1)`;
}

/** The collector in force on `date`, from the fee's dated `collectingLevel`. */
export function collectorOn(fee: LayeredFee['fee'], date: string): string | undefined {
  const p = fee.collectingLevel.find(
    (c) => (c.from === null || c.from <= date) && (c.to === null || date <= c.to),
  );
  return p?.collector;
}

function adjustmentOf(layered: LayeredRule, amount: number, explanation: string): AssessmentAdjustment {
  const { rule } = layered;
  return {
    rule: rule.id,
    kind: rule.effect.type,
    amount,
    basis: toBasis({ ...rule.basis, effectiveFrom: rule.basis.effectiveFrom ?? rule.from }),
    explanation,
  };
}

function notStacked(others: readonly LayeredRule[]): string {
  return `Cũng thuộc: ${others.map((o) => o.rule.name).join('; ')} — không cộng dồn, áp dụng mức ưu đãi cao nhất (Thông tư 117/2026/TT-BTC Điều 2 khoản 2).`;
}

function ruleWarning(layered: LayeredRule, feeId: string, warnings: Set<string>): void {
  const { rule } = layered;
  if (rule.confidence !== 'primary') {
    warnings.add(
      `${feeId}: quy định "${rule.id}" ${CONFIDENCE_WARNING[rule.confidence]} (${citeBasis(rule.basis)}).`,
    );
  }
  territoryWarning(layered.schedule, feeId, warnings);
}

// A former province's resolution applied on its old territory rests on the reading of NQ 190/2025/QH15 the
// layer cites; when that is not primary, the clerk is told.
function territoryWarning(schedule: LayeredFee['schedule'], feeId: string, warnings: Set<string>): void {
  const t = schedule.territory;
  if (t?.formerProvince === undefined || t.confidence === 'primary') return;
  const basis = t.basis === undefined ? 'NQ 190/2025/QH15' : citeBasis(t.basis);
  warnings.add(
    `${feeId}: áp dụng "${schedule.name}" trên địa bàn tỉnh cũ theo ${basis} — ${CONFIDENCE_WARNING[t.confidence]}.`,
  );
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
