import type { StoredDoc } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import { Collections, type DispositionCode } from '@hotline/provisioning';
import { Router } from 'express';
import { z } from 'zod';
import { parseOr422, validationFailed } from '../domain/field-errors';
import { jsonBody } from '../http/resource-routes';
import { requestAgentCommand } from './agent-state-routes';
import { actingFor, deskCaller } from './desk-caller';
import type { DeskDeps } from './desk-deps';

/** Where the desk keeps what agents recorded about their calls (read by reporting). */
export const dispositionsCollection = 'call-dispositions';

export interface CallDisposition extends StoredDoc {
  tenantId: string;
  callId: string;
  agentId: string;
  dispositionCodeId: string;
  /** The code itself (e.g. "resolved"), kept so reports need no join. */
  code: string;
  notes: string;
  /** Who recorded it: the agent, or a supervisor for it. */
  by: 'agent' | 'supervisor';
  at: string;
}

export const wrapUpInput = z.strictObject({
  dispositionCodeId: z.string().min(1).max(128),
  notes: z.string().max(4000).optional(),
  /** Ask the ACD for this much more wrap-up time. */
  extendMs: z.number().int().positive().max(3_600_000).optional(),
  /** The call; default the agent's current or last call. */
  callId: z.string().min(1).max(128).optional(),
});

export const wrapUpAccepted = z.strictObject({
  dispositionId: z.string(),
  callId: z.string(),
  commandId: z.string().nullable(),
});

/**
 * POST /v1/agents/:agentId/wrap-up (F-AG-4): the disposition of the agent's call, and more
 * wrap-up time if asked. One disposition per call and agent: sending it again corrects it.
 */
export function wrapUpRoutes(deps: DeskDeps): Router {
  const router = Router();
  const dispositions = deps.store.collection<CallDisposition>(dispositionsCollection);
  const codes = deps.store.collection<DispositionCode>(Collections.dispositionCodes);
  async function upsert(id: string, doc: Omit<CallDisposition, '_rev'>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const existing = await dispositions.get(id);
      try {
        if (existing) await dispositions.replace({ ...doc, _rev: existing._rev }, existing._rev);
        else await dispositions.insert(doc);
        return;
      } catch (err) {
        // Two submissions at once (a double click): the later one wins on the next round.
        const code = (err as { code?: string }).code;
        if (attempt >= 2 || (code !== 'duplicate_key' && code !== 'revision_conflict')) throw err;
      }
    }
  }
  router.post('/v1/agents/:agentId/wrap-up', async (req, res) => {
    const caller = deskCaller(req);
    const input = parseOr422(wrapUpInput, jsonBody(req), 'the wrap-up');
    const { agent, by } = await actingFor(deps.store, caller, req.params.agentId);
    const t = caller.tenantId;
    const code = await codes.get(input.dispositionCodeId);
    if (!code || code.tenantId !== t || !code.active) {
      throw validationFailed('the wrap-up is invalid', [
        { field: 'dispositionCodeId', message: 'no active disposition code with this id' },
      ]);
    }
    const notes = input.notes?.trim() ?? '';
    if (code.requiresNote && notes === '') {
      throw validationFailed('the wrap-up is invalid', [
        { field: 'notes', message: `disposition ${code.code} requires a note` },
      ]);
    }
    const callId =
      input.callId ??
      deps.tracker.lastCall(t, agent._id) ??
      (await deps.readModel.realtimeAgents(t)).find((a) => a.agentId === agent._id)?.callId;
    if (!callId) {
      throw new HotlineError('conflict', `agent ${agent._id} has no call to wrap up; name it with callId`);
    }
    const id = `${t}:${callId}:${agent._id}`;
    const doc = {
      _id: id,
      tenantId: t,
      callId,
      agentId: agent._id,
      dispositionCodeId: code._id,
      code: code.code,
      notes,
      by,
      at: new Date().toISOString(),
    };
    await upsert(id, doc);
    const commandId =
      input.extendMs !== undefined
        ? await requestAgentCommand(deps, t, {
            agentId: agent._id,
            command: 'extend-wrap-up',
            by,
            extendMs: input.extendMs,
          })
        : null;
    res.status(202).json({ dispositionId: id, callId, commandId });
  });
  return router;
}
