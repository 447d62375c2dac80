/** @module Every operation of the API, in the order the document lists them. Add a router's list here. */

import { pageOperations } from '../pages/index.js';
import { agencyAdminOperations } from '../routes/agencies.js';
import { agencyOperations } from '../routes/agency.js';
import { agencyKeyOperations } from '../routes/agency-keys.js';
import { callbackOperations } from '../routes/callbacks.js';
import { cashOperations } from '../routes/cash.js';
import { custodyOperations } from '../routes/custody.js';
import { depositOperations } from '../routes/deposits.js';
import { feeOperations } from '../routes/fees.js';
import { platformOperations } from '../routes/platform.js';
import { eventStreamOperations } from '../routes/receipt-events.js';
import { receiptOperations } from '../routes/receipts.js';
import { reconciliationOperations } from '../routes/reconciliations.js';
import { resolutionOperations } from '../routes/resolutions.js';
import { statementOperations } from '../routes/statements.js';
import type { Operation } from './operation.js';

const healthOperations: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness and database reachability',
    tags: ['service'],
    security: 'none',
    responses: { 200: { description: 'The service and its database answer' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tags: ['service'],
    security: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
];

export const allOperations: readonly (readonly Operation[])[] = [
  healthOperations,
  receiptOperations,
  feeOperations,
  eventStreamOperations,
  callbackOperations,
  statementOperations,
  resolutionOperations,
  cashOperations,
  depositOperations,
  custodyOperations,
  reconciliationOperations,
  agencyOperations,
  agencyKeyOperations,
  agencyAdminOperations,
  platformOperations,
  pageOperations,
];
