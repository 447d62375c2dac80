export { type AssessOptions, assess, CONFIDENCE_WARNING, citeBasis } from './assess.js';
export {
  type CatalogueEntry,
  type CataloguePreference,
  type CatalogueQuantity,
  type CatalogueQuery,
  catalogue,
  proceduresByCode,
} from './catalogue.js';
export {
  AdministrativeUnitError,
  AssessmentError,
  ERROR_CODES,
  type ErrorCode,
  MAP_ERROR_CODES,
  type MapErrorCode,
  type RateNotSetDetails,
  ScheduleError,
  type ScheduleIssue,
  VndParseError,
} from './errors.js';
export { evaluateFormula, type FormulaInput, type FormulaResult } from './formula/evaluate.js';
export { summariseEffect, summariseFormula } from './formula/summary.js';
export {
  type AdministrativeUnit,
  type AdministrativeUnitInput,
  type AdministrativeUnitRef,
  administrativeUnit,
  type Commune,
  type CommuneType,
  communeByCode,
  communesOf,
  DEMO_COMMUNE,
  DEMO_NOTICE,
  DEMO_PROVINCE,
  DEMO_UNIT,
  type FormerProvince,
  hasCommuneData,
  type Province,
  type ProvinceType,
  provinceByCode,
  provinceBySlug,
  provinces,
  unitRef,
} from './map/index.js';
export { foldDiacritics, slugify } from './map/slug.js';
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
export {
  defaultSchedules,
  demoSchedules,
  exampleProvinceSchedule,
  nationalSchedule,
  provinceSchedules,
  schedulesFor,
  shippedSchedules,
} from './schedule/defaults.js';
export {
  diffScheduleSets,
  type ProcedureChange,
  type RateChangePeriod,
  type RateSummary,
  type RuleChange,
  type ScheduleDiff,
} from './schedule/diff.js';
export { canonicalJson, scheduleHash, scheduleSetHash } from './schedule/hash.js';
export {
  checkSchedule,
  checkScheduleText,
  loadScheduleFile,
  parseSchedule,
  type ScheduleCheck,
  validateSchedule,
} from './schedule/load.js';
export {
  type ExcludedLayer,
  type LayeredFee,
  type LayeredRule,
  type LayerWindow,
  mergeSchedules,
  type ScheduleConflict,
  type ScheduleSet,
  valueInForce,
} from './schedule/merge.js';
export { layersInForce, resolveSchedules } from './schedule/resolve.js';
export type {
  AdjustmentRule,
  BaseFormula,
  CollectionPeriod,
  Confidence,
  FeeDefinition,
  FeeFormula,
  FeeValue,
  Schedule,
  Territory,
} from './schedule/schema.js';
export { scheduleSchema, TWO_LEVEL_FROM } from './schedule/schema.js';
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
