/** @module Agency API key authentication (`Authorization: Bearer <key>`). */
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { type AgencyPrincipal, findPrincipalByApiKey, type Role } from '../../agencies/agencies.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';

declare global {
  namespace Express {
    interface Request {
      principal?: AgencyPrincipal;
    }
  }
}

/**
 * The token of an `Authorization: Bearer <token>` header (1–500 visible characters), or undefined.
 *
 * @example
 * bearerToken(req); // 'tp_…'
 */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S{1,500})$/i.exec(req.get('authorization') ?? '')?.[1];
}

/**
 * Resolves the bearer key to its agency; every later handler reads `req.principal`. Whether a
 * rotated key is still inside its overlap window is decided by `clock` (the system clock if none).
 */
export function requireApiKey({ db, clock = systemClock }: { db: Knex; clock?: Clock }) {
  return async function requireApiKey(req: Request, _res: Response, next: NextFunction) {
    // Already resolved by the app-wide check that runs before body parsing.
    if (req.principal) return next();
    const token = bearerToken(req);
    // Agency keys are 8–200 characters; anything else cannot be one.
    if (!token || token.length < 8 || token.length > 200) throw new AppError('unauthorized');
    const principal = await findPrincipalByApiKey(db, token, clock.now());
    if (!principal) throw new AppError('unauthorized');
    req.principal = principal;
    next();
  };
}

/** The authenticated principal; only valid behind `requireApiKey`. */
export function principalOf(req: Request): AgencyPrincipal {
  if (!req.principal) throw new AppError('unauthorized');
  return req.principal;
}

/** Lets through only keys with one of `roles`; the admin role may do everything. */
export function requireRole(...roles: Role[]) {
  return function requireRole(req: Request, _res: Response, next: NextFunction) {
    const { role } = principalOf(req);
    if (role !== 'admin' && !roles.includes(role)) {
      throw new AppError('forbidden', {
        detail: `this needs the ${roles.join(' or ')} role; the key has ${role}`,
      });
    }
    next();
  };
}
