import type { Request, Response } from 'express';
import type { CallContext } from '../domain/provisioner';
import type { Principal } from '../auth/principal';

/** The authenticated call, set by the authenticate middleware. */
export function callContext(req: Request, res: Response): CallContext {
  const principal = res.locals.principal as Principal;
  return {
    principal,
    tenantId: principal.tenantId,
    requestId: (res.locals.requestId as string | undefined) ?? req.get('x-request-id') ?? null,
  };
}
