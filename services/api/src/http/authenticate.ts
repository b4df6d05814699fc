import type { DocumentStore } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import { Collections, resourceId, type ApiKey, type Tenant, type User } from '@hotline/provisioning';
import type { RequestHandler } from 'express';
import { parseApiKeyToken, sameSecret, secretMatches } from '../auth/api-key-token';
import { looksLikeJwt, verifyJwt } from '../auth/jwt';
import type { Principal } from '../auth/principal';

export interface AuthSettings {
  adminKey: string | null;
  jwtSecret: string;
}

export const TENANT_HEADER = 'Hotline-Tenant';

function unauthenticated(message: string): HotlineError {
  return new HotlineError('unauthenticated', message);
}

/**
 * Resolves `Authorization: Bearer <token>` to a principal: the platform admin key, an API key
 * (`hlk_…`), or a session JWT. Every failure is the same 401 whatever the reason, so a caller
 * learns nothing about which keys exist.
 */
export function authenticate(store: DocumentStore, settings: AuthSettings): RequestHandler {
  const keys = store.collection<ApiKey>(Collections.apiKeys);
  const users = store.collection<User>(Collections.users);
  const tenants = store.collection<Tenant>(Collections.tenants);

  async function activeTenant(tenantId: string): Promise<Tenant> {
    const tenant = await tenants.get(tenantId);
    if (!tenant) throw unauthenticated('invalid credentials');
    if (tenant.status !== 'active') throw new HotlineError('forbidden', 'this tenant is suspended');
    return tenant;
  }

  async function resolve(token: string, now: Date): Promise<Principal> {
    if (settings.adminKey !== null && sameSecret(token, settings.adminKey)) {
      return { kind: 'platform-admin', id: 'platform-admin', tenantId: null, roles: ['tenant-admin'] };
    }
    const apiKey = parseApiKeyToken(token);
    if (apiKey) {
      const key = await keys.get(apiKey.keyId);
      if (!key || !secretMatches(apiKey.secret, key.secretHash)) throw unauthenticated('invalid credentials');
      if (key.revokedAt !== null) throw unauthenticated('this API key was revoked');
      if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) {
        throw unauthenticated('this API key has expired');
      }
      await activeTenant(key.tenantId);
      return { kind: 'api-key', id: key._id, tenantId: key.tenantId, roles: [key.role] };
    }
    if (looksLikeJwt(token)) {
      const result = verifyJwt(token, settings.jwtSecret, Math.floor(now.getTime() / 1000));
      if (!result.ok) throw unauthenticated(`invalid session token: ${result.reason}`);
      const user = await users.get(result.claims.sub);
      if (!user || user.tenantId !== result.claims.tid || user.disabled)
        throw unauthenticated('invalid credentials');
      await activeTenant(user.tenantId);
      return {
        kind: 'user',
        id: user._id,
        tenantId: user.tenantId,
        roles: user.roles,
        agentId: user.agentId,
      };
    }
    throw unauthenticated('invalid credentials');
  }

  return async (req, res, next) => {
    const header = req.get('authorization');
    const m = header ? /^Bearer\s+(\S{1,2048})\s*$/i.exec(header) : null;
    if (!m) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="hotline"');
      throw unauthenticated('send Authorization: Bearer <API key or session token>');
    }
    let principal: Principal;
    try {
      principal = await resolve(m[1]!, new Date());
    } catch (err) {
      if (err instanceof HotlineError && err.code === 'unauthenticated') {
        res.setHeader('WWW-Authenticate', 'Bearer realm="hotline", error="invalid_token"');
      }
      throw err;
    }
    const named = req.get(TENANT_HEADER);
    if (named !== undefined) {
      if (principal.kind === 'platform-admin') {
        if (!resourceId().safeParse(named).success || !(await tenants.get(named))) {
          throw new HotlineError('not_found', `no tenant ${named}`);
        }
        principal = { ...principal, tenantId: named };
      } else if (named !== principal.tenantId) {
        throw new HotlineError(
          'forbidden',
          `only the platform admin may name another tenant in ${TENANT_HEADER}`,
        );
      }
    }
    res.locals.principal = principal;
    next();
  };
}
