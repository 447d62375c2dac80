/** Posting a generic callback signed with the demo agency's secret, as a bank relay would. */
import { signGenericCallback } from '../../src/shared/signing.js';
import { TEST_CALLBACK_SECRET } from './app.js';

/** Unix time of the test clock (createTestApp's default): signatures must be fresh for it. */
export const TEST_NOW_UNIX = Date.parse('2026-11-23T02:00:00Z') / 1000;

export interface GenericCredit {
  transactionId: string;
  accountNumber: string;
  amount: number;
  memo: string;
  bookedAt: string;
}

/** POSTs the credit to `${baseUrl}/v1/callbacks/generic` and returns the parsed answer. */
export async function postGenericCallback(baseUrl: string, credit: GenericCredit) {
  const raw = JSON.stringify(credit);
  const res = await fetch(`${baseUrl}/v1/callbacks/generic`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Thuphi-Signature': signGenericCallback({
        body: raw,
        secret: TEST_CALLBACK_SECRET,
        timestamp: TEST_NOW_UNIX,
      }),
    },
    body: raw,
  });
  const body = (await res.json()) as {
    received: boolean;
    credits: { creditId: string; match: { matched: boolean } }[];
  };
  if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}
