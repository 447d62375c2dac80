/** @module /v1/agencies: the platform operator creates agencies (and gets each one's first admin key). */
import { unitRef } from '@thuphi/fee-core';
import { bankByBin } from '@thuphi/qr';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { createAgency } from '../../agencies/onboarding.js';
import { type AgencyUnitRecord, unitFromInput } from '../../agencies/units.js';
import { changeAgencyUnit } from '../../fees/units.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { requireOperatorKey } from '../middleware/operator.js';
import { problem, problemSchema } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

/** Where an agency sits on the 2025 map: province by code or slug, commune by code, former province by slug. */
export const unitBody = z
  .strictObject({
    province: z.string().min(1).max(40).describe('2025 province: official code (`12`) or slug (`lai-chau`)'),
    commune: z
      .string()
      .regex(/^\d{5}$/, 'a 5-digit commune code')
      .optional()
      .describe('Official commune code; omit for a province-level body'),
    formerProvince: z
      .string()
      .min(1)
      .max(40)
      .optional()
      .describe(
        'Pre-2025 province (slug or pre-2025 code) whose territory it lies in; needed for a province-level body of a merged province',
      ),
  })
  .describe('Administrative unit (2025 map)');

export const createAgencyBody = z.strictObject({
  // Appears in callback URLs (/v1/callbacks/{provider}/{agencyId}): a plain slug.
  id: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$/, '3–50 lower-case letters, digits or hyphens (a slug)'),
  name: z.string().trim().min(1).max(200),
  collectionAccount: z.strictObject({
    bankBin: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit NAPAS BIN')
      .refine((bin) => bankByBin(bin) !== undefined, 'not a known NAPAS BIN'),
    accountNumber: z.string().regex(/^[A-Za-z0-9]{1,19}$/, '1–19 letters or digits'),
    accountName: z.string().trim().min(1).max(100),
  }),
  unit: unitBody,
  // Ký hiệu biên lai as printed before the receipt number.
  receiptSeries: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9/-]{0,19}$/, '1–20 upper-case letters, digits, "-" or "/"')
    .optional(),
});

const createdAgencySchema = z.object({
  agency: z.object({
    id: z.string(),
    name: z.string(),
    receiptSeries: z.string(),
    collectionAccounts: z.array(
      z.object({ id: z.string(), bankBin: z.string(), accountNumber: z.string(), accountName: z.string() }),
    ),
  }),
  apiKey: z.string().describe('The first admin key: shown this once, only its hash is kept'),
  keyId: z.string(),
  role: z.literal('admin'),
});

const operatorProblems = {
  401: problem('Missing or wrong operator key'),
  403: problem('No operator key is configured on this server (THUPHI_ADMIN_KEY)'),
  429: problem('Too many failed authentications from this client; see Retry-After'),
} as const;

export const unitChangeBody = z.strictObject({
  unit: unitBody,
  effectiveFrom: z.iso
    .date()
    .describe('From which day (Asia/Ho_Chi_Minh) the new unit prices the agency’s fees'),
  reason: z.string().trim().min(1).max(500).describe('Why (e.g. the decision that moved the agency)'),
});

const agencyIdParams = z.object({ id: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$/) });

export const agencyAdminOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/agencies',
    summary: 'Create an agency with its collection account and first admin key (platform operator)',
    tags: ['operator'],
    security: 'operatorKey',
    body: createAgencyBody,
    responses: {
      201: { description: 'Created; the admin key is shown once', schema: createdAgencySchema },
      400: problem('The body is invalid (unknown bank BIN included)'),
      ...operatorProblems,
      409: { description: 'The id or the collection account is taken', schema: problemSchema },
    },
  },
  {
    method: 'post',
    path: '/v1/agencies/{id}/units',
    summary: 'Record a dated change of an agency’s administrative unit (platform operator; audited)',
    description:
      'The agency’s earlier unit keeps pricing the dates before `effectiveFrom`; nothing is changed in place.',
    tags: ['operator'],
    security: 'operatorKey',
    params: agencyIdParams,
    body: unitChangeBody,
    responses: {
      201: { description: 'Recorded' },
      400: problem('The body is invalid (a unit not on the 2025 map included)'),
      ...operatorProblems,
      404: problem('No such agency'),
    },
  },
];

export function agenciesRouter(deps: { db: Knex; clock: Clock; operatorKey: string | undefined }): Router {
  const router = Router();
  router.post('/', requireOperatorKey(deps.operatorKey), async (req, res) => {
    const body = parseBody(createAgencyBody, req.body);
    const unit = unitFromInput(body.unit, 'unit');
    const result = await createAgency(deps.db, { ...body, unit, recordedBy: 'operator' }, deps.clock.now());
    if (!result.ok) {
      throw new AppError(result.reason, {
        detail:
          result.reason === 'agency_exists'
            ? `agency "${body.id}"`
            : `${body.collectionAccount.bankBin}/${body.collectionAccount.accountNumber}`,
      });
    }
    res
      .status(201)
      .location('/v1/agency')
      .json({ agency: result.agency, apiKey: result.key.apiKey, keyId: result.key.id, role: 'admin' });
  });
  router.post('/:id/units', requireOperatorKey(deps.operatorKey), async (req, res) => {
    const { id } = parseBody(agencyIdParams, req.params);
    const body = parseBody(unitChangeBody, req.body);
    const record = await changeAgencyUnit(deps.db, {
      agencyId: id,
      unit: body.unit,
      effectiveFrom: body.effectiveFrom,
      reason: body.reason,
      actor: 'operator',
      at: deps.clock.now(),
    });
    res.status(201).json(presentUnit(record));
  });
  return router;
}

/** A unit record as JSON: codes and names, from when, why, who. */
export function presentUnit(record: AgencyUnitRecord) {
  return {
    effectiveFrom: record.effectiveFrom,
    unit: unitRef(record.unit),
    reason: record.reason,
    recordedBy: record.recordedBy,
    recordedAt: record.recordedAt,
  };
}
