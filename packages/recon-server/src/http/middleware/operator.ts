/** @module The platform operator's key (`THUPHI_ADMIN_KEY`) for operations above any one agency. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../shared/errors.js';
import { bearerToken } from './auth.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Lets through only requests bearing the operator key. Both sides are hashed first so the
 * comparison takes the same time whatever the length or content of the presented key.
 *
 * @example
 * router.post('/', requireOperatorKey(config.operatorKey), handler);
 */
export function requireOperatorKey(operatorKey: string | undefined) {
  const expected = operatorKey ? digest(operatorKey) : undefined;
  return function requireOperatorKey(req: Request, _res: Response, next: NextFunction) {
    if (!expected) throw new AppError('operator_api_disabled');
    const token = bearerToken(req);
    if (!token || !timingSafeEqual(digest(token), expected)) throw new AppError('unauthorized');
    next();
  };
}
