import type { Role } from '@hotline/provisioning';

/** Who is calling, once authenticated. */
export type Principal =
  | { kind: 'platform-admin'; id: 'platform-admin'; tenantId: string | null; roles: readonly Role[] }
  | { kind: 'api-key'; id: string; tenantId: string; roles: readonly Role[] }
  | { kind: 'user'; id: string; tenantId: string; roles: readonly Role[] }
  /** The server itself (the demo seed): acts like the platform admin. */
  | { kind: 'system'; id: string; tenantId: string | null; roles: readonly Role[] };

export const allRoles: readonly Role[] = ['tenant-admin', 'supervisor', 'agent'];

export function hasAnyRole(principal: Principal, allowed: readonly Role[]): boolean {
  return principal.roles.some((r) => allowed.includes(r));
}
