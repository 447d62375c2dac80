/** @module Schemas shared by several operations' documentation: errors and common path parameters. */
import { z } from 'zod';

/** RFC 9457 problem details, as every error of the API is answered. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable machine-readable error code'),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const idParams = z.object({ id: z.uuid() });

/** Integer VND: never a fraction, never a string. */
export const vnd = z.number().int().describe('Amount in đồng (integer VND)');

/** The answers every API-key operation may give besides its own. */
export const authProblems = {
  401: {
    description: 'Missing or invalid API key',
    schema: problemSchema,
    contentType: 'application/problem+json',
  },
  403: {
    description: 'The key’s role may not do this',
    schema: problemSchema,
    contentType: 'application/problem+json',
  },
} as const;

export const problem = (description: string) =>
  ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
