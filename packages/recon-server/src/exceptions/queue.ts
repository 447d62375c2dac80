/**
 * @module The exception queue: credits a person must look at (unmatched, or an overpayment still
 * undecided), each with the ladder's reason and candidate receipts to consider. Suggestions are
 * only shown, never applied.
 */
import type { Knex } from 'knex';
import { PAID_BY_RECEIPT_SQL } from '../ledger/positions.js';

export interface CreditView {
  id: string;
  provider: string;
  providerTxnId: string;
  bankReference: string | null;
  accountNumber: string;
  amount: number;
  allocated: number;
  refundDue: number;
  /** Cash deposit this credit proved exactly (see `depositBatchId`). */
  deposited: number;
  /** What still waits for a person. */
  open: number;
  memo: string;
  bookedAt: string;
  /** matched in full; overpaid (the rest undecided); unmatched; or refund_due (decided). */
  state: 'matched' | 'overpaid' | 'unmatched' | 'refund_due';
  /** The matching ladder's last word on it. */
  outcome: string | null;
  receiptId: string | null;
  /** The deposit batch whose code the memo carried (exact, short or excess). */
  depositBatchId: string | null;
}

const creditColumns = `
  c.id, c.provider, c.provider_txn_id, c.bank_reference, c.account_number, c.amount, c.memo, c.booked_at,
  coalesce(a.allocated, 0) as allocated, a.receipt_id as allocated_receipt,
  coalesce(r.refund_due, 0) as refund_due, o.outcome, o.receipt_id as outcome_receipt,
  dm.batch_id as deposit_batch_id, case when dm.outcome = 'exact' then c.amount else 0 end as deposited`;

const creditJoins = `
  from bank_credits c
  left join (
    select al.credit_id, sum(al.amount) as allocated, max(al.receipt_id::text) as receipt_id
    from allocations al
    where not exists (select 1 from allocation_reversals rv where rv.allocation_id = al.id)
    group by al.credit_id
  ) a on a.credit_id = c.id
  left join (select credit_id, sum(amount) as refund_due from credit_resolutions group by credit_id) r
    on r.credit_id = c.id
  left join lateral (
    select outcome, receipt_id from credit_match_outcomes m where m.credit_id = c.id order by m.id desc limit 1
  ) o on true
  left join deposit_matches dm on dm.credit_id = c.id`;

function toView(row: Record<string, unknown>): CreditView {
  const amount = row.amount as number;
  const allocated = row.allocated as number;
  const refundDue = row.refund_due as number;
  const deposited = row.deposited as number;
  const open = amount - allocated - refundDue - deposited;
  return {
    id: row.id as string,
    provider: row.provider as string,
    providerTxnId: row.provider_txn_id as string,
    bankReference: (row.bank_reference as string | null) ?? null,
    accountNumber: row.account_number as string,
    amount,
    allocated,
    refundDue,
    deposited,
    open,
    memo: row.memo as string,
    bookedAt: new Date(row.booked_at as string).toISOString(),
    state: open === 0 ? (refundDue > 0 ? 'refund_due' : 'matched') : allocated > 0 ? 'overpaid' : 'unmatched',
    outcome: (row.outcome as string | null) ?? null,
    receiptId: ((row.allocated_receipt ?? row.outcome_receipt) as string | null) ?? null,
    depositBatchId: (row.deposit_batch_id as string | null) ?? null,
  };
}

export async function findCredit(
  db: Knex,
  agencyId: string,
  creditId: string,
): Promise<CreditView | undefined> {
  const result = await db.raw(`select ${creditColumns} ${creditJoins} where c.agency_id = ? and c.id = ?`, [
    agencyId,
    creditId,
  ]);
  const row = result.rows[0];
  return row ? toView(row) : undefined;
}

/** Credits with money still waiting for a decision, oldest first. */
export async function listExceptions(db: Knex, agencyId: string, limit = 200): Promise<CreditView[]> {
  const result = await db.raw(
    `select ${creditColumns} ${creditJoins}
     where c.agency_id = ?
       and c.amount - coalesce(a.allocated, 0) - coalesce(r.refund_due, 0)
           - (case when dm.outcome = 'exact' then c.amount else 0 end) > 0
     order by c.booked_at, c.id limit ?`,
    [agencyId, limit],
  );
  return result.rows.map(toView);
}

export interface Suggestion {
  receiptId: string;
  reference: string;
  dossierCode: string;
  payerName: string;
  outstanding: number;
  openedAt: string;
  score: number;
  why: string[];
}

/** Lower-case ASCII words: how bank memos carry names (diacritics stripped, đ→d). */
function words(text: string): Set<string> {
  return new Set(
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 2),
  );
}

/**
 * Receipts a person might match this credit to: still owing exactly the credit's open amount,
 * opened within a week before it; ranked by the payer's name in the memo and closeness in time.
 */
export async function suggestReceipts(db: Knex, agencyId: string, credit: CreditView): Promise<Suggestion[]> {
  if (credit.open <= 0) return [];
  const booked = new Date(credit.bookedAt);
  const rows = await db.raw(
    `select r.id, r.reference, r.dossier_code, r.payer_name, r.created_at,
            r.amount - coalesce(p.paid, 0) as outstanding
     from receipts r
     left join (${PAID_BY_RECEIPT_SQL}) p on p.receipt_id = r.id
     where r.agency_id = ? and r.opened_as = 'open'
       and not exists (select 1 from receipt_voids v where v.receipt_id = r.id)
       and r.amount - coalesce(p.paid, 0) = ?
       and r.created_at between ? and ?
     order by r.created_at desc limit 50`,
    [
      agencyId,
      credit.open,
      new Date(booked.getTime() - 7 * 86400_000),
      new Date(booked.getTime() + 86400_000),
    ],
  );
  const memoWords = words(credit.memo);
  return rows.rows
    .map((row: Record<string, unknown>) => {
      const why = ['số tiền khớp / amount matches'];
      const nameWords = [...words(row.payer_name as string)];
      const hits = nameWords.filter((w) => memoWords.has(w)).length;
      let score = 50;
      if (nameWords.length > 0 && hits > 0) {
        score += Math.round((30 * hits) / nameWords.length);
        why.push(`tên người nộp trong nội dung / payer name in memo (${hits}/${nameWords.length})`);
      }
      const hours = Math.abs(booked.getTime() - new Date(row.created_at as string).getTime()) / 3600_000;
      score += Math.max(0, 20 - Math.floor(hours / 6));
      why.push(`cách ${Math.round(hours)} giờ / ${Math.round(hours)} h apart`);
      return {
        receiptId: row.id as string,
        reference: row.reference as string,
        dossierCode: row.dossier_code as string,
        payerName: row.payer_name as string,
        outstanding: row.outstanding as number,
        openedAt: new Date(row.created_at as string).toISOString(),
        score,
        why,
      };
    })
    .sort((a: Suggestion, b: Suggestion) => b.score - a.score)
    .slice(0, 5);
}
