import { listRoutingDecisions } from '@hotline/acd-router';
import { HotlineError } from '@hotline/platform';
import { Router } from 'express';
import { deskCaller, requireSupervisor, type DeskCaller } from './desk-caller';
import type { DeskDeps } from './desk-deps';

/**
 * GET /v1/calls/:callId/context (the screen pop, F-AG-1) and
 * GET /v1/calls/:callId/routing-decisions (why the call went where it went, F-SV-1).
 */
export function callReadRoutes(deps: DeskDeps): Router {
  const router = Router();

  /** An agent reads the pop of a call offered to it, that it is on, or that it wraps up. */
  async function mayRead(caller: DeskCaller, callId: string): Promise<boolean> {
    if (caller.supervisor) return true;
    const agentId = caller.agentId;
    if (!agentId) return false;
    const t = caller.tenantId;
    const { tracker } = deps;
    if (
      tracker.isOnCall(t, agentId, callId) ||
      tracker.lastCall(t, agentId) === callId ||
      tracker.pendingOffer(t, agentId)?.callId === callId
    )
      return true;
    const agents = await deps.readModel.realtimeAgents(t);
    return agents.some((a) => a.agentId === agentId && a.callId === callId);
  }

  router.get('/v1/calls/:callId/context', async (req, res) => {
    const caller = deskCaller(req);
    const context = await deps.readModel.callContext(caller.tenantId, req.params.callId);
    if (!context) throw new HotlineError('not_found', `no call ${req.params.callId}`);
    if (!(await mayRead(caller, req.params.callId))) {
      throw new HotlineError('forbidden', 'an agent reads only the calls offered to it');
    }
    res.json(context);
  });

  router.get('/v1/calls/:callId/routing-decisions', async (req, res) => {
    const caller = deskCaller(req);
    requireSupervisor(caller, 'read routing decisions');
    const items = await listRoutingDecisions(deps.store, caller.tenantId, req.params.callId);
    res.json({ items });
  });

  return router;
}
