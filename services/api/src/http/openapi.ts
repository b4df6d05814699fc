import { apiKeyView, flowVersionDocument } from '@hotline/provisioning';
import { z } from 'zod';
import { deskPaths, deskSchemas } from '../desk/desk-openapi';
import type { ResourceSpec } from '../domain/resource-spec';
import type { Resources } from '../resources';
import { WAV_TYPES } from './action-routes';
import {
  errors,
  etagHeader,
  json,
  problem,
  ref,
  schemaOf,
  tenantHeader,
  writeErrors,
  type Json,
} from './openapi-parts';
import { IDEMPOTENCY_HEADER } from './idempotency';
import { MAX_PAGE } from './list-query';
import { sessionInput, sessionView } from './session-routes';

const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'the ETag read; the write fails with 412 if the resource changed since',
  schema: { type: 'string', pattern: '^(W/)?"[0-9]{1,15}"$' },
};
const idempotencyKey = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  description: 'retries with the same key and body get the first response (kept 24 h)',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
};
const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `the ${what}'s id`,
  schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' },
});

function listParams(spec: ResourceSpec): Json[] {
  return [
    {
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 20 },
    },
    {
      name: 'cursor',
      in: 'query',
      required: false,
      description: 'nextCursor of the previous page',
      schema: { type: 'string', minLength: 1, maxLength: 512 },
    },
    ...Object.entries(spec.filters ?? {}).map(([name, f]) => ({
      name,
      in: 'query',
      required: false,
      description: f.description,
      schema: schemaOf(f.schema, 'input'),
    })),
  ];
}

function resourcePaths(spec: ResourceSpec): Json {
  const t = spec.title;
  const common = spec.scope === 'tenant' ? [tenantHeader] : [];
  const tag = [spec.plural];
  const created = spec.name === 'api-key' ? 'ApiKeyCreated' : t;
  const collection: Json = {
    get: {
      operationId: `list${t}s`,
      tags: tag,
      summary: `List ${spec.plural}`,
      parameters: [...common, ...listParams(spec)],
      responses: { 200: json(ref(`${t}List`), 'one page'), ...errors },
    },
  };
  const item: Json = {
    get: {
      operationId: `get${t}`,
      tags: tag,
      parameters: [...common, idParam(spec.name)],
      responses: { 200: json(ref(t), 'the resource', etagHeader), ...errors },
    },
  };
  if (!spec.readOnly) {
    collection.post = {
      operationId: `create${t}`,
      tags: tag,
      parameters: [...common, idempotencyKey],
      requestBody: { required: true, content: { 'application/json': { schema: ref(`${t}Create`) } } },
      responses: {
        201: {
          ...json(ref(created), 'created', {
            ...etagHeader,
            Location: { schema: { type: 'string' } },
            'Idempotent-Replayed': { description: 'present on a replay', schema: { type: 'string' } },
          }),
          links: Object.fromEntries(
            ['get', 'replace', 'patch', 'delete'].map((verb) => [
              `${verb}${t}`,
              { operationId: `${verb}${t}`, parameters: { id: '$response.body#/_id' } },
            ]),
          ),
        },
        ...writeErrors,
      },
    };
    item.put = {
      operationId: `replace${t}`,
      tags: tag,
      parameters: [...common, idParam(spec.name), ifMatch],
      requestBody: { required: true, content: { 'application/json': { schema: ref(`${t}Update`) } } },
      responses: {
        200: json(ref(t), 'replaced', etagHeader),
        412: problem('If-Match is stale'),
        ...writeErrors,
      },
    };
    item.patch = {
      operationId: `patch${t}`,
      tags: tag,
      description: 'Top-level fields given replace the stored ones whole; the result is validated as a PUT.',
      parameters: [...common, idParam(spec.name), ifMatch],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: ref(`${t}Patch`) },
          'application/merge-patch+json': { schema: ref(`${t}Patch`) },
        },
      },
      responses: {
        200: json(ref(t), 'updated', etagHeader),
        412: problem('If-Match is stale'),
        ...writeErrors,
      },
    };
    item.delete = {
      operationId: `delete${t}`,
      tags: tag,
      parameters: [...common, idParam(spec.name), ifMatch],
      responses: {
        204: { description: 'deleted' },
        409: problem('still referenced'),
        412: problem('If-Match is stale'),
        ...errors,
      },
    };
  }
  return { [`/v1/${spec.plural}`]: collection, [`/v1/${spec.plural}/{id}`]: item };
}

function resourceSchemas(spec: ResourceSpec): Json {
  const t = spec.title;
  const out: Json = {
    [t]: schemaOf(spec.view, 'output'),
    [`${t}List`]: {
      type: 'object',
      required: ['items', 'nextCursor'],
      additionalProperties: false,
      properties: { items: { type: 'array', items: ref(t) }, nextCursor: { type: ['string', 'null'] } },
    },
  };
  if (!spec.readOnly) {
    out[`${t}Create`] = schemaOf(spec.createInput, 'input');
    out[`${t}Update`] = schemaOf(spec.updateInput, 'input');
    out[`${t}Patch`] = schemaOf(spec.patchInput, 'input');
  }
  return out;
}

