/**
 * @module Slowing down key guessing without ever refusing a valid key. Failed authentications (a
 * wrong or missing agency or operator key) are counted per client IP and per presented key prefix;
 * past the limit, a request whose key is wrong is answered 429 with Retry-After instead of 401 until
 * the window ends. A request whose key is valid is always served, whatever others behind the same IP
 * (an office behind one NAT, everyone behind a reverse proxy) or guessing at the same prefix did:
 * the key is checked first, and only its failure is counted or throttled.
 *
 * The counters live in this process's memory, in two LRU maps of bounded size, so a stranger sending
 * random keys from random addresses cannot grow them: the least recently failing clients are
 * forgotten first, and a guesser that keeps failing stays the most recent. With several instances
 * behind a balancer each counts on its own, so the effective limit is per instance.
 */
import type { ErrorRequestHandler, Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../shared/errors.js';
import { bearerToken } from './auth.js';

const WINDOW_MS = 60_000;

interface Window {
  failures: number;
  resetAt: number;
}

/** Enough of a presented key to group guesses at one key, too little to be a secret worth logging. */
function keyPrefix(req: Request): string | undefined {
  return bearerToken(req)?.slice(0, 11);
}

export interface AuthFailureLimiterOptions {
  /** Failures allowed per IP, and per key prefix, in a window of one minute. */
  perMinute: number;
  /** Most IPs (and, separately, key prefixes) remembered at once. */
  maxTracked: number;
  /** Milliseconds since the epoch; the system clock unless a test says otherwise. */
  now?: () => number;
}

export interface AuthFailureLimiter {
  /** Error middleware: counts each `unauthorized` and turns it into 429 once a counter is over. */
  handler: ErrorRequestHandler;
  /** How many IPs and key prefixes are remembered now (bounded by `maxTracked` each). */
  tracked(): { ips: number; prefixes: number };
}

/**
 * The limiter, as an error middleware placed after every route that authenticates, so that it only
 * ever sees requests whose key was already found wrong.
 *
 * @example
 * const limiter = authFailureLimiter({ perMinute: 10, maxTracked: 10_000 });
 * app.use('/v1', limiter.handler); // before the problem handler
 */
export function authFailureLimiter(options: AuthFailureLimiterOptions): AuthFailureLimiter {
  const now = options.now ?? Date.now;
  const byIp = new LRUCache<string, Window>({ max: options.maxTracked });
  const byPrefix = new LRUCache<string, Window>({ max: options.maxTracked });

  /** Counts one failure; answers when the window ends if the counter is now over the limit. */
  function fail(cache: LRUCache<string, Window>, key: string, at: number): number | undefined {
    const current = cache.get(key);
    const window = current && current.resetAt > at ? current : { failures: 0, resetAt: at + WINDOW_MS };
    window.failures++;
    cache.set(key, window);
    return window.failures > options.perMinute ? window.resetAt : undefined;
  }

  const handler: ErrorRequestHandler = (error, req, res, next) => {
    if (!(error instanceof AppError) || error.code !== 'unauthorized') return next(error);
    const at = now();
    const prefix = keyPrefix(req);
    const overUntil = [
      fail(byIp, ipKeyGenerator(req.ip ?? 'unknown'), at),
      prefix ? fail(byPrefix, prefix, at) : undefined,
    ].filter((t): t is number => t !== undefined);
    if (overUntil.length === 0) return next(error);
    const seconds = Math.max(1, Math.ceil((Math.max(...overUntil) - at) / 1000));
    res.setHeader('Retry-After', String(seconds));
    next(new AppError('too_many_auth_failures', { detail: `retry in ${seconds} s` }));
  };

  return { handler, tracked: () => ({ ips: byIp.size, prefixes: byPrefix.size }) };
}
