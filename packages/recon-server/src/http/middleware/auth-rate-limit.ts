/**
 * @module Slowing down key guessing: failed authentications (401) are counted per client IP and per
 * presented key prefix; past the limit the client gets 429 with Retry-After until the window ends.
 * Successful and merely forbidden requests do not count, so busy integrations are never throttled.
 *
 * express-rate-limit's own middleware counts every request on arrival and takes successes back when
 * they finish (`skipSuccessfulRequests`), so a burst of concurrent good requests would trip it. Here
 * its MemoryStore is used directly instead: a request is only checked on arrival, and counted when
 * it ends in 401.
 *
 * The counters live in this process's memory: with several instances behind a balancer each counts
 * on its own, so the effective limit is per instance.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, type Options } from 'express-rate-limit';
import { AppError } from '../../shared/errors.js';
import { bearerToken } from './auth.js';

const WINDOW_MS = 60_000;

/** Enough of a presented key to group guesses at one key, too little to be a secret worth logging. */
function keyPrefix(req: Request): string | undefined {
  return bearerToken(req)?.slice(0, 11);
}

function counterKeys(req: Request): string[] {
  const prefix = keyPrefix(req);
  const keys = [`ip:${ipKeyGenerator(req.ip ?? 'unknown')}`];
  if (prefix) keys.push(`key:${prefix}`);
  return keys;
}

/**
 * Refuses clients (by IP, or by key prefix) with `perMinute` failed authentications in the
 * current one-minute window, and counts each 401 answered.
 *
 * @example
 * app.use('/v1', authFailureLimiter({ perMinute: 10 }));
 */
export function authFailureLimiter({ perMinute }: { perMinute: number }): RequestHandler {
  const store = new MemoryStore();
  store.init({ windowMs: WINDOW_MS } as Options);
  return async function authFailureLimiter(req: Request, res: Response, next: NextFunction) {
    const keys = counterKeys(req);
    const now = Date.now();
    for (const key of keys) {
      const info = await store.get(key);
      if (info && info.totalHits >= perMinute && info.resetTime && info.resetTime.getTime() > now) {
        const seconds = Math.max(1, Math.ceil((info.resetTime.getTime() - now) / 1000));
        res.setHeader('Retry-After', String(seconds));
        throw new AppError('too_many_auth_failures', { detail: `retry in ${seconds} s` });
      }
    }
    res.once('finish', () => {
      if (res.statusCode !== 401) return;
      for (const key of keys) void store.increment(key);
    });
    next();
  };
}
