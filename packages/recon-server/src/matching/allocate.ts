/**
 * @module Allocating a credit to a receipt, under the receipt's row lock: as much as it still owes,
 * numbering it when it becomes fully paid, with the outcome, the outbox events and the audit entry
 * written in the same statement. The ladder and a treasurer's manual match both allocate through it.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { prepared } from '../db/prepared.js';
import { notifyAfterCommit } from '../events/bus.js';
import type { EventType } from '../events/outbox.js';
import { numberingSteps } from '../ledger/receipt-numbers.js';
import type { ReceiptMatch, ReceiptPaymentStatus } from './result.js';

export interface AllocationInput {
  agencyId: string;
  creditId: string;
  creditAmount: number;
  /** The receipt as {@link lockPayableReceipt} returned it: the caller holds its row lock. */
  receipt: LockedReceipt;
  /** What the receipt has taken so far, read under that lock ({@link paidAmountOf}). */
  paid: number;
  method: 'auto:reference' | 'manual';
  actor: string;
  reason?: string;
  /** The ladder's own allocation also records its credit_match_outcomes row, in the same statement. */
  recordMatchOutcome?: boolean;
  at: Date;
}

/**
 * One statement for everything an allocation writes: the allocation, the ladder's outcome row, the
 * receipt number when it becomes fully paid (the one it was first given if it had one), the outbox
 * event(s) and the audit entry, whose data get the number added in SQL. Numbering takes the
 * agency's series lock, held until COMMIT, so nothing else runs between it and the commit.
 */
const ALLOCATION_WRITES_SQL = `
  WITH existing AS (
    SELECT series, number FROM receipt_numbers WHERE receipt_id = :receiptId
  ),
  allocated AS (
    INSERT INTO allocations (id, agency_id, credit_id, receipt_id, amount, method, generation,
      actor_key_id, reason, created_at)
    VALUES (:allocationId, :agencyId, :creditId, :receiptId, :amount, :method, :generation, :actor,
      :reason, :at)
  ),
  outcome AS (
    INSERT INTO credit_match_outcomes (agency_id, credit_id, outcome, receipt_id, created_at)
    SELECT :agencyId, :creditId, :outcome, :receiptId, :at WHERE :recordOutcome
  ),
  ${numberingSteps(':fullyPaid AND NOT EXISTS (SELECT 1 FROM existing)')},
  assigned AS (
    SELECT series, number FROM existing WHERE :fullyPaid
    UNION ALL
    SELECT series, number FROM numbered
  ),
  printed AS (
    -- formatReceiptNumber in SQL: the series, a space, the number padded to at least 7 digits.
    SELECT a.series, a.number,
      a.series || ' ' || repeat('0', greatest(0, 7 - length(a.number::text))) || a.number::text AS text
    FROM (SELECT 1) one LEFT JOIN assigned a ON true
  ),
  events AS (
    INSERT INTO outbox_events (id, agency_id, type, subject_id, payload, created_at)
    SELECT e.id, :agencyId, e.type, :receiptId,
      e.payload || jsonb_build_object('receiptNumber', p.text), :at
    FROM printed p, jsonb_to_recordset(CAST(:events AS jsonb)) AS e(id uuid, type text, payload jsonb)
  ),
  audited AS (
    INSERT INTO audit_events (agency_id, actor, action, subject_type, subject_id, reason, data, created_at)
    SELECT :agencyId, :actor, :action, 'allocation', :allocationId, :reason,
      CAST(:auditData AS jsonb) || jsonb_build_object('receiptNumber',
        CASE WHEN p.series IS NULL THEN NULL
        ELSE jsonb_build_object('series', p.series, 'number', p.number) END),
      :at
    FROM printed p
  )
  SELECT series, number FROM printed`;

/**
 * Allocates as much of the credit as the receipt still owes, and numbers the receipt when it
 * becomes fully paid. The caller holds the receipt row lock and has checked the credit is free.
 *
 * @example
 * const receipt = (await lockPayableReceipt(trx, agencyId, { id: receiptId }))!;
 * const paid = await paidAmountOf(trx, receipt.id);
 * const match = await allocate(trx, { agencyId, creditId, creditAmount, receipt, paid, method: 'manual', actor, reason, at }, 0);
 */
