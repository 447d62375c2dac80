/** @module /v1/receipts: open a receipt for a dossier's fee, read it back. */
import type { ScheduleSet } from '@thuphi/fee-core';
import { renderSvg } from '@thuphi/qr';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { findReceipt, openReceipt, type Receipt } from '../../domain/receipts.js';
import { AppError } from '../errors.js';
import { principalOf, requireApiKey } from '../middleware/auth.js';
import { parseBody } from '../validate.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Control characters have no place in a name or a code, and break printed receipts.
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

const feeRequest = z.strictObject({
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

/** The JSON shape of a receipt; the QR SVG is rendered on the way out, never stored. */
async function present(receipt: Receipt) {
  const { qrPayload, ...rest } = receipt;
  return {
    ...rest,
    qr: qrPayload ? { payload: qrPayload, svg: await renderSvg(qrPayload) } : null,
  };
}

export function receiptsRouter(deps: { db: Knex; clock: Clock; schedules: ScheduleSet }): Router {
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
