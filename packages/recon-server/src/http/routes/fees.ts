/**
 * @module The agency's fees before any receipt: `GET /v1/procedures` (the catalogue on a date, by national code or
 * name), `POST /v1/assessments` (price a dossier), the schedule sets receipts were priced with, and the agency
 * admin's schedule uploads (`/v1/agency/schedules`: validate, preview, apply, read old versions).
 */
import type { Schedule } from '@thuphi/fee-core';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { listScheduleVersions, scheduleVersionByHash } from '../../agencies/schedules.js';
import { agencyCatalogue, priceDossier, usedScheduleSet } from '../../fees/procedures.js';
import { applySchedule, previewSchedule } from '../../fees/schedules.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { localDateOf } from '../../shared/time.js';
import { principalOf, requireRole } from '../middleware/auth.js';
import { authProblems, problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';
import { feeRequest } from './receipts.js';

export const proceduresQuery = z.strictObject({
  date: z.iso.date().optional().describe('YYYY-MM-DD (default: today in Asia/Ho_Chi_Minh)'),
  code: z
    .string()
    .regex(/^\d\.\d{6}$/, 'a national procedure code (mã TTHC), e.g. 1.004222')
    .optional()
    .describe('National procedure code (mã TTHC)'),
  q: z.string().trim().min(1).max(100).optional().describe('Words of the name, with or without diacritics'),
});

/** A schedule file in a JSON body: YAML or JSON text as written (the file a province or agency keeps). */
export const scheduleUploadBody = z.strictObject({
  text: z
    .string()
    .min(1)
    .max(500_000)
    // PostgreSQL text cannot hold a NUL, and a schedule has no use for one.
    .refine((t) => !t.includes('\u0000'), 'must not contain NUL'),
  previewedHash: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'the hash a preview of this very file answered')
    .optional(),
});

const hashParams = z.object({
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a schedule hash (sha256:…)'),
});

