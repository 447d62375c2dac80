/** @module The pages people look at: the counter display and the treasury page (HTML, not JSON). */
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import type { Operation } from '../openapi/operation.js';
import type { StreamTiming } from '../routes/receipt-events.js';
import { counterRouter } from './counter.js';
import { newNonce, sendPage } from './html.js';
import { renderTreasuryPage } from './treasury.js';

/**
 * Mounts `/counter/{receiptId}` (with its event stream) and `/treasury`.
 *
 * @example
 * app.use(pagesRouter({ db, clock }));
 */
export function pagesRouter(deps: { db: Knex; clock: Clock; timing?: Partial<StreamTiming> }): Router {
  const router = Router();
  router.use('/counter', counterRouter(deps));
  router.get('/treasury', (_req, res) => {
    const nonce = newNonce();
    sendPage(res, 200, nonce, renderTreasuryPage(nonce, deps.clock));
  });
  return router;
}

const html = { description: 'HTML page (Vietnamese), self-contained', contentType: 'text/html' };

/** OpenAPI description of the pages. */
export const pageOperations: Operation[] = [
  {
    method: 'get',
    path: '/counter/{receiptId}',
    summary: 'Counter display for one receipt: VietQR card, amount, turns green when paid',
    description:
      'For the tablet facing the citizen; no API key, the receipt id is the capability. Follows ' +
      '`/counter/{receiptId}/events`. No external resource; Content-Security-Policy with a nonce.',
    tags: ['pages'],
    security: 'none',
    params: z.object({ receiptId: z.uuid() }),
    responses: { 200: html, 404: { description: 'No such receipt (HTML)', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/treasury',
    summary: 'Treasury page: the day’s reconciliation, exception queue, cash in custody, exports',
    description:
      'A shell page; its script asks for an API key (kept in sessionStorage) and calls the JSON API.',
    tags: ['pages'],
    security: 'none',
    responses: { 200: html },
  },
];
