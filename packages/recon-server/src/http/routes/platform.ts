/**
 * @module `/v1/platform/schedules`: the platform operator's schedule uploads — national or province layers for every
 * agency they reach (validate, preview per territory, apply as a new version, read old versions). An agency's own
 * layer is uploaded by its admin (`/v1/agency/schedules`).
 */
import type { Schedule } from '@thuphi/fee-core';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { listScheduleVersions, scheduleVersionByHash } from '../../agencies/schedules.js';
import { applySchedule, previewSchedule } from '../../fees/schedules.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { localDateOf } from '../../shared/time.js';
import { requireOperatorKey } from '../middleware/operator.js';
import { problem } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';
import { scheduleUploadBody } from './fees.js';

const hashParams = z.object({
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a schedule hash (sha256:…)'),
});

const operatorProblems = {
  401: problem('Missing or wrong operator key'),
  403: problem(
    'No operator key is configured (THUPHI_ADMIN_KEY), or the layer is an agency’s or the example',
  ),
  422: problem('`schedule_invalid`: every problem of the file with its path'),
} as const;

export const platformOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/platform/schedules/preview',
    summary:
      'Validate a national or province schedule file and preview its changes on each territory it reaches',
    tags: ['operator'],
    security: 'operatorKey',
    body: scheduleUploadBody,
    responses: {
      200: { description: 'The preview: per territory, procedures old → new from which date' },
      ...operatorProblems,
    },
  },
  {
    method: 'post',
    path: '/v1/platform/schedules',
    summary: 'Apply a previewed national or province schedule file as a new version',
    tags: ['operator'],
    security: 'operatorKey',
    body: scheduleUploadBody,
    responses: {
      201: { description: 'Applied: the new version' },
      200: { description: 'The file is the version already in force: nothing changed' },
      ...operatorProblems,
      409: problem('`schedule_not_previewed`: preview the file first'),
    },
  },
  {
    method: 'get',
    path: '/v1/platform/schedules',
    summary: 'Every platform schedule version, newest first (which one is in force)',
    tags: ['operator'],
    security: 'operatorKey',
    responses: { 200: { description: 'The versions (no content)' }, ...operatorProblems },
  },
  {
    method: 'get',
    path: '/v1/platform/schedules/{hash}',
    summary: 'One platform version with the file as uploaded',
    tags: ['operator'],
    security: 'operatorKey',
    params: hashParams,
    responses: { 200: { description: 'The version' }, ...operatorProblems, 404: problem('No such version') },
  },
];

export function platformRouter(deps: {
  db: Knex;
  clock: Clock;
  operatorKey: string | undefined;
  baseSchedules: readonly Schedule[];
}): Router {
  const router = Router();
  router.use(requireOperatorKey(deps.operatorKey));
  const scope = { agencyId: null, actor: 'operator' };
  const today = () => localDateOf(deps.clock.now());

  router.post('/schedules/preview', async (req, res) => {
    const body = parseBody(scheduleUploadBody, req.body);
    res.json(await previewSchedule(deps.db, deps.baseSchedules, scope, body.text, today()));
  });

  router.post('/schedules', async (req, res) => {
    const body = parseBody(scheduleUploadBody, req.body);
    if (body.previewedHash === undefined) throw new AppError('schedule_not_previewed');
    const result = await applySchedule(
      deps.db,
      deps.baseSchedules,
      scope,
      body.text,
      body.previewedHash,
      deps.clock.now(),
      today(),
    );
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get('/schedules', async (_req, res) => {
    res.json({ versions: await listScheduleVersions(deps.db, null) });
  });

  router.get('/schedules/:hash', async (req, res) => {
    const { hash } = parseBody(hashParams, req.params);
    const version = await scheduleVersionByHash(deps.db, null, hash);
    if (!version) throw new AppError('not_found', { detail: `schedule version ${hash}` });
    res.json(version);
  });
  return router;
}
