import type { Collection } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import { recordingPolicy, resourceId, type Role } from '@hotline/provisioning';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { RecorderCollections } from '../domain/recording';
import { policyId, upsert, type PolicyDoc } from '../domain/recorder-docs';
import type { RecordingLibrary } from './recording-library';
import type { Authorize } from './recordings-router';

const tenantBody = z.strictObject({
  policy: recordingPolicy,
  retentionDays: z.number().int().min(1).max(3650).nullable().default(null),
});
const queueBody = z.strictObject({ policy: recordingPolicy });

const ADMINS: Role[] = ['tenant-admin'];
const READERS: Role[] = ['tenant-admin', 'supervisor'];

function parse<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.body);
  if (!result.success) {
    throw new HotlineError('validation_failed', 'the recording policy is not valid', {
      fields: result.error.issues.map((i) => ({ field: i.path.join('/') || '(body)', message: i.message })),
    });
  }
  return result.data;
}

/**
 * /v1/recording-policies/tenant and /v1/recording-policies/queues/:queueId: the tenant-wide and
 * per-queue policies (a hotline's policy is a field of the hotline). Tenant admins write,
 * supervisors read; changes are audited.
 */
export function policyRoutes(library: RecordingLibrary, authorize: Authorize): Router {
  const router = Router();
  const policies: Collection<PolicyDoc> = library.store.collection<PolicyDoc>(RecorderCollections.policies);
  const view = (doc: PolicyDoc | null) =>
    doc
      ? {
          scope: doc.scope,
          queueId: doc.queueId,
          policy: doc.policy,
          retentionDays: doc.retentionDays ?? null,
        }
      : null;

  const read = async (req: Request, queueId: string | null) => {
    const principal = authorize(req, READERS);
    const doc = await policies.get(policyId(principal.tenantId, queueId));
    if (!doc)
      throw new HotlineError(
        'not_found',
        queueId ? `no recording policy for queue ${queueId}` : 'no tenant recording policy',
      );
    return view(doc);
  };

  const write = async (req: Request, queueId: string | null) => {
    const principal = authorize(req, ADMINS);
    const body = queueId ? { ...parse(queueBody, req), retentionDays: null } : parse(tenantBody, req);
    const id = policyId(principal.tenantId, queueId);
    const stored = await upsert(
      policies,
      id,
      (): Omit<PolicyDoc, '_rev'> => ({
        _id: id,
        tenantId: principal.tenantId,
        scope: queueId ? 'queue' : 'tenant',
        queueId,
        policy: body.policy,
      }),
      (doc) => ({ ...doc, policy: body.policy, retentionDays: body.retentionDays }),
    );
    await library.audit(
      principal.tenantId,
      { kind: principal.kind, id: principal.id },
      'recording-policy.set',
      id,
    );
    return view(stored);
  };

  const queueIdOf = (req: Request): string => {
    const id = resourceId().safeParse(req.params.queueId);
    if (!id.success)
      throw new HotlineError('bad_request', 'not a queue id', {
        fields: [{ field: 'queueId', message: 'letters, digits and . _ : - only' }],
      });
    return id.data;
  };

  router.get('/v1/recording-policies/tenant', async (req, res) => {
    res.json(await read(req, null));
  });
  router.put('/v1/recording-policies/tenant', async (req, res) => {
    res.json(await write(req, null));
  });
  router.get('/v1/recording-policies/queues/:queueId', async (req, res) => {
    res.json(await read(req, queueIdOf(req)));
  });
  router.put('/v1/recording-policies/queues/:queueId', async (req, res) => {
    res.json(await write(req, queueIdOf(req)));
  });
  return router;
}
