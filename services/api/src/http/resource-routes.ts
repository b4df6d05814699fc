import { HotlineError } from '@hotline/platform';
import { resourceId } from '@hotline/provisioning';
import { Router, type Request } from 'express';
import { parseOr400 } from '../domain/field-errors';
import type { Provisioner, Written } from '../domain/provisioner';
import type { ResourceSpec } from '../domain/resource-spec';
import { callContext } from './call-context';
import { etagOf, send, type HttpResult } from './http-result';
import type { Idempotency } from './idempotency';
import { listQuerySchema } from './list-query';
import { ifMatchRevision } from './preconditions';

/** A path id that could never exist is "not found", like any id of another tenant. */
export function pathId(req: Request, spec: { name: string }, param = 'id'): string {
  const id = req.params[param];
  if (typeof id !== 'string' || !resourceId().safeParse(id).success) {
    throw new HotlineError('not_found', `no ${spec.name} ${String(id)}`);
  }
  return id;
}

/** A JSON body was sent as JSON; anything else is refused before it is looked at. */
export function jsonBody(req: Request): unknown {
  if (req.body === undefined) {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody) {
      throw new HotlineError('bad_request', 'send the body as application/json', {
        fields: [{ field: 'Content-Type', message: 'expected application/json' }],
      });
    }
    throw new HotlineError('validation_failed', 'a JSON body is required', {
      fields: [{ field: '(body)', message: 'required' }],
    });
  }
  return req.body;
}

export function writtenResult(spec: ResourceSpec, written: Written, status: 200 | 201): HttpResult {
  const headers: Record<string, string> = { ETag: etagOf(written.doc._rev) };
  if (status === 201) headers.Location = `/v1/${spec.plural}/${written.doc._id}`;
  return { status, body: { ...written.view, ...written.reveal }, headers };
}

/** GET/POST /v1/<plural>, GET/PUT/PATCH/DELETE /v1/<plural>/{id}. */
export function resourceRoutes(
  spec: ResourceSpec,
  provisioner: Provisioner,
  idempotency: Idempotency,
): Router {
  const router = Router();
  const base = `/v1/${spec.plural}`;
  const querySchema = listQuerySchema(spec);

  router.get(base, async (req, res) => {
    const ctx = callContext(req, res);
    provisioner.authorize(spec, 'read', ctx);
    const { limit, cursor, ...filters } = parseOr400(querySchema, req.query, 'the query') as {
      limit: number;
      cursor?: string;
    } & Record<string, string | number | boolean>;
    const page = await provisioner.list(spec, { limit, ...(cursor ? { cursor } : {}), filters }, ctx);
    send(res, { status: 200, body: page });
  });

  router.get(`${base}/:id`, async (req, res) => {
    const doc = await provisioner.get(spec, pathId(req, spec), callContext(req, res));
    send(res, { status: 200, body: spec.toView(doc), headers: { ETag: etagOf(doc._rev) } });
  });

  if (spec.readOnly) return router;

  router.post(base, async (req, res) => {
    const ctx = callContext(req, res);
    provisioner.authorize(spec, 'write', ctx);
    const body = jsonBody(req);
    send(
      res,
      await idempotency.run(req, ctx, async () =>
        writtenResult(spec, await provisioner.create(spec, body, ctx), 201),
      ),
    );
  });

  for (const mode of ['put', 'patch'] as const) {
    router[mode](`${base}/:id`, async (req, res) => {
      const ctx = callContext(req, res);
      provisioner.authorize(spec, 'write', ctx);
      const id = pathId(req, spec);
      const ifMatch = ifMatchRevision(req);
      const written = await provisioner.update(spec, id, jsonBody(req), mode, ifMatch, ctx);
      send(res, writtenResult(spec, written, 200));
    });
  }

  router.delete(`${base}/:id`, async (req, res) => {
    const ctx = callContext(req, res);
    await provisioner.remove(spec, pathId(req, spec), ifMatchRevision(req), ctx);
    send(res, { status: 204 });
  });

  return router;
}
