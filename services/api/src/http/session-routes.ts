import type { DocumentStore } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import { Collections, resourceId, userView, type User } from '@hotline/provisioning';
import { Router } from 'express';
import { z } from 'zod';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords';
import { signJwt } from '../auth/jwt';
import { parseOr422 } from '../domain/field-errors';
import { jsonBody } from './resource-routes';
import { send } from './http-result';

export const sessionInput = z.strictObject({
  tenantId: resourceId(),
  email: z.email().max(254).toLowerCase(),
  password: z.string().min(1).max(256),
});

export const sessionView = z.strictObject({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.iso.datetime({ offset: true }),
  user: userView,
});

/** POST /v1/sessions: a user's email and password for a session token (JWT) for the web client. */
export function sessionRoutes(
  store: DocumentStore,
  settings: { jwtSecret: string; ttlSeconds: number },
): Router {
  const users = store.collection<User>(Collections.users);
  const router = Router();
  router.post('/v1/sessions', async (req, res) => {
    const input = parseOr422(sessionInput, jsonBody(req), 'the sign-in');
    const user = await users.findOne({ tenantId: input.tenantId, email: input.email });
    // Verify against a decoy when there is no such user, so timing does not reveal accounts.
    const ok = await verifyPassword(input.password, user?.password ?? (await decoyPasswordHash));
    if (!user || !ok || user.disabled)
      throw new HotlineError('unauthenticated', 'wrong tenant, email or password');
    const now = Math.floor(Date.now() / 1000);
    const exp = now + settings.ttlSeconds;
    const token = signJwt(
      { iss: 'hotline', sub: user._id, tid: user.tenantId, iat: now, exp },
      settings.jwtSecret,
    );
    const { password, ...view } = user;
    void password;
    send(res, {
      status: 201,
      body: { token, tokenType: 'Bearer', expiresAt: new Date(exp * 1000).toISOString(), user: view },
    });
  });
  return router;
}
