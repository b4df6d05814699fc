import { z } from 'zod';
import { displayName, documentMeta, isoDateTime, timeZone } from './common';

export const tenantSlug = () =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2 to 63');

/** A SaaS customer. Its `_id` is its slug and its `tenantId` is itself. Platform admins only. */
export const tenantInput = z.strictObject({
  /** Chosen by the platform admin (becomes the tenant id); generated when absent. */
  id: tenantSlug().optional(),
  name: displayName(),
  status: z.enum(['active', 'suspended']).default('active'),
  /** Default zone for reports and calendars that do not name one. */
  timeZone: timeZone().default('UTC'),
  /**
   * SIP digest realm of the tenant's agents (RFC 3261 §22.4). It is hashed into every agent's
   * HA1, so changing it later invalidates all stored credentials; it is fixed at creation.
   */
  sipRealm: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'a DNS name')
    .max(253)
    .optional(),
});

export const tenantDocument = z.strictObject({
  ...documentMeta,
  name: displayName(),
  status: z.enum(['active', 'suspended']),
  timeZone: timeZone(),
  sipRealm: z.string(),
  suspendedAt: isoDateTime().nullable().optional(),
});

export type TenantInput = z.input<typeof tenantInput>;
export type Tenant = z.infer<typeof tenantDocument>;
