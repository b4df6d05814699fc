import { Router } from 'express';
import { actingFor, deskCaller, requireSupervisor } from './desk-caller';
import type { DeskDeps } from './desk-deps';
import { zeroToday, type AgentRealtime, type QueueRealtime, type WaitingCall } from './desk-read-model';

export interface WallboardView {
  agents: AgentRealtime[];
  queues: QueueRealtime[];
  waiting: WaitingCall[];
}

/** The tenant now; for an agent, only itself and its own queues (the live snapshot). */
export async function wallboardOf(
  deps: DeskDeps,
  tenantId: string,
  agentView?: { agentId: string; queueIds: readonly string[] },
): Promise<WallboardView> {
  const [agents, queues, waiting] = await Promise.all([
    deps.readModel.realtimeAgents(tenantId),
    deps.readModel.realtimeQueues(tenantId),
    deps.readModel.waitingCalls(tenantId),
  ]);
  if (!agentView) return { agents, queues, waiting };
  const mine = new Set(agentView.queueIds);
  return {
    agents: agents.filter((a) => a.agentId === agentView.agentId),
    queues: queues.filter((q) => mine.has(q.queueId)),
    waiting: waiting.filter((w) => mine.has(w.queueId)),
  };
}

/** GET /v1/wallboard (F-SV-1) and GET /v1/agents/:agentId/stats (F-AG-6). */
export function wallboardRoutes(deps: DeskDeps): Router {
  const router = Router();
  router.get('/v1/wallboard', async (req, res) => {
    const caller = deskCaller(req);
    requireSupervisor(caller, 'see the wallboard');
    res.json(await wallboardOf(deps, caller.tenantId));
  });
  router.get('/v1/agents/:agentId/stats', async (req, res) => {
    const caller = deskCaller(req);
    const { agent } = await actingFor(deps.store, caller, req.params.agentId);
    const { readModel } = deps;
    const realtime = readModel.realtimeAgent
      ? await readModel.realtimeAgent(caller.tenantId, agent._id)
      : (await readModel.realtimeAgents(caller.tenantId)).find((a) => a.agentId === agent._id);
    res.json(realtime?.today ?? zeroToday());
  });
  return router;
}