function actionPaths(): Json {
  const tenant = [tenantHeader];
  const flowAction = (verb: string, summary: string) => ({
    post: {
      operationId: `${verb}Flow`,
      tags: ['flows'],
      summary,
      parameters: [...tenant, idParam('flow'), ifMatch],
      responses: {
        200: json(ref('Flow'), 'the flow', etagHeader),
        409: problem('not in a state that allows it'),
        412: problem('If-Match is stale'),
        422: problem('the graph is invalid; errors name graph/<path>'),
        ...errors,
      },
    },
  });
  return {
    '/v1/flows/{id}/validate': flowAction('validate', 'Validate the draft graph'),
    '/v1/flows/{id}/publish': flowAction('publish', 'Publish the validated draft as the next version'),
    '/v1/flows/{id}/versions': {
      get: {
        operationId: 'listFlowVersions',
        tags: ['flows'],
        parameters: [...tenant, idParam('flow')],
        responses: { 200: json(ref('FlowVersionList'), 'every published version'), ...errors },
      },
    },
    '/v1/flows/{id}/versions/{version}': {
      get: {
        operationId: 'getFlowVersion',
        tags: ['flows'],
        parameters: [
          ...tenant,
          idParam('flow'),
          { name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        ],
        responses: { 200: json(ref('FlowVersion'), 'one published version'), ...errors },
      },
    },
    '/v1/api-keys/{id}/revoke': {
      post: {
        operationId: 'revokeApiKey',
        tags: ['api-keys'],
        parameters: [...tenant, idParam('API key'), ifMatch],
        responses: {
          200: json(ref('ApiKey'), 'revoked', etagHeader),
          409: problem('changed concurrently'),
          412: problem('If-Match is stale'),
          ...errors,
        },
      },
    },
    '/v1/prompts/{id}/audio': {
      put: {
        operationId: 'uploadPromptAudio',
        tags: ['prompts'],
        parameters: [...tenant, idParam('prompt'), ifMatch],
        requestBody: {
          required: true,
          content: Object.fromEntries(
            WAV_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
          ),
        },
        responses: {
          200: json(ref('Prompt'), 'the prompt with its audio', etagHeader),
          409: problem('a tts prompt'),
          412: problem('If-Match is stale'),
          413: problem('file too large'),
          422: problem('not a usable WAV file'),
          ...errors,
        },
      },
      get: {
        operationId: 'getPromptAudio',
        tags: ['prompts'],
        parameters: [...tenant, idParam('prompt')],
        responses: {
          200: {
            description: 'the WAV file',
            content: { 'audio/wav': { schema: { type: 'string', contentMediaType: 'audio/wav' } } },
          },
          ...errors,
        },
      },
    },
    '/v1/sessions': {
      post: {
        operationId: 'createSession',
        tags: ['sessions'],
        summary: 'Sign in with email and password; returns a session token (JWT) for the web client',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: ref('SessionCreate') } } },
        responses: {
          201: json(ref('Session'), 'signed in'),
          400: problem('malformed request'),
          401: problem('wrong tenant, email or password'),
          413: problem('body too large'),
          422: problem('invalid fields'),
          '5XX': problem('server error'),
        },
      },
    },
    '/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        tags: ['meta'],
        security: [],
        responses: { 200: json({ type: 'object' }, 'this document') },
      },
    },
  };
}

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        additionalProperties: false,
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** The OpenAPI 3.1 document of the API, built from the same zod schemas that check requests. */
export function buildOpenApi(resources: Resources): Json {
  const specs = Object.values(resources);
  const schemas: Json = {
    Problem: problemSchema,
    ApiKeyCreated: schemaOf(
      apiKeyView.extend({
        secret: z.string().optional().describe('the token, shown once; absent on a replay'),
      }),
      'output',
    ),
    FlowVersion: schemaOf(flowVersionDocument, 'output'),
    FlowVersionList: {
      type: 'object',
      required: ['items', 'nextCursor'],
      additionalProperties: false,
      properties: {
        items: { type: 'array', items: ref('FlowVersion') },
        nextCursor: { type: ['string', 'null'] },
      },
    },
    SessionCreate: schemaOf(sessionInput, 'input'),
    Session: schemaOf(sessionView, 'output'),
  };
  let paths: Json = {};
  for (const spec of specs) {
    Object.assign(schemas, resourceSchemas(spec));
    paths = { ...paths, ...resourcePaths(spec) };
  }
  paths = { ...paths, ...actionPaths(), ...deskPaths() };
  Object.assign(schemas, deskSchemas());
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hotline provisioning API',
      version: '1.0.0',
      description:
        'Tenants provision hotlines, flows, queues, skills, agents, calendars, prompts and more. ' +
        'Errors are RFC 9457 problem+json; validation failures list each field.',
    },
    servers: [{ url: '/' }],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'an API key (hlk_…), a session token from POST /v1/sessions, or the platform admin key',
        },
      },
      schemas,
    },
    paths,
  };
}
