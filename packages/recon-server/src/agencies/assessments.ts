/**
 * @module Assessing a dossier's fee for an agency: its schedules on its unit for the assessment date, and the
 * fee-core errors as problem+json (a procedure with no rate in force is `rate_not_set`, naming the procedure,
 * the body that must set the rate and the date).
 */
import {
  type Assessment,
  AssessmentError,
  type AssessmentRequest,
  assess,
  type Schedule,
} from '@thuphi/fee-core';
import type { Knex } from 'knex';
import { AppError } from '../shared/errors.js';
import { type AgencySchedules, agencySchedules } from './schedules.js';

/** An assessment and the schedules (set, version, unit) that priced it. */
export interface AgencyAssessment {
  assessment: Assessment;
  schedules: AgencySchedules;
}

/**
 * Assesses `request` for the agency. The date defaults to `today` (Asia/Ho_Chi_Minh); the agency's unit in force
 * that day picks its province layers.
 *
 * @param at - where the request sits in the caller's body (`fee` in a receipt, `` for `/v1/assessments`)
 * @throws AppError `rate_not_set` (422, with `procedure`, `setBy`, `date`), `fee_assessment_failed` (422),
 *   `agency_has_no_unit` (422)
 * @example
 * const { assessment, schedules } = await assessForAgency(db, shippedSchedules, 'demo', req, '2026-12-04', 'fee');
 */
export async function assessForAgency(
  db: Knex | Knex.Transaction,
  base: readonly Schedule[],
  agencyId: string,
  request: AssessmentRequest,
  today: string,
  at = '',
): Promise<AgencyAssessment> {
  const date = request.date ?? today;
  const path = (field: string | undefined) => [at, field].filter((p) => p).join('.') || 'fee';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new AppError('fee_assessment_failed', { errors: [{ path: path('date'), message: 'YYYY-MM-DD' }] });
  }
  const schedules = await agencySchedules(db, base, agencyId, date);
  try {
    return { assessment: assess(schedules.set, { ...request, date }), schedules };
  } catch (error) {
    if (!(error instanceof AssessmentError)) throw error;
    if (error.code === 'RATE_NOT_SET' && error.details !== undefined) {
      throw new AppError('rate_not_set', {
        detail: error.message,
        errors: [{ path: path(error.field), message: error.message }],
        extensions: { ...error.details },
        cause: error,
      });
    }
    throw new AppError('fee_assessment_failed', {
      detail: error.message,
      errors: [{ path: path(error.field), message: error.message }],
      extensions: { feeError: error.code },
      cause: error,
    });
  }
}
