/**
 * @module Server-sent events for one receipt: its payment state now, then again whenever it changes.
 * Two doors to the same stream: `/v1/receipts/{id}/events` for API callers, and the counter
 * display's own (see ../pages/counter.ts), where the receipt id is the capability.
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { onSubjectChange } from '../../events/bus.js';
import { findReceipt, type Receipt } from '../../receipts/receipts.js';
import { AppError } from '../../shared/errors.js';
import { principalOf, requireApiKey } from '../middleware/auth.js';
import type { Operation } from '../openapi/operation.js';

/** What a stream says about a receipt: its payment state and nothing more. */
export const receiptStatusEvent = z.object({
  id: z.uuid(),
  status: z.enum(['open', 'partially_paid', 'paid', 'exempt', 'void']),
  amount: z.number().int().describe('integer VND'),
  paidAmount: z.number().int().describe('integer VND'),
  outstanding: z.number().int().describe('integer VND'),
  receiptNumber: z.string().nullable(),
  paidAt: z.string().nullable(),
});

export type ReceiptStatusEvent = z.infer<typeof receiptStatusEvent>;

export function statusEventOf(receipt: Receipt): ReceiptStatusEvent {
  return {
    id: receipt.id,
    status: receipt.status,
    amount: receipt.amount,
    paidAmount: receipt.paidAmount,
    outstanding: receipt.outstanding,
    receiptNumber: receipt.receiptNumber,
    paidAt: receipt.paidAt,
  };
}

export interface StreamTiming {
  /** Re-read from the database this often: the bus only hears changes made in this process. */
  pollMs: number;
  /** A comment line this often keeps proxies and tablets from dropping an idle connection. */
  heartbeatMs: number;
  /** Sent as `retry:`, how long a disconnected EventSource waits before reconnecting. */
  retryMs: number;
}

export const defaultStreamTiming: StreamTiming = { pollMs: 1000, heartbeatMs: 15_000, retryMs: 2000 };

let openStreams = 0;

/** How many receipt event streams this process is serving (they must all end when clients leave). */
export function activeReceiptStreams(): number {
  return openStreams;
}

/**
 * Serves one receipt's state as `text/event-stream`: a `status` event at once, then an event named
 * after the new status (`paid`, `partially_paid`, `open`, `void`) each time what it reports changes.
 *
 * @example
 * router.get('/:id/events', (req, res) =>
 *   streamReceiptStatus(req, res, { subjectId: id, load: async () => statusEventOf(await findReceipt(db, a, id)) }));
 */
export function streamReceiptStatus<T extends { status: string }>(
  req: Request,
  res: Response,
  options: {
    subjectId: string;
    initial: T;
    load: () => Promise<T | undefined>;
    timing?: Partial<StreamTiming>;
  },
): void {
  const timing = { ...defaultStreamTiming, ...options.timing };
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  // no-transform: a compressing proxy would hold events back until its buffer fills.
  res.setHeader('Cache-Control', 'no-cache, no-store, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setNoDelay(true);
  req.socket.setKeepAlive(true);

  let closed = false;
  let last = JSON.stringify(options.initial);
  const send = (event: string, data: string) => {
    if (!closed) res.write(`event: ${event}\ndata: ${data}\n\n`);
  };
  res.write(`retry: ${timing.retryMs}\n\n`);
  send('status', last);

  // Bus notifications and poll ticks can overlap; one reload at a time, and one more if asked meanwhile.
  let loading = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (closed) return;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        const next = await options.load().catch(() => undefined);
        if (!next || closed) continue;
        const json = JSON.stringify(next);
        if (json !== last) {
          last = json;
          send(next.status, json);
        }
      } while (again && !closed);
    } finally {
      loading = false;
    }
  };

  openStreams++;
  const unsubscribe = onSubjectChange(options.subjectId, () => void check());
  const poll = setInterval(() => void check(), timing.pollMs);
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': keep-alive\n\n');
  }, timing.heartbeatMs);
  poll.unref();
  heartbeat.unref();
  res.on('close', () => {
    if (closed) return;
    closed = true;
    openStreams--;
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
  });
}

const receiptId = z.uuid();

/** `GET /v1/receipts/{id}/events`, behind the API key like `GET /v1/receipts/{id}`. */
export function receiptEventsRouter(deps: { db: Knex; timing?: Partial<StreamTiming> }): Router {
  const router = Router();
  router.get('/:id/events', requireApiKey(deps), async (req, res) => {
    const { agencyId } = principalOf(req);
    const id = receiptId.safeParse(req.params.id);
    // Another agency's receipt answers exactly like a missing one, as on GET /v1/receipts/{id}.
    const receipt = id.success ? await findReceipt(deps.db, agencyId, id.data) : undefined;
    if (!receipt) throw new AppError('not_found', { detail: `receipt ${String(req.params.id)}` });
    streamReceiptStatus(req, res, {
      subjectId: receipt.id,
      initial: statusEventOf(receipt),
      load: async () => {
        const now = await findReceipt(deps.db, agencyId, receipt.id);
        return now && statusEventOf(now);
      },
      timing: deps.timing,
    });
  });
  return router;
}

const streamDescription =
  'text/event-stream. First `retry:` and a `status` event with the receipt state; then, on every ' +
  'change, an event named after the new status (`paid`, `partially_paid`, `open`, `void`) with the same ' +
  'JSON shape; a `: keep-alive` comment every 15 s. Changes are noticed at once in this process and ' +
  'within about 1 s when another server instance made them.';

/** OpenAPI description of the receipt event streams. */
export const eventStreamOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/receipts/{id}/events',
    summary: 'Follow one receipt as server-sent events',
    description: streamDescription,
    tags: ['receipts'],
    security: 'apiKey',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: {
        description: 'Event stream; each event data is this JSON',
        schema: receiptStatusEvent,
        contentType: 'text/event-stream',
      },
      401: { description: 'No or wrong API key' },
      404: { description: 'No such receipt in this agency' },
    },
  },
  {
    method: 'get',
    path: '/counter/{receiptId}/events',
    summary: 'The counter display’s event stream (no API key: the receipt id is the capability)',
    description: streamDescription,
    tags: ['pages'],
    security: 'none',
    params: z.object({ receiptId: z.uuid() }),
    responses: {
      200: {
        description: 'Event stream; each event data is this JSON',
        schema: receiptStatusEvent.omit({ paidAt: true }),
        contentType: 'text/event-stream',
      },
      404: { description: 'No such receipt' },
    },
  },
];
