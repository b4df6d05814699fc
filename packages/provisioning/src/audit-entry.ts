import { z } from 'zod';
import { documentMeta, isoDateTime, resourceId } from './common';

export const actorKinds = ['platform-admin', 'api-key', 'user', 'system'] as const;

/** Who did it: a key id or user id within the tenant, or the platform admin, or a seed. */
export const auditActor = z.strictObject({
  kind: z.enum(actorKinds),
  id: z.string(),
});

/**
 * One change, written after the change itself (who, what, when, before/after). Secrets
 * (password hashes, HA1s, key hashes) are never in `before`/`after`: those are API views.
 */
export const auditEntryDocument = z.strictObject({
  ...documentMeta,
  actor: auditActor,
  action: z.string().min(1).max(64),
  resource: z.string().min(1).max(64),
  resourceId: resourceId(),
  at: isoDateTime(),
  requestId: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

export type AuditActor = z.infer<typeof auditActor>;
export type AuditEntry = z.infer<typeof auditEntryDocument>;
