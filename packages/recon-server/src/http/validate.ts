/** @module Request validation with zod, reported as problem+json with the path of each problem. */
import type { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { formatPath } from '../shared/input.js';

/** Parses `input` or throws a `validation_failed` AppError listing every problem. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('validation_failed', {
    errors: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  });
}
