import {
  Collections,
  auditEntryDocument,
  tenantDocument,
  tenantInput,
  type Tenant,
} from '@hotline/provisioning';
import type { FieldError } from '@hotline/platform';
import { z } from 'zod';
import type { Doc } from '../domain/resource-spec';
import { admins, defineResource, patchOf, stringFilter } from './define';

const tenantUpdateInput = tenantInput.omit({ id: true });

/** Every collection a tenant's configuration lives in: a tenant is deleted only once they are empty. */
const tenantCollections = [
  ['api-key', Collections.apiKeys],
  ['user', Collections.users],
  ['agent', Collections.agents],
  ['skill', Collections.skills],
  ['queue', Collections.queues],
  ['hotline', Collections.hotlines],
  ['flow', Collections.flows],
  ['calendar', Collections.calendars],
  ['prompt', Collections.prompts],
  ['disposition-code', Collections.dispositionCodes],
  ['site', Collections.sites],
] as const;

export const tenants = defineResource({
  name: 'tenant',
  plural: 'tenants',
  title: 'Tenant',
  collection: Collections.tenants,
  idPrefix: 'tnt',
  scope: 'platform',
  createInput: tenantInput,
  updateInput: tenantUpdateInput,
  patchInput: patchOf(tenantUpdateInput),
  view: tenantDocument,
  serverFields: ['suspendedAt'],
  check(input, _id, existing) {
    const errors: FieldError[] = [];
    const previous = existing as unknown as Tenant | null;
    if (previous && input.sipRealm !== undefined && input.sipRealm !== previous.sipRealm) {
      errors.push({ field: 'sipRealm', message: 'fixed at creation (agents’ HA1 hashes it in)' });
    }
    return errors;
  },
  async build(input, ctx, existing) {
    const previous = existing as unknown as Tenant | null;
    const { id, ...rest } = input;
    void id;
    const suspended = rest.status === 'suspended';
    return {
      ...rest,
      sipRealm: previous?.sipRealm ?? rest.sipRealm ?? `${ctx.id}.sip.hotline.local`,
      suspendedAt: suspended ? (previous?.suspendedAt ?? ctx.now) : null,
    };
  },
  uniqueIndexes: [
    {
      spec: { name: 'tenants_sipRealm', fields: { sipRealm: 1 }, unique: true },
      field: 'sipRealm',
      message: 'another tenant uses this realm',
    },
  ],
  filters: { status: stringFilter('status', 'active or suspended') },
  referencedBy: tenantCollections.map(([resource, collection]) => ({
    collection,
    path: 'tenantId',
    resource,
  })),
});

export const auditLog = defineResource({
  name: 'audit-entry',
  plural: 'audit-log',
  title: 'AuditEntry',
  collection: Collections.auditLog,
  idPrefix: 'aud',
  read: admins,
  readOnly: true,
  createInput: z.strictObject({}),
  view: auditEntryDocument,
  toView: (doc: Doc) => doc,
  filters: {
    resource: stringFilter('resource', 'changes of this resource type (agent, queue, …)'),
    resourceId: stringFilter('resourceId', 'changes of this one resource'),
    action: stringFilter('action', 'created, updated, deleted, published, …'),
  },
});
