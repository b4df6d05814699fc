// Builders shared by the domain's unit tests (not used by production code).
import { type AgentProfile, type CallSpec, type QueueConfig, defaultQueue } from './types';

export const t0 = Date.UTC(2025, 5, 1, 9, 0, 0);

export function queueOf(over: Partial<QueueConfig> = {}): QueueConfig {
  return { ...defaultQueue('t1', 'q1'), ...over };
}

export function profileOf(
  agentId: string,
  skills: Record<string, number> = {},
  over: Partial<AgentProfile> = {},
): AgentProfile {
  return {
    tenantId: 't1',
    agentId,
    skills,
    attributes: { site: 'fra' },
    queueIds: ['q1'],
    capacity: { voice: 1 },
    active: true,
    ...over,
  };
}

export function callOf(over: Partial<CallSpec> = {}): CallSpec {
  return {
    tenantId: 't1',
    callId: 'c1',
    queueId: 'q1',
    priority: 0,
    requiredSkills: [],
    attached: {},
    enqueuedAt: t0,
    queueJoinedAt: t0,
    ...over,
  };
}
