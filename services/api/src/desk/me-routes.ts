import { agentView, Collections, userView, type User } from '@hotline/provisioning';
import { Router } from 'express';
import { z } from 'zod';
import { agents } from '../resources/agents';
import { agentOf, deskCaller } from './desk-caller';
import type { DeskDeps } from './desk-deps';

export const softphoneView = z.strictObject({
  uri: z.string(),
  username: z.string(),
  realm: z.string(),
  /** MD5(username:realm:password): the softphone answers digest challenges with it (RFC 2617). */
  ha1: z.string(),
  wsServers: z.array(z.string()),
});

export const meView = z.strictObject({
  tenantId: z.string(),
  roles: z.array(z.string()),
  user: userView.nullable(),
  agent: agentView.nullable(),
  softphone: softphoneView.nullable(),
});

/**
 * GET /v1/me: who signed in, the agent they work as, and the softphone account the browser
 * registers with. The HA1 is as good as the SIP password for this realm: it goes only to the
 * agent itself, over the authenticated API, never cached.
 */
export function meRoutes(deps: DeskDeps): Router {
  const router = Router();
  router.get('/v1/me', async (req, res) => {
    const caller = deskCaller(req);
    const { principal } = caller;
    let user: z.infer<typeof userView> | null = null;
    if (principal.kind === 'user') {
      const doc = await deps.store.collection<User>(Collections.users).get(principal.id);
      if (doc) {
        const { password, ...view } = doc;
        void password;
        user = view;
      }
    }
    let agent: unknown = null;
    let softphone: z.infer<typeof softphoneView> | null = null;
    if (caller.agentId) {
      const doc = await agentOf(deps.store, caller.tenantId, caller.agentId).catch(() => null);
      if (doc) {
        agent = agents.toView(doc as never);
        const realm = doc.sip.realm;
        softphone = {
          uri: `sip:${doc.sip.username}@${realm}`,
          username: doc.sip.username,
          realm,
          ha1: doc.sip.ha1,
          wsServers: [...deps.settings.sipWssUrls],
        };
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json({ tenantId: caller.tenantId, roles: [...principal.roles], user, agent, softphone });
  });
  return router;
}
