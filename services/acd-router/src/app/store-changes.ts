// Small reads and writes every part of the ACD makes the same way.

import type { TransitionResult } from '../domain/agent-state-machine';
import type { ConfigSource } from '../domain/ports';
import { waitingScore } from '../domain/queue-order';
import type { AgentRecord, CallRecord } from '../domain/records';
import { type CallSpec, type QueueConfig, defaultQueue } from '../domain/types';

/** The queue's configuration, or the defaults for a queue provisioning does not know (any more). */
export async function queueOf(config: ConfigSource, tenantId: string, queueId: string): Promise<QueueConfig> {
  return (await config.queue(tenantId, queueId)) ?? defaultQueue(tenantId, queueId);
}

/** The agent write of a transition, for AcdStore.commit: none without an agent or a transition. */
export function agentWrite(agent: AgentRecord | null | undefined, result: TransitionResult | null) {
  return agent && result ? [{ before: agent, after: { ...agent, status: result.status } }] : [];
}

/** A call (or callback) entering `queue` to wait: its place from its priorities and age. */
export function waitingRecord(
  spec: CallSpec,
  queue: QueueConfig,
  callerKey?: string,
): Omit<CallRecord, 'version'> {
  return {
    spec,
    state: 'waiting',
    score: waitingScore(spec.priority, queue.priority, spec.enqueuedAt),
    channel: queue.channel,
    excluded: [],
    ...(callerKey ? { callerKey } : {}),
  };
}