const catalogueResponse = z.object({
  date: z.iso.date(),
  unit: z.record(z.string(), z.unknown()),
  scheduleVersion: z.string(),
  layers: z.array(z.object({ id: z.string(), name: z.string(), level: z.string() })),
  notice: z.string().nullable().describe('"đơn vị mẫu / biểu phí ví dụ" for the demo agency'),
  procedures: z.array(
    z.object({
      id: z.string(),
      codes: z.array(z.string()),
      name: z.string(),
      kind: z.enum(['phi', 'le-phi']),
      quantities: z.array(
        z.object({ name: z.string(), title: z.string(), label: z.string(), min: z.number() }),
      ),
      rate: z.enum(['set', 'not-set']),
      formula: z.string().describe('The rate in Vietnamese, or who must set it'),
      setBy: z.string(),
      basis: z.record(z.string(), z.unknown()),
      confidence: z.string().nullable(),
      preferences: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
});

const rateNotSet = problem(
  '`rate_not_set`: no rate of a procedure is in force for the agency on that date; `procedure`, `procedureName`, `setBy` (the body that must set it, e.g. "HĐND tỉnh Lai Châu") and `date` say which; or `fee_assessment_failed`, `agency_has_no_unit`',
);

const previewResponse = z.object({
  hash: z.string(),
  scheduleId: z.string(),
  level: z.string(),
  previous: z.string().nullable(),
  unchanged: z.boolean(),
  since: z.iso.date(),
  previews: z.array(
    z.object({
      unit: z.record(z.string(), z.unknown()).nullable(),
      procedures: z.array(z.record(z.string(), z.unknown())),
      rules: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
});

const uploadProblems = {
  400: problem('The body is invalid'),
  403: problem('Not an admin key, or the layer is outside the agency’s scope (national, another province)'),
  422: problem('`schedule_invalid`: every problem of the file with its path; or `agency_has_no_unit`'),
} as const;

export const feeOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/procedures',
    summary: 'The agency’s procedures on a date: codes, name, quantities, the rate in force, exemptions',
    description:
      'Resolved on the agency’s administrative unit that day: national layer → the province layers in force on its territory → its own layer. `code` finds a procedure by its national code (mã TTHC); `q` searches names with or without diacritics.',
    tags: ['fees'],
    security: 'apiKey',
    query: proceduresQuery,
    responses: {
      200: { description: 'The catalogue', schema: catalogueResponse },
      400: problem('A query parameter is invalid'),
      ...authProblems,
      422: problem('`agency_has_no_unit`'),
    },
  },
  {
    method: 'post',
    path: '/v1/assessments',
    summary: 'Price a dossier without opening a receipt',
    tags: ['fees'],
    security: 'apiKey',
    body: feeRequest,
    responses: {
      200: {
        description:
          'The assessment (lines, basis, explanation, warnings) and the schedule version that priced it',
        schema: z.object({
          assessment: z.record(z.string(), z.unknown()),
          scheduleVersion: z.string(),
          notice: z.string().nullable(),
        }),
      },
      400: problem('The body is invalid'),
      ...authProblems,
      422: rateNotSet,
    },
  },
  {
    method: 'get',
    path: '/v1/schedule-sets/{hash}',
    summary: 'A schedule set receipts were priced with: its unit and its layers (id, hash, window)',
    tags: ['fees'],
    security: 'apiKey',
    params: hashParams,
    responses: {
      200: { description: 'The set' },
      ...authProblems,
      404: problem('No receipt was priced with such a set'),
    },
  },
  {
    method: 'post',
    path: '/v1/agency/schedules/preview',
    summary:
      'Validate a schedule file for the agency and preview what it changes (old → new, from which date)',
    tags: ['fees'],
    security: 'apiKey',
    roles: ['admin'],
    body: scheduleUploadBody,
    responses: {
      200: { description: 'The preview', schema: previewResponse },
      ...authProblems,
      ...uploadProblems,
    },
  },
  {
    method: 'post',
    path: '/v1/agency/schedules',
    summary: 'Apply a previewed schedule file as a new version of the agency’s layer',
    description:
      'Send the same `text` with the `previewedHash` its preview answered: a file not previewed is refused (409). Receipts already opened keep their version and assessment.',
    tags: ['fees'],
    security: 'apiKey',
    roles: ['admin'],
    body: scheduleUploadBody,
    responses: {
      201: { description: 'Applied: the new version' },
      200: { description: 'The file is the version already in force: nothing changed' },
      ...authProblems,
      ...uploadProblems,
      409: problem('`schedule_not_previewed`: preview the file first'),
    },
  },
  {
    method: 'get',
    path: '/v1/agency/schedules',
    summary: 'Every schedule version uploaded for the agency, newest first (which one is in force)',
    tags: ['fees'],
    security: 'apiKey',
    roles: ['admin'],
    responses: { 200: { description: 'The versions (no content)' }, ...authProblems },
  },
  {
    method: 'get',
    path: '/v1/agency/schedules/{hash}',
    summary: 'One uploaded version of the agency, with the file as uploaded',
    tags: ['fees'],
    security: 'apiKey',
    roles: ['admin'],
    params: hashParams,
    responses: { 200: { description: 'The version' }, ...authProblems, 404: problem('No such version') },
  },
];

/** Routes of the agency key holder; mounted under `/v1` behind the API-key check. */
export function feesRouter(deps: { db: Knex; clock: Clock; baseSchedules: readonly Schedule[] }): Router {
  const router = Router();
  const today = () => localDateOf(deps.clock.now());

  router.get('/procedures', async (req, res) => {
    const query = parseBody(proceduresQuery, req.query);
    const { agencyId } = principalOf(req);
    const date = query.date ?? today();
    res.json(
      await agencyCatalogue(deps.db, deps.baseSchedules, agencyId, date, {
        ...(query.code === undefined ? {} : { code: query.code }),
        ...(query.q === undefined ? {} : { q: query.q }),
      }),
    );
  });

  router.post('/assessments', async (req, res) => {
    const body = parseBody(feeRequest, req.body);
    const { agencyId } = principalOf(req);
    res.json(await priceDossier(deps.db, deps.baseSchedules, agencyId, body as never, today()));
  });

  router.get('/schedule-sets/:hash', async (req, res) => {
    const { hash } = parseBody(hashParams, req.params);
    const { agencyId } = principalOf(req);
    const set = await usedScheduleSet(deps.db, agencyId, hash);
    if (!set) throw new AppError('not_found', { detail: `schedule set ${hash}` });
    res.json(set);
  });

  router.post('/agency/schedules/preview', requireRole('admin'), async (req, res) => {
    const body = parseBody(scheduleUploadBody, req.body);
    const principal = principalOf(req);
    res.json(
      await previewSchedule(
        deps.db,
        deps.baseSchedules,
        { agencyId: principal.agencyId, actor: principal.keyId },
        body.text,
        today(),
      ),
    );
  });

  router.post('/agency/schedules', requireRole('admin'), async (req, res) => {
    const body = parseBody(scheduleUploadBody, req.body);
    const principal = principalOf(req);
    if (body.previewedHash === undefined) throw new AppError('schedule_not_previewed');
    const result = await applySchedule(
      deps.db,
      deps.baseSchedules,
      { agencyId: principal.agencyId, actor: principal.keyId },
      body.text,
      body.previewedHash,
      deps.clock.now(),
      today(),
    );
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get('/agency/schedules', requireRole('admin'), async (req, res) => {
    res.json({ versions: await listScheduleVersions(deps.db, principalOf(req).agencyId) });
  });

  router.get('/agency/schedules/:hash', requireRole('admin'), async (req, res) => {
    const { hash } = parseBody(hashParams, req.params);
    const version = await scheduleVersionByHash(deps.db, principalOf(req).agencyId, hash);
    if (!version) throw new AppError('not_found', { detail: `schedule version ${hash}` });
    res.json(version);
  });

  return router;
}
