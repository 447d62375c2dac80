/** @module What the matching ladder says about a credit: the receipt or deposit batch it proved, or why it waits. */

export type UnmatchedReason =
  | 'no_reference_in_memo'
  | 'unknown_reference'
  | 'wrong_account'
  | 'receipt_not_payable'
  | 'receipt_void'
  | 'already_paid'
  // The memo carried a deposit batch code: the credit is a clerk's cash deposit, not a payment.
  | 'unknown_deposit_batch'
  | 'deposit_short'
  | 'deposit_excess'
  | 'deposit_already_credited';

export type ReceiptPaymentStatus = 'paid' | 'partially_paid';

/** A credit that paid (part of) a receipt. */
export interface ReceiptMatch {
  matched: true;
  kind: 'receipt';
  receiptId: string;
  allocated: number;
  /** Credit left over after paying the receipt in full: an overpayment to refund. */
  unallocated: number;
  receiptStatus: ReceiptPaymentStatus;
  receiptNumber: { series: string; number: number } | null;
}

/** A credit that proved a clerk's cash deposit batch, to the đồng. */
export interface DepositMatch {
  matched: true;
  kind: 'deposit';
  depositBatchId: string;
  depositBatchCode: string;
  amount: number;
}

export type MatchResult =
  | ReceiptMatch
  | DepositMatch
  | { matched: false; reason: UnmatchedReason; receiptId?: string; depositBatchId?: string };
