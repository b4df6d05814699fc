import { HotlineError } from '@hotline/platform';
import type { Role } from '@hotline/provisioning';
import type { Request, Response } from 'express';
import { hasAnyRole, isUnrestricted, requireTenant, type Principal } from '../auth/principal';

/** A principal acting inside one tenant (the platform admin names it with Hotline-Tenant). */
export type TenantPrincipal = Principal & { tenantId: string };

/**
 * The caller, checked to hold one of `roles` inside a tenant; for routers mounted after
 * `authenticate` (services' extra routers use it). The platform admin and the system act as
 * tenant-admin. Throws 403 for a missing role, 400 when the platform admin names no tenant.
 */
export function authorize(req: Request, roles: readonly Role[], res?: Response): TenantPrincipal {
  const principal = (res ?? req.res)?.locals.principal as Principal | undefined;
  if (!principal) throw new HotlineError('unauthenticated', 'send Authorization: Bearer <token>');
  const tenantId = requireTenant(principal.tenantId);
  if (!isUnrestricted(principal) && !hasAnyRole(principal, roles)) {
    throw new HotlineError('forbidden', `this needs one of the roles ${roles.join(', ')}`);
  }
  return { ...principal, tenantId };
}

/** The shape other services' routers receive `authorize` as (they do not import the API). */
export type Authorize = (req: Request, roles: readonly Role[]) => TenantPrincipal;
