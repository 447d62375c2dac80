export { type AssessOptions, assess } from './assess.js';
export {
  AssessmentError,
  ERROR_CODES,
  type ErrorCode,
  ScheduleError,
  type ScheduleIssue,
  VndParseError,
} from './errors.js';
export { evaluateFormula, type FormulaInput, type FormulaResult } from './formula/evaluate.js';
export { mod3736CheckChar } from './reference/mod3736.js';
export {
  findReferences,
  generateReference,
  isValidReference,
  REFERENCE_LENGTH,
  REFERENCE_PREFIX,
} from './reference.js';
export {
  down,
  halfAwayFromZero,
  halfDown,
  halfEven,
  halfOdd,
  halfTowardsZero,
  halfUp,
  ROUNDING_MODES,
  type Rounding,
  type RoundingMode,
  roundVnd,
  up,
} from './rounding/index.js';
export { defaultSchedules, exampleProvinceSchedule, nationalSchedule } from './schedule/defaults.js';
export { loadScheduleFile, parseSchedule, validateSchedule } from './schedule/load.js';
export {
  type LayeredFee,
  type LayeredRule,
  mergeSchedules,
  type ScheduleConflict,
  type ScheduleSet,
} from './schedule/merge.js';
export type {
  AdjustmentRule,
  BaseFormula,
  Confidence,
  FeeDefinition,
  FeeFormula,
  FeeValue,
  Schedule,
} from './schedule/schema.js';
export { scheduleSchema } from './schedule/schema.js';
export { todayInVietnam } from './today.js';
export type {
  Assessment,
  AssessmentAdjustment,
  AssessmentLine,
  AssessmentRequest,
  Channel,
  LegalBasis,
} from './types.js';
export { formatVnd } from './vnd/format.js';
export { parseVnd } from './vnd/parse.js';
export { MAX_VND_IN_WORDS, type VndInWordsOptions, vndInWords } from './vnd/words.js';
