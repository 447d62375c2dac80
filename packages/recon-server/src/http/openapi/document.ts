/**
 * @module The OpenAPI 3.1 document, assembled from the operation lists the route modules export. The
 * JSON Schemas are generated from the same zod schemas that validate requests (`z.toJSONSchema`).
 */
import { z } from 'zod';
import type { Operation, Security } from './operation.js';

export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
}

const securitySchemes = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An agency API key: `Authorization: Bearer tp_…`. Its role decides what it may do.',
  },
  operatorKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'The platform operator key (THUPHI_ADMIN_KEY).',
  },
  callbackSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Thuphi-Signature',
    description:
      'Bank callbacks are verified by the provider’s own signature over the raw body (generic: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`; payOS: `signature` in the body; SePay: `Authorization: Apikey …` or HMAC; Casso: `X-Casso-Signature`).',
  },
} as const;

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // Requests are described as they are accepted (input side of any transform).
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parameters(op: Operation) {
  const list: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query', shape: z.ZodObject | undefined) => {
    if (!shape) return;
    for (const [name, schema] of Object.entries(shape.shape)) {
      const s = schema as z.ZodType;
      list.push({
        name,
        in: where,
        required: where === 'path' || !s.safeParse(undefined).success,
        schema: jsonSchema(s),
      });
    }
  };
  add('path', op.params);
  add('query', op.query);
  return list;
}

function security(kind: Security) {
  return kind === 'none' ? [] : [{ [kind]: [] }];
}

/**
 * Builds the document from operation lists.
 *
 * @example
 * const doc = buildOpenApiDocument({ title: 'thuphi', version: '0.1.0' }, [receiptOperations]);
 * doc.paths['/v1/receipts'].post.requestBody;
 */
export function buildOpenApiDocument(info: DocumentInfo, groups: readonly (readonly Operation[])[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of groups.flat()) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema || r.contentType
          ? {
              content: {
                [r.contentType ?? 'application/json']: r.schema ? { schema: jsonSchema(r.schema) } : {},
              },
            }
          : {}),
      };
    }
    const description = [
      op.description,
      op.roles ? `Roles: ${op.roles.join(', ')} (an admin key may do everything).` : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');
    const params = parameters(op);
    paths[op.path] ??= {};
    const path = paths[op.path] as Record<string, unknown>;
    if (path[op.method]) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is described twice`);
    path[op.method] = {
      summary: op.summary,
      ...(description ? { description } : {}),
      tags: op.tags,
      security: security(op.security),
      ...(params.length ? { parameters: params } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { [op.bodyContentType ?? 'application/json']: { schema: jsonSchema(op.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info,
    servers: [{ url: '/' }],
    components: { securitySchemes },
    paths,
  };
}
