import { AssessmentError, ERROR_CODES, MESSAGES } from './errors.js';

/** Integer đồng. VND has no minor unit, so every amount that crosses the public API is one of these. */
export type Vnd = number;

/**
 * Returns `amount` if it is a non-negative safe integer, else throws: money that is not a safe integer
 * would silently lose đồng in JavaScript arithmetic.
 */
export function assertVnd(amount: number, what: string): Vnd {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new AssessmentError(ERROR_CODES.AMOUNT_OVERFLOW, MESSAGES.amountOverflow(`${what} = ${amount}`));
  }
  return amount;
}

/** Sum of integer amounts, checked after each step so an overflow is caught where it happens. */
export function sumVnd(amounts: readonly Vnd[], what: string): Vnd {
  let total = 0;
  for (const a of amounts) total = assertVnd(total + a, what);
  return total;
}
