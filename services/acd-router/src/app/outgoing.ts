// Event payloads the ACD publishes from more than one place.

import type { EventData } from '@hotline/contracts';
import type { TransitionResult } from '../domain/agent-state-machine';
import type { CallRecord } from '../domain/records';
import type { QueueConfig } from '../domain/types';
import type { Outbox } from './event-sink';

export function addTransitions(out: Outbox, agentId: string, result: TransitionResult | null): void {
  for (const t of result?.transitions ?? []) {
    out.add('agent.state.changed', {
      agentId,
      from: t.from,
      to: t.to,
      ...(t.reason ? { reason: t.reason.slice(0, 64) } : {}),
      ...(t.callId ? { callId: t.callId } : {}),
    });
  }
}

/**
 * The ring: the reservation id is the command id, so the edge's call.command.completed for this
 * bridge says how this very offer ended (answered, no answer, rejected).
 */
export function bridgeRequest(
  call: CallRecord,
  queue: QueueConfig,
  agentId: string,
  reservationId: string,
): EventData<'call.command.requested'> {
  return {
    commandId: reservationId,
    callId: call.spec.callId,
    requestedBy: 'acd-router',
    queue: { queueId: queue.queueId, priority: call.spec.priority, skills: call.spec.requiredSkills },
    command: { action: 'bridge', target: { type: 'agent', agentId }, ringTimeoutMs: queue.ringTimeoutMs },
  };
}
