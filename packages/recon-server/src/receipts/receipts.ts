/** @module Receipts: opening one for a dossier's assessed fee, and reading it back with its status. */
import { randomUUID } from 'node:crypto';
import { type Assessment, type AssessmentRequest, generateReference, type Schedule } from '@thuphi/fee-core';
import { encode, formatDong, MAX_AMOUNT, safeMemo } from '@thuphi/qr';
import type { Knex } from 'knex';
import {
  type CollectionAccount,
  collectionAccountById,
  defaultCollectionAccount,
} from '../agencies/agencies.js';
import { assessForAgency } from '../agencies/assessments.js';
import { rememberScheduleSet } from '../agencies/schedules.js';
import { isUniqueViolation } from '../db/errors.js';
import { audit } from '../ledger/audit.js';
import { activeAllocations } from '../ledger/positions.js';
import { formatReceiptNumber } from '../ledger/receipt-numbers.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { localDateOf } from '../shared/time.js';

export type ReceiptStatus = 'open' | 'partially_paid' | 'paid' | 'exempt' | 'void';

export interface OpenReceiptInput {
  dossierCode: string;
  payer: { name: string };
  fee: AssessmentRequest;
}

export interface Receipt {
  id: string;
  dossierCode: string;
  payer: { name: string };
  amount: number;
  /**
   * Bank allocations in force plus cash taken at the counter; `outstanding` is what is still owed
   * (0 when exempt or void).
   */
  paidAmount: number;
  outstanding: number;
  reference: string;
  status: ReceiptStatus;
  lines: Assessment['lines'];
  warnings: string[];
  assessedOn: string;
  /**
   * The schedule version (set hash) that priced the receipt; `null` for receipts opened before versions were
   * recorded. The stored assessment never changes when a rate does.
   */
  scheduleVersion: string | null;
  /** True when priced for the demo unit with the example schedule: "đơn vị mẫu / biểu phí ví dụ". */
  example: boolean;
  /** The administrative unit the fee was assessed for (codes and names), when recorded. */
  unit: Assessment['unit'] | null;
  collectionAccount: Pick<CollectionAccount, 'bankBin' | 'accountNumber' | 'accountName'> | null;
  /** The VietQR payload to show; null for an exempt receipt, which takes no money. */
  qrPayload: string | null;
  receiptNumber: string | null;
  /** When it became fully paid (its receipt number was assigned then). */
  paidAt: string | null;
  /** Bank transfers in force and cash taken at the counter, oldest first. */
  payments: ReceiptPayment[];
  void: { reason: string; at: string } | null;
  createdAt: string;
}

/** A bank credit allocated to the receipt (not reversed). */
export interface BankTransferPayment {
  method: 'bank_transfer';
  allocationId: string;
  creditId: string;
  /** How the credit found the receipt: `auto:reference` (the ladder) or `manual` (a treasury user). */
  matchedBy: string;
  /** Who reported the credit: a callback provider, or `statement`. */
  source: string;
  bankReference: string | null;
  amount: number;
  at: string;
}

/** Cash a clerk took at the counter (a cash-proxy record); the cash is in that clerk's custody until deposited. */
export interface CashPayment {
  method: 'cash';
  cashPaymentId: string;
  clerk: { keyId: string; name: string | null };
  payerName: string;
  amount: number;
  at: string;
}

export type ReceiptPayment = BankTransferPayment | CashPayment;

export interface OpenReceiptContext {
  db: Knex;
  clock: Clock;
  /** The shipped schedule layers; uploaded versions and the agency's unit are read from the database. */
  baseSchedules: readonly Schedule[];
  agencyId: string;
  keyId: string;
}

/**
 * Assesses the fee and opens a receipt: a payment reference, and for a payable amount a dynamic
 * VietQR to the agency's collection account with the reference first in the memo.
 */
