/**
 * @module Public types of an assessment: the request (the shape of `fee-cases.json`) and the result.
 */
import type { AdministrativeUnitRef } from './map/index.js';
import type { Confidence } from './schedule/schema.js';

/** Where the dossier was submitted. Some fees have a lower online rate; some exemptions need `online`. */
export type Channel = 'counter' | 'online' | 'postal';

/** What to assess: one line per procedure instance. */
export interface AssessmentRequest {
  /** `YYYY-MM-DD`; picks the rules in force that day. Default: today in Asia/Ho_Chi_Minh. */
  date?: string;
  /** Default `counter`. */
  channel?: Channel;
  /** Applicant categories that may exempt or reduce (e.g. `ho-ngheo`, `cong-dan-so`). */
  applicant?: { categories?: string[] };
  items: { procedure: string; quantities?: Record<string, number> }[];
}

/** The legal text behind an amount. */
export interface LegalBasis {
  document: string;
  article?: string;
  issuer?: string;
  effectiveFrom?: string;
}

/** An exemption or reduction applied to a line. `amount` is the change in đồng (≤ 0). */
export interface AssessmentAdjustment {
  /** Rule id (or `<procedure>:free` for a charge the law itself waives). */
  rule: string;
  /** `set-to-zero` | `amount-off` | `percent-off` | `free-by-law`. */
  kind: string;
  amount: number;
  basis: LegalBasis;
  /** Vietnamese, for the citizen and the clerk. */
  explanation: string;
}

/** One assessed procedure instance. */
export interface AssessmentLine {
  procedure: string;
  name: string;
  kind: 'phi' | 'le-phi';
  /** National procedure codes (mã TTHC), when known. */
  codes: string[];
  /** The layer (schedule id) whose value priced the line; absent when no rate was needed (exempt by law). */
  schedule?: string;
  /** Confidence of the value (or, with no rate, of the exempting rule). */
  confidence: Confidence;
  /** Who collects on that date (`collectingLevel` of the fee), when the schedule says. */
  collector?: string;
  /**
   * True when no rate is in force for this unit and date but a rule of law exempts the applicant whatever the
   * rate (e.g. Luật Hộ tịch Điều 11 khoản 1): the line is 0 đ and `baseAmount` is 0.
   */
  withoutRate?: boolean;
  quantities: Record<string, number>;
  /** The count the fee is charged by (e.g. copies); 1 when the fee has no such count. */
  quantity: number;
  /** Amount payable for this line, integer VND, after adjustments. */
  amount: number;
  /** Amount before exemptions and reductions. */
  baseAmount: number;
  /** True when the line is 0 đ because of an exemption or the law (see `adjustments` for why). */
  exempt: boolean;
  basis: LegalBasis;
  /** Vietnamese, step by step: which rule, which rate, how the amount was reached. */
  explanation: string[];
  adjustments: AssessmentAdjustment[];
}

/** The result of `assess()`: every đồng explained. */
export interface Assessment {
  /** Σ line amounts, integer VND. */
  total: number;
  currency: 'VND';
  date: string;
  channel: string;
  lines: AssessmentLine[];
  /** Things a person should check (data from secondary sources, rounding not fixed by law, …). */
  warnings: string[];
  /** True when priced for the demo unit or with an example schedule: "đơn vị mẫu / biểu phí ví dụ". */
  example: boolean;
  /** The administrative unit the schedules were resolved for, when they were. */
  unit?: AdministrativeUnitRef;
}
