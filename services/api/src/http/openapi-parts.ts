import { z } from 'zod';
import { TENANT_HEADER } from './authenticate';

// Building blocks of the OpenAPI document, shared by its sections (openapi.ts, the desk's).

export type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) straight from the zod schema the API runs. */
export function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
export const json = (schema: Json, description: string, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

export const etagHeader = { ETag: { description: 'the revision, for If-Match', schema: { type: 'string' } } };
export const errors = {
  400: problem('malformed request (query, headers, JSON)'),
  401: problem('no or invalid credentials'),
  403: problem('the role may not do this'),
  404: problem('no such resource in this tenant'),
  '5XX': problem('server error'),
};
export const writeErrors = {
  ...errors,
  409: problem('conflicts with stored data (duplicate, still referenced, concurrent change)'),
  413: problem('body too large'),
  422: problem('invalid fields, listed in `errors`'),
};

export const tenantHeader = {
  name: TENANT_HEADER,
  in: 'header',
  required: false,
  description: 'platform admin only: the tenant to act in',
  schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' },
};