export async function openReceipt(ctx: OpenReceiptContext, input: OpenReceiptInput): Promise<Receipt> {
  const { assessment, schedules } = await assessForAgency(
    ctx.db,
    ctx.baseSchedules,
    ctx.agencyId,
    input.fee,
    localDateOf(ctx.clock.now()),
    'fee',
  );
  checkTransferable(assessment);
  const exempt = assessment.total === 0;
  const account = exempt ? undefined : await defaultCollectionAccount(ctx.db, ctx.agencyId);
  if (!exempt && !account) throw new AppError('no_collection_account');

  // References are random with a check character; a collision is astronomically rare but the
  // unique index would turn it into an error, so draw again instead.
  for (let attempt = 0; ; attempt++) {
    const reference = generateReference();
    const id = randomUUID();
    const qrPayload = account
      ? encode({
          bin: account.bankBin,
          account: account.accountNumber,
          amount: assessment.total,
          // The reference first and intact (matching looks for it), then what fits of the dossier code.
          purpose: safeMemo(reference, input.dossierCode),
        })
      : null;
    try {
      await ctx.db.transaction(async (trx) => {
        await rememberScheduleSet(trx, schedules.set, schedules.version, ctx.clock.now());
        await trx('receipts').insert({
          id,
          agency_id: ctx.agencyId,
          dossier_code: input.dossierCode,
          payer_name: input.payer.name,
          amount: assessment.total,
          reference,
          opened_as: exempt ? 'exempt' : 'open',
          assessment: JSON.stringify(assessment),
          schedule_version: schedules.version,
          collection_account_id: account?.id ?? null,
          qr_payload: qrPayload,
          created_by_key: ctx.keyId,
          created_at: ctx.clock.now(),
        });
        await audit(trx, {
          agencyId: ctx.agencyId,
          actor: ctx.keyId,
          action: exempt ? 'receipt.opened_exempt' : 'receipt.opened',
          subjectType: 'receipt',
          subjectId: id,
          data: { dossierCode: input.dossierCode, amount: assessment.total, reference },
          at: ctx.clock.now(),
        });
      });
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
    const receipt = await findReceipt(ctx.db, ctx.agencyId, id);
    return receipt!;
  }
}

// Huge quantities can assess to more than one VietQR transfer carries (13 digits): the caller's input, refused
// before anything is written.
function checkTransferable(assessment: Assessment): void {
  if (assessment.total > MAX_AMOUNT) {
    throw new AppError('fee_assessment_failed', {
      detail: `the assessed fee is more than a VietQR transfer can carry (at most ${formatDong(MAX_AMOUNT)})`,
      errors: [{ path: 'fee.items', message: `the quantities give a fee above ${formatDong(MAX_AMOUNT)}` }],
    });
  }
}

/**
 * The receipt behind a counter display URL, whichever agency it belongs to (its random id is the
 * capability), with the agency's name to show.
 *
 * @example
 * const found = await findCounterReceipt(db, receiptId);
 */
export async function findCounterReceipt(
  db: Knex,
  id: string,
): Promise<{ receipt: Receipt; agencyName: string } | undefined> {
  const row = await db('receipts as r')
    .join('agencies as a', 'a.id', 'r.agency_id')
    .where('r.id', id)
    .first('r.agency_id', 'a.name');
  if (!row) return undefined;
  const receipt = await findReceipt(db, row.agency_id, id);
  return receipt && { receipt, agencyName: row.name };
}

/** Reads one of the agency's receipts with its derived status; another agency's id reads as absent. */
export async function findReceipt(db: Knex, agencyId: string, id: string): Promise<Receipt | undefined> {
  const row = await db('receipts as r')
    .leftJoin('receipt_numbers as n', 'n.receipt_id', 'r.id')
    .leftJoin('receipt_voids as v', 'v.receipt_id', 'r.id')
    .where({ 'r.id': id, 'r.agency_id': agencyId })
    .first(
      'r.*',
      'n.series',
      'n.number',
      'n.assigned_at',
      'v.reason as void_reason',
      'v.created_at as voided_at',
    );
  if (!row) return undefined;
  const account = row.collection_account_id
    ? await collectionAccountById(db, row.collection_account_id)
    : undefined;
  const payments = await activeAllocations(db)
    .join('bank_credits as c', 'c.id', 'al.credit_id')
    .where('al.receipt_id', id)
    .orderBy('al.created_at')
    .select(
      'al.id',
      'al.credit_id',
      'al.method',
      'al.amount',
      'al.created_at',
      'c.bank_reference',
      'c.provider',
    );
  const cash = await db('cash_payments')
    .where({ receipt_id: id })
    .orderBy('collected_at')
    .select('id', 'amount', 'clerk_key_id', 'clerk_name', 'payer_name', 'collected_at');
  const amount = row.amount;
  const paid = payments.reduce((sum, p) => sum + p.amount, 0) + cash.reduce((sum, c) => sum + c.amount, 0);
  const assessment: Assessment =
    typeof row.assessment === 'string' ? JSON.parse(row.assessment) : row.assessment;
  const status: ReceiptStatus =
    row.opened_as === 'exempt'
      ? 'exempt'
      : row.void_reason != null
        ? 'void'
        : paid >= amount
          ? 'paid'
          : paid > 0
            ? 'partially_paid'
            : 'open';
  return {
    id: row.id,
    dossierCode: row.dossier_code,
    payer: { name: row.payer_name },
    amount,
    paidAmount: paid,
    outstanding: row.opened_as === 'exempt' || row.void_reason != null ? 0 : Math.max(0, amount - paid),
    reference: row.reference,
    status,
    lines: assessment.lines,
    warnings: assessment.warnings,
    assessedOn: assessment.date,
    scheduleVersion: row.schedule_version ?? null,
    example: assessment.example === true,
    unit: assessment.unit ?? null,
    collectionAccount: account
      ? { bankBin: account.bankBin, accountNumber: account.accountNumber, accountName: account.accountName }
      : null,
    qrPayload: row.qr_payload,
    receiptNumber:
      row.series != null ? formatReceiptNumber({ series: row.series, number: row.number }) : null,
    paidAt: status === 'paid' && row.assigned_at ? new Date(row.assigned_at).toISOString() : null,
    payments: [
      ...payments.map(
        (p): ReceiptPayment => ({
          method: 'bank_transfer',
          allocationId: p.id,
          creditId: p.credit_id,
          matchedBy: p.method,
          source: p.provider,
          bankReference: p.bank_reference ?? null,
          amount: p.amount,
          at: new Date(p.created_at).toISOString(),
        }),
      ),
      ...cash.map(
        (c): ReceiptPayment => ({
          method: 'cash',
          cashPaymentId: c.id,
          clerk: { keyId: c.clerk_key_id, name: c.clerk_name ?? null },
          payerName: c.payer_name,
          amount: c.amount,
          at: new Date(c.collected_at).toISOString(),
        }),
      ),
    ].sort((a, b) => a.at.localeCompare(b.at)),
    void:
      row.void_reason != null ? { reason: row.void_reason, at: new Date(row.voided_at).toISOString() } : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