export async function allocate(
  trx: Knex.Transaction,
  input: AllocationInput,
  generation: number,
): Promise<ReceiptMatch> {
  const { receipt } = input;
  const due = receipt.amount - input.paid;
  const amount = Math.min(input.creditAmount, due);
  const fullyPaid = amount === due;
  const unallocated = input.creditAmount - amount;
  const allocationId = randomUUID();
  const eventData = {
    receiptId: receipt.id,
    dossierCode: receipt.dossierCode,
    reference: receipt.reference,
    amount: receipt.amount,
    paidAmount: receipt.amount - due + amount,
    outstanding: due - amount,
    creditId: input.creditId,
    allocationId,
    allocated: amount,
    method: input.method,
  };
  const events: { id: string; type: EventType; payload: Record<string, unknown> }[] = [
    { id: randomUUID(), type: fullyPaid ? 'receipt.paid' : 'receipt.partially_paid', payload: eventData },
  ];
  if (unallocated > 0) {
    events.push({
      id: randomUUID(),
      type: 'receipt.overpaid',
      payload: { ...eventData, overpayment: unallocated },
    });
  }
  const receiptStatus: ReceiptPaymentStatus = fullyPaid ? 'paid' : 'partially_paid';
  const result = await prepared(
    'allocation_writes',
    trx.raw(ALLOCATION_WRITES_SQL, {
      allocationId,
      agencyId: input.agencyId,
      creditId: input.creditId,
      receiptId: receipt.id,
      amount,
      method: input.method,
      generation,
      actor: input.actor,
      reason: input.reason ?? null,
      at: input.at,
      outcome: unallocated > 0 ? 'overpaid' : receiptStatus,
      recordOutcome: input.recordMatchOutcome === true,
      fullyPaid,
      events: JSON.stringify(events),
      action: input.method === 'manual' ? 'allocation.manual' : 'allocation.auto',
      auditData: JSON.stringify({
        creditId: input.creditId,
        matched: true,
        kind: 'receipt',
        receiptId: receipt.id,
        allocated: amount,
        unallocated,
        receiptStatus,
      }),
    }),
  );
  const row = (result.rows as { series: string | null; number: number | null }[])[0];
  if (fullyPaid && !row?.series) {
    throw new Error(`agency ${input.agencyId} does not exist: no receipt series to number from`);
  }
  // One wake-up per receipt: listeners reload the receipt, whatever events it got.
  notifyAfterCommit(trx, receipt.id);
  return {
    matched: true,
    kind: 'receipt',
    receiptId: receipt.id,
    allocated: amount,
    unallocated,
    receiptStatus,
    receiptNumber: row?.series ? { series: row.series, number: row.number! } : null,
  };
}

/** A receipt locked for payment, with what matching and allocating need to know about it. */
export interface LockedReceipt {
  id: string;
  amount: number;
  dossierCode: string;
  reference: string;
  payable: boolean;
  voided: boolean;
  accountNumber: string | null;
}

/**
 * The receipt row locked (two credits for one receipt must not both see it unpaid), with its
 * account and whether it was voided. Two constant statements rather than one with optional
 * filters, so each keeps an index plan when prepared.
 */
const LOCK_RECEIPT_SQL = (filter: string) => `
  SELECT r.id, r.amount, r.opened_as, r.dossier_code, r.reference, c.account_number,
    v.receipt_id AS voided
  FROM receipts r
  LEFT JOIN collection_accounts c ON c.id = r.collection_account_id
  LEFT JOIN receipt_voids v ON v.receipt_id = r.id
  WHERE r.agency_id = :agencyId AND ${filter}
  LIMIT 1
  FOR UPDATE OF r`;
const LOCK_RECEIPT_BY_ID_SQL = LOCK_RECEIPT_SQL('r.id = :id');
const LOCK_RECEIPT_BY_REFERENCE_SQL = LOCK_RECEIPT_SQL('r.reference = ANY(CAST(:references AS text[]))');

/** Locks and returns a receipt of the agency with what matching needs to know about it. */
export async function lockPayableReceipt(
  trx: Knex.Transaction,
  agencyId: string,
  where: { id: string } | { references: string[] },
): Promise<LockedReceipt | undefined> {
  const result = await ('id' in where
    ? prepared('lock_receipt_by_id', trx.raw(LOCK_RECEIPT_BY_ID_SQL, { agencyId, id: where.id }))
    : prepared(
        'lock_receipt_by_reference',
        trx.raw(LOCK_RECEIPT_BY_REFERENCE_SQL, { agencyId, references: where.references }),
      ));
  const row = (result.rows as Record<string, unknown>[])[0];
  if (!row) return undefined;
  return {
    id: row.id as string,
    amount: row.amount as number,
    dossierCode: row.dossier_code as string,
    reference: row.reference as string,
    payable: row.opened_as === 'open',
    voided: row.voided != null,
    accountNumber: row.account_number as string | null,
  };
}
