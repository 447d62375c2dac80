/**
 * @module How a route describes itself for the OpenAPI document. Each router module exports a list
 * of these next to the zod schemas it validates with, so the document and the validation cannot
 * drift apart: the same schema object serves both.
 */
import type { z } from 'zod';
import type { Role } from '../../agencies/agencies.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** How a caller proves who it is on this operation. */
export type Security = 'apiKey' | 'operatorKey' | 'callbackSignature' | 'none';

export interface OperationResponse {
  description: string;
  /** JSON body schema; omit for bodies that are not JSON or not worth describing. */
  schema?: z.ZodType;
  /** Defaults to application/json when `schema` is given. */
  contentType?: string;
}

/**
 * One HTTP operation.
 *
 * @example
 * export const receiptOperations: Operation[] = [
 *   { method: 'post', path: '/v1/receipts', summary: 'Open a receipt', tags: ['receipts'],
 *     security: 'apiKey', body: openReceiptBody, responses: { 201: { description: 'Opened' } } },
 * ];
 */
export interface Operation {
  method: HttpMethod;
  /** OpenAPI path template: `/v1/receipts/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Security;
  /** Roles allowed (API-key operations); omitted means any role of the agency. */
  roles?: readonly Role[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Defaults to application/json. */
  bodyContentType?: string;
  responses: Record<number, OperationResponse>;
}
