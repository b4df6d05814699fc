import { HotlineError } from '@hotline/platform';
import type { Role } from '@hotline/provisioning';

/** Who is calling, once authenticated. */
export type Principal =
  | { kind: 'platform-admin'; id: 'platform-admin'; tenantId: string | null; roles: readonly Role[] }
  | { kind: 'api-key'; id: string; tenantId: string; roles: readonly Role[] }
  /** A signed-in person; `agentId` is the agent they work as (users with the agent role). */
  | { kind: 'user'; id: string; tenantId: string; roles: readonly Role[]; agentId?: string | null }
  /** The server itself (the demo seed): acts like the platform admin. */
  | { kind: 'system'; id: string; tenantId: string | null; roles: readonly Role[] };

export const allRoles: readonly Role[] = ['tenant-admin', 'supervisor', 'agent'];

export function hasAnyRole(principal: Principal, allowed: readonly Role[]): boolean {
  return principal.roles.some((r) => allowed.includes(r));
}

/** The platform admin and the server itself may act in any tenant, with any role. */
export function isUnrestricted(principal: Principal): boolean {
  return principal.kind === 'platform-admin' || principal.kind === 'system';
}

/** The tenant acted in; the platform admin must name one with the Hotline-Tenant header. */
export function requireTenant(tenantId: string | null): string {
  if (tenantId === null) {
    throw new HotlineError(
      'bad_request',
      'the platform admin names a tenant with the Hotline-Tenant header',
      {
        fields: [{ field: 'Hotline-Tenant', message: 'required for tenant resources' }],
      },
    );
  }
  return tenantId;
}
