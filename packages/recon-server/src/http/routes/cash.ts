/**
 * @module Cash at the counter and the printed receipt: `POST /v1/receipts/{id}/cash-payments` (a clerk
 * records cash taken for a receipt) and `GET /v1/receipts/{id}/print` (HTML for A5 or 80 mm printers).
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { type IdDocumentType, normaliseIdNumber, recordCashPayment } from '../../cash/payments.js';
import { loadPrintableReceipt, PRINT_LAYOUTS, renderReceiptHtml } from '../../receipts/print.js';
import { findReceipt } from '../../receipts/receipts.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey, requireRole } from '../middleware/auth.js';
import { authProblems, idParams, problem, vnd } from '../openapi/common.js';
import type { Operation } from '../openapi/operation.js';
import { parseBody } from '../validate.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** What each kind of paper's number looks like once spaces and dashes are dropped. */
const ID_FORMATS: Record<IdDocumentType, { re: RegExp; message: string }> = {
  cccd: { re: /^\d{12}$/, message: 'a căn cước number has 12 digits' },
  cmnd: { re: /^(\d{9}|\d{12})$/, message: 'a CMND number has 9 or 12 digits' },
  passport: { re: /^[A-Z0-9]{6,12}$/, message: 'a passport number has 6–12 letters or digits' },
  other: { re: /^[A-Z0-9]{4,30}$/, message: 'an ID number has 4–30 letters or digits' },
};

export const cashPaymentBody = z.strictObject({
  amount: vnd.positive().describe('Cash taken, in đồng: must equal what the receipt still owes'),
  payer: z
    .strictObject({ name: text(200) })
    .describe('The person who handed over the cash (may differ from the receipt’s payer)'),
  idDocument: z
    .strictObject({
      type: z.enum(['cccd', 'cmnd', 'passport', 'other']),
      number: z.string().max(40).describe('Kept only as a keyed hash and its last 4 characters'),
    })
    // The messages never repeat the number: validation errors end up in logs and screens.
    .superRefine((doc, ctx) => {
      const format = ID_FORMATS[doc.type];
      if (!format.re.test(normaliseIdNumber(doc.number))) {
        ctx.addIssue({ code: 'custom', path: ['number'], message: format.message });
      }
    })
    .describe('The payer’s ID document the clerk checked'),
  clerkName: text(200)
    .optional()
    .describe('The person at the counter, when several share the counter software’s key'),
});

export const printQuery = z.object({
  layout: z
    .enum(PRINT_LAYOUTS as [string, ...string[]])
    .optional()
    .describe('a5 (default) or 80mm'),
});

const cashPaymentResponse = z.object({
  cashPayment: z.object({
    id: z.uuid(),
    receiptId: z.uuid(),
    amount: vnd,
    clerkKeyId: z.string(),
    clerkName: z.string().nullable(),
    payerName: z.string(),
    idDocument: z.object({ type: z.string(), last4: z.string() }),
    collectedAt: z.iso.datetime(),
    receiptNumber: z.string(),
  }),
  receipt: z.object({
    id: z.uuid(),
    status: z.literal('paid'),
    amount: vnd,
    paidAmount: vnd,
    outstanding: vnd,
    receiptNumber: z.string(),
    paidAt: z.iso.datetime(),
    payments: z.array(z.record(z.string(), z.unknown())),
  }),
});

export const cashOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/receipts/{id}/cash-payments',
    summary: 'Record cash taken at the counter for a receipt (cash-proxy record)',
    description:
      'The receipt becomes paid (method cash) and gets its receipt number; the cash stays in the clerk’s custody until deposited. The ID document number is kept only as a keyed hash and its last 4 characters.',
    tags: ['cash'],
    security: 'apiKey',
    roles: ['clerk'],
    params: idParams,
    body: cashPaymentBody,
    responses: {
      201: { description: 'Recorded; the receipt is paid', schema: cashPaymentResponse },
      400: problem('The body is invalid'),
      ...authProblems,
      404: problem('No such receipt in this agency'),
      409: problem('The receipt is already paid, void or exempt'),
      422: problem('The amount is not what the receipt still owes (`expectedAmount` says what is)'),
    },
  },
  {
    method: 'get',
    path: '/v1/receipts/{id}/print',
    summary: 'The printable receipt: HTML for A5 sheets or 80 mm thermal printers',
    description:
      'Self-contained HTML (inline CSS, no script). A receipt not (fully) paid prints as a payment request marked “CHƯA THANH TOÁN”, without a receipt number or signatures; void and exempt receipts are marked as such.',
    tags: ['receipts'],
    security: 'apiKey',
    params: idParams,
    query: printQuery,
    responses: {
      200: { description: 'The receipt as HTML', contentType: 'text/html' },
      400: problem('Unknown layout'),
      ...authProblems,
      404: problem('No such receipt in this agency'),
    },
  },
];

function receiptIdOf(value: unknown): string {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw new AppError('not_found', { detail: `receipt ${String(value)}` });
  return parsed.data;
}

export function cashRouter(deps: { db: Knex; clock: Clock; idHashKey: string }): Router {
  const router = Router();
  const auth = requireApiKey(deps);

  router.post('/receipts/:id/cash-payments', auth, requireRole('clerk'), async (req, res) => {
    const principal = principalOf(req);
    const receiptId = receiptIdOf(req.params.id);
    const body = parseBody(cashPaymentBody, req.body);
    const cashPayment = await recordCashPayment(
      deps.db,
      { agencyId: principal.agencyId, keyId: principal.keyId, idHashKey: deps.idHashKey },
      {
        receiptId,
        amount: body.amount,
        payerName: body.payer.name,
        idDocument: body.idDocument,
        clerkName: body.clerkName,
      },
      deps.clock.now(),
    );
    const receipt = (await findReceipt(deps.db, principal.agencyId, receiptId))!;
    res.status(201).json({
      cashPayment,
      receipt: {
        id: receipt.id,
        status: receipt.status,
        amount: receipt.amount,
        paidAmount: receipt.paidAmount,
        outstanding: receipt.outstanding,
        receiptNumber: receipt.receiptNumber,
        paidAt: receipt.paidAt,
        payments: receipt.payments,
      },
    });
  });

  router.get('/receipts/:id/print', auth, async (req, res) => {
    const principal = principalOf(req);
    const query = printQuery.safeParse(req.query);
    if (!query.success) {
      throw new AppError('validation_failed', {
        errors: [{ path: 'layout', message: `layout must be one of ${PRINT_LAYOUTS.join(', ')}` }],
      });
    }
    const layout = (query.data.layout ?? 'a5') as (typeof PRINT_LAYOUTS)[number];
    const printable = await loadPrintableReceipt(deps.db, principal.agencyId, receiptIdOf(req.params.id));
    if (!printable) throw new AppError('not_found', { detail: `receipt ${req.params.id}` });
    res
      .status(200)
      .type('text/html; charset=utf-8')
      // Nothing on the page may run or load: defence in depth behind the escaping.
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .set('Cache-Control', 'no-store')
      .send(renderReceiptHtml(printable, layout));
  });

  return router;
}
