import { makeEvent } from '@hotline/contracts';
import { publishEvents } from '@hotline/event-bus';
import { HotlineError } from '@hotline/platform';
import { Router } from 'express';
import { z } from 'zod';
import { newId } from '../domain/ids';
import { parseOr422 } from '../domain/field-errors';
import { jsonBody } from '../http/resource-routes';
import { actingFor, deskCaller } from './desk-caller';
import type { DeskDeps } from './desk-deps';

export const agentStateInput = z.strictObject({
  state: z.enum(['login', 'ready', 'not-ready', 'break', 'logout']),
  /** not-ready: the tenant's reason code; break: an optional label. */
  reason: z.string().min(1).max(64).optional(),
  /** login: go straight to ready (default: not-ready). */
  ready: z.boolean().optional(),
  /** break: the agent may not end it before this many ms (supervisors only). */
  lockMs: z.number().int().positive().max(86_400_000).optional(),
});

export const commandAccepted = z.strictObject({ commandId: z.string() });

/** Publishes agent.command.requested; the ACD applies it or answers agent.command.rejected. */
export async function requestAgentCommand(
  deps: DeskDeps,
  tenantId: string,
  data: {
    agentId: string;
    command: 'login' | 'logout' | 'ready' | 'not-ready' | 'break' | 'extend-wrap-up';
    by: 'agent' | 'supervisor';
    reason?: string;
    ready?: boolean;
    lockMs?: number;
    extendMs?: number;
  },
): Promise<string> {
  const commandId = newId('cmd');
  await publishEvents(deps.bus, [
    makeEvent({ type: 'agent.command.requested', tenantId, source: 'api', data: { commandId, ...data } }),
  ]);
  return commandId;
}

/**
 * POST /v1/agents/:agentId/state (F-AG-2, F-SV-4): an agent changes its own state; a supervisor
 * any agent's. Accepted is not applied: the ACD owns agent state and may refuse (a break lock,
 * an agent on a call), and the outcome reaches the desk on the live channel.
 */
export function agentStateRoutes(deps: DeskDeps): Router {
  const router = Router();
  router.post('/v1/agents/:agentId/state', async (req, res) => {
    const caller = deskCaller(req);
    const input = parseOr422(agentStateInput, jsonBody(req), 'the state change');
    const { agent, by } = await actingFor(deps.store, caller, req.params.agentId);
    if (input.lockMs !== undefined && by !== 'supervisor') {
      throw new HotlineError('forbidden', 'only a supervisor may lock a break');
    }
    const commandId = await requestAgentCommand(deps, caller.tenantId, {
      agentId: agent._id,
      command: input.state,
      by,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.ready !== undefined ? { ready: input.ready } : {}),
      ...(input.lockMs !== undefined ? { lockMs: input.lockMs } : {}),
    });
    res.status(202).json({ commandId });
  });
  return router;
}
