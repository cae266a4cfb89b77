// The OpenAPI 3.1 document of the REST API, generated from the endpoints' own zod schemas
// (zod's z.toJSONSchema, JSON Schema draft 2020-12, which OpenAPI 3.1 uses): what the
// routes check and answer is what the document says, and the contract test holds both to it.
import 'server-only';
import { z } from 'zod';
import { SCOPE_PERMISSIONS } from '@/lib/auth/token-scopes';
import type { ApiScope } from '@/lib/validation/api-tokens';
import type { Endpoint } from './endpoint';
import { ZApiError } from './errors';
import { ENDPOINTS } from './registry';

type JsonSchema = Record<string, unknown>;

export const API_BASE_PATH = '/api/v1';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
  return rest;
}

/** The scopes that let a token use `endpoint` (its user's role must allow it too). */
function scopesGranting(endpoint: Pick<Endpoint, 'permission'>): ApiScope[] {
  return (Object.keys(SCOPE_PERMISSIONS) as ApiScope[]).filter((scope) => SCOPE_PERMISSIONS[scope].includes(endpoint.permission));
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function requestBody(endpoint: Endpoint): JsonSchema | undefined {
  if (endpoint.method === 'GET') return undefined;
  let schema = jsonSchema(endpoint.body ?? z.object({}), 'input');
  if (endpoint.rawField) {
    const field = { type: 'object', properties: { [endpoint.rawField.name]: jsonSchema(endpoint.rawField.schema, 'input') } };
    schema = { allOf: [schema, field] };
  }
  return { required: Boolean(endpoint.body), content: { 'application/json': { schema } } };
}

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Malformed input (`invalid`): `fieldErrors` names each field',
  '401': 'No live access token (`unauthenticated`)',
  '403': "The token's scopes or its user's role do not allow this (`forbidden`)",
  '404': 'No such record (`not_found`)',
  '409': 'A stale edit, a name already taken, or an Idempotency-Key still in use (`conflict`)',
  '413': 'The body is too large (`too_large`)',
  '422': 'An Idempotency-Key reused for a different request (`idempotency_conflict`)',
  '429': 'Over the token rate limit (`rate_limited`); see Retry-After',
  '503': 'The server is busy or a dependency is unavailable (`busy`, `unavailable`); see Retry-After',
};

function responses(endpoint: Endpoint): JsonSchema {
  const { success } = endpoint;
  const ok =
    'schema' in success
      ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(success.schema, 'output') } } }
      : { description: 'A streamed download', content: Object.fromEntries(success.download.map((type) => [type, { schema: { type: 'string' } }])) };
  const errors = Object.entries(ERROR_RESPONSES).filter(
    ([status]) => endpoint.method === 'POST' || (status !== '422' && status !== '409') || endpoint.method === 'PATCH',
  );
  return {
    [String(success.status)]: ok,
    ...Object.fromEntries(
      errors.map(([status, description]) => [status, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
    ),
  };
}

function operation(endpoint: Endpoint): JsonSchema {
  const scopes = scopesGranting(endpoint);
  const idempotencyKey =
    endpoint.method === 'POST'
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'Retry safely: the same key with the same request gets the first answer again for 24 hours',
            schema: { type: 'string', minLength: 1, maxLength: 200 },
          },
        ]
      : [];
  const body = requestBody(endpoint);
  return {
    operationId: endpoint.operationId,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: [endpoint.description, `Token scope: ${scopes.join(' or ')}.`].filter(Boolean).join('\n\n'),
    'x-scopes': scopes,
    security: [{ bearer: [] }],
    parameters: [...parameters(endpoint.params, 'path'), ...parameters(endpoint.query, 'query'), ...idempotencyKey],
    ...(body ? { requestBody: body } : {}),
    responses: responses(endpoint),
  };
}

let cached: JsonSchema | null = null;

/** The OpenAPI 3.1 document of every endpoint (the same for every caller: it holds no data). */
export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const endpoint of ENDPOINTS) (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint);
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Secret inventory REST API',
      version: '1',
      description:
        'The inventory, rotation, audit and posture of this dashboard for scripts, CI and Terraform. Authenticate with an access token (Settings → Access tokens): `Authorization: Bearer sid_...`. No endpoint returns a secret value; only POST /secrets/{id}/value accepts one.',
    },
    servers: [{ url: API_BASE_PATH }],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token: sid_ followed by 43 characters' } },
      schemas: { Error: jsonSchema(ZApiError, 'output') },
    },
  };
  return cached;
}
