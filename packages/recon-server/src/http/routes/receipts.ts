/** @module /v1/receipts: open a receipt for a dossier's fee, read it back. */
import type { Schedule } from '@thuphi/fee-core';
import { renderSvg } from '@thuphi/qr';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findReceipt, openReceipt, type Receipt } from '../../receipts/receipts.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey } from '../middleware/auth.js';
import { authProblems, idParams, problem, vnd } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Control characters have no place in a name or a code, and break printed receipts.
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** An assessment request (the shape of fee-cases.json): also the body of `POST /v1/assessments`. */
export const feeRequest = z.strictObject({
  date: z.iso.date().optional(),
  channel: z.enum(['counter', 'online', 'postal']).optional(),
  applicant: z.strictObject({ categories: z.array(z.string().max(64)).max(20).optional() }).optional(),
  items: z
    .array(
      z.strictObject({
        procedure: z.string().min(1).max(100),
        quantities: z.record(z.string().max(64), z.number()).optional(),
      }),
    )
    .min(1)
    .max(100),
});

export const openReceiptBody = z.strictObject({
  dossierCode: text(64),
  payer: z.strictObject({ name: text(200) }),
  fee: feeRequest,
});

const receiptId = z.uuid();

/** The JSON a receipt is answered with (documentation of the response; built by `present`). */
export const receiptResponse = z.object({
  id: z.uuid(),
  dossierCode: z.string(),
  payer: z.object({ name: z.string() }),
  amount: vnd,
  paidAmount: vnd,
  outstanding: vnd,
  reference: z.string().describe('Payment reference to put first in the transfer memo'),
  status: z.enum(['open', 'partially_paid', 'paid', 'exempt', 'void']),
  lines: z.array(z.record(z.string(), z.unknown())),
  warnings: z.array(z.string()),
  assessedOn: z.iso.date(),
  scheduleVersion: z
    .string()
    .nullable()
    .describe('Content hash of the schedule set that priced the receipt (GET /v1/schedule-sets/{hash})'),
  example: z
    .boolean()
    .describe('Priced with the example schedule of the demo unit: "đơn vị mẫu / biểu phí ví dụ"'),
  unit: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The administrative unit the fee was assessed for'),
  collectionAccount: z
    .object({ bankBin: z.string(), accountNumber: z.string(), accountName: z.string() })
    .nullable(),
  qr: z.object({ payload: z.string(), svg: z.string() }).nullable(),
  receiptNumber: z.string().nullable(),
  paidAt: z.iso.datetime().nullable(),
  payments: z.array(
    z.object({
      method: z.string(),
      amount: vnd,
      at: z.iso.datetime(),
      bankReference: z.string().nullable().optional(),
    }),
  ),
  void: z.object({ reason: z.string(), at: z.iso.datetime() }).nullable(),
  createdAt: z.iso.datetime(),
});

export const receiptOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/receipts',
    summary: 'Open a receipt for a dossier’s fee, with its VietQR',
    description:
      'The fee is assessed by @thuphi/fee-core from the request; the amount is never taken from the caller.',
    tags: ['receipts'],
    security: 'apiKey',
    body: openReceiptBody,
    responses: {
      201: { description: 'The receipt, open (or exempt when the fee is 0)', schema: receiptResponse },
      400: problem('The body is invalid'),
      ...authProblems,
      422: problem(
        'The fee could not be assessed (`rate_not_set` names the procedure, the body that must set the rate and the date), the agency has no administrative unit, or no collection account',
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/receipts/{id}',
    summary: 'Read a receipt: status, amounts paid and outstanding, payments',
    tags: ['receipts'],
    security: 'apiKey',
    params: idParams,
    responses: {
      200: { description: 'The receipt', schema: receiptResponse },
      ...authProblems,
      404: problem('No such receipt in this agency'),
    },
  },
];

/** The JSON shape of a receipt; the QR SVG is rendered on the way out, never stored. */
async function present(receipt: Receipt) {
  const { qrPayload, ...rest } = receipt;
  return {
    ...rest,
    qr: qrPayload ? { payload: qrPayload, svg: await renderSvg(qrPayload) } : null,
  };
}

export function receiptsRouter(deps: { db: Knex; clock: Clock; baseSchedules: readonly Schedule[] }): Router {
  const router = Router();
  router.use(requireApiKey(deps));

  router.post('/', async (req, res) => {
    const principal = principalOf(req);
    const body = parseBody(openReceiptBody, req.body);
    const receipt = await openReceipt(
      { ...deps, agencyId: principal.agencyId, keyId: principal.keyId },
      body as z.infer<typeof openReceiptBody>,
    );
    res
      .status(201)
      .location(`/v1/receipts/${receipt.id}`)
      .json(await present(receipt));
  });

  router.get('/:id', async (req, res) => {
    const principal = principalOf(req);
    const id = receiptId.safeParse(req.params.id);
    // Another agency's receipt answers exactly like a missing one: no existence leak across tenants.
    const receipt = id.success ? await findReceipt(deps.db, principal.agencyId, id.data) : undefined;
    if (!receipt) throw new AppError('not_found', { detail: `receipt ${req.params.id}` });
    res.json(await present(receipt));
  });

  return router;
}
