/**
 * @module Cash-proxy records: a clerk takes cash at the counter for a receipt and records it here,
 * instead of paying the fee online from a personal account. The receipt becomes paid (method cash),
 * gets its number, and the cash stays in the clerk's custody until it is deposited.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/errors.js';
import { enqueueEvent } from '../events/outbox.js';
import { audit } from '../ledger/audit.js';
import { paidAmountOf } from '../ledger/positions.js';
import { assignReceiptNumber, formatReceiptNumber, type ReceiptNumber } from '../ledger/receipt-numbers.js';
import { lockPayableReceipt } from '../matching/allocate.js';
import { AppError } from '../shared/errors.js';
import { hmacHex } from '../shared/signing.js';

/** Papers a clerk checks: căn cước (công dân), the old chứng minh nhân dân, a passport, or another. */
export type IdDocumentType = 'cccd' | 'cmnd' | 'passport' | 'other';

/** `0012 3456-7890` and `001234567890` are the same number: digits and letters only, upper case. */
export function normaliseIdNumber(number: string): string {
  return number
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

/**
 * What is kept of an ID document number: a keyed hash (HMAC-SHA256 under the server's key, so a
 * leaked table cannot be reversed by hashing every possible number) and the last 4 characters for
 * a person to compare with the paper.
 *
 * @example
 * hashIdDocument('a-32-character-or-longer-server-key', '001 234 567 890')
 * // { hash: '…64 hex…', last4: '7890' }
 */
export function hashIdDocument(key: string, number: string): { hash: string; last4: string } {
  const normalised = normaliseIdNumber(number);
  return {
    hash: hmacHex('sha256', key, normalised),
    last4: normalised.slice(-4),
  };
}

export interface RecordCashInput {
  receiptId: string;
  amount: number;
  payerName: string;
  idDocument: { type: IdDocumentType; number: string };
  clerkName?: string | undefined;
}

export interface CashPaymentRecord {
  id: string;
  receiptId: string;
  amount: number;
  clerkKeyId: string;
  clerkName: string | null;
  payerName: string;
  idDocument: { type: IdDocumentType; last4: string };
  collectedAt: string;
  receiptNumber: string;
}

/**
 * Records cash taken for a receipt. The receipt row is locked as the matching ladder locks it, so a
 * bank credit and a cash record racing for one receipt cannot both pay it: whichever comes second
 * finds it paid (the credit goes to the exception queue as already_paid; the cash is refused).
 * The amount must be exactly what the receipt still owes: a clerk cannot take change into custody.
 *
 * @example
 * await recordCashPayment(db, { agencyId: 'demo', keyId, idHashKey }, {
 *   receiptId, amount: 7000, payerName: 'Nguyễn Văn An', idDocument: { type: 'cccd', number: '001234567890' },
 * }, new Date());
 */
export async function recordCashPayment(
  db: Knex,
  ctx: { agencyId: string; keyId: string; idHashKey: string },
  input: RecordCashInput,
  at: Date,
): Promise<CashPaymentRecord> {
  const { hash, last4 } = hashIdDocument(ctx.idHashKey, input.idDocument.number);
  try {
    return await db.transaction(async (trx) => {
      const receipt = await lockPayableReceipt(trx, ctx.agencyId, { id: input.receiptId });
      if (!receipt) throw new AppError('not_found', { detail: `receipt ${input.receiptId}` });
      if (receipt.voided || !receipt.payable) {
        throw new AppError('receipt_not_payable', {
          detail: receipt.voided ? 'the receipt is void' : 'the receipt is exempt (0 đ)',
        });
      }
      const paid = await paidAmountOf(trx, receipt.id);
      const due = receipt.amount - paid;
      if (due <= 0) throw new AppError('receipt_already_paid', { detail: `receipt ${receipt.id}` });
      if (input.amount !== due) {
        throw new AppError('cash_amount_mismatch', {
          detail: `the receipt still owes ${due} đ; ${input.amount} đ was recorded`,
          errors: [{ path: 'amount', message: `must be ${due} (the outstanding amount)` }],
          extensions: { expectedAmount: due },
        });
      }
      const id = randomUUID();
      await trx('cash_payments').insert({
        id,
        agency_id: ctx.agencyId,
        receipt_id: receipt.id,
        amount: input.amount,
        clerk_key_id: ctx.keyId,
        clerk_name: input.clerkName ?? null,
        payer_name: input.payerName,
        id_doc_type: input.idDocument.type,
        id_doc_hash: hash,
        id_doc_last4: last4,
        collected_at: at,
      });
      // Numbered once, like a bank payment: a receipt renumbered after an unmatch keeps its first number.
      const existing = await trx('receipt_numbers')
        .where({ receipt_id: receipt.id })
        .first('series', 'number');
      const number: ReceiptNumber = existing
        ? { series: existing.series, number: existing.number }
        : await assignReceiptNumber(trx, ctx.agencyId, receipt.id, at);
      // The same payload as a bank payment's receipt.paid, so subscribers need no second code path.
      await enqueueEvent(trx, {
        agencyId: ctx.agencyId,
        type: 'receipt.paid',
        subjectId: receipt.id,
        data: {
          receiptId: receipt.id,
          dossierCode: receipt.dossierCode,
          reference: receipt.reference,
          amount: receipt.amount,
          paidAmount: receipt.amount,
          outstanding: 0,
          receiptNumber: formatReceiptNumber(number),
          creditId: null,
          allocationId: null,
          cashPaymentId: id,
          allocated: input.amount,
          method: 'cash',
        },
        at,
      });
      await audit(trx, {
        agencyId: ctx.agencyId,
        actor: ctx.keyId,
        action: 'cash.recorded',
        subjectType: 'cash_payment',
        subjectId: id,
        data: {
          receiptId: receipt.id,
          amount: input.amount,
          payerName: input.payerName,
          idDocument: { type: input.idDocument.type, last4 },
          clerkName: input.clerkName ?? null,
          receiptNumber: formatReceiptNumber(number),
        },
        at,
      });
      return {
        id,
        receiptId: receipt.id,
        amount: input.amount,
        clerkKeyId: ctx.keyId,
        clerkName: input.clerkName ?? null,
        payerName: input.payerName,
        idDocument: { type: input.idDocument.type, last4 },
        collectedAt: at.toISOString(),
        receiptNumber: formatReceiptNumber(number),
      };
    });
  } catch (error) {
    // The unique receipt key on cash_payments: only reachable if the row lock were bypassed.
    if (isUniqueViolation(error)) throw new AppError('receipt_already_paid', { cause: error });
    throw error;
  }
}
