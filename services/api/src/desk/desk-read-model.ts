import type { AgentRealtime, AgentToday, QueueRealtime, WaitingCall } from '@hotline/contracts';

export {
  realtimeChannel,
  type AgentRealtime,
  type AgentToday,
  type QueueRealtime,
  type RealtimePush,
  type WaitingCall,
} from '@hotline/contracts';

// What the desk reads from reporting (services/reporting's createReportingQueries; the views are
// in packages/contracts). The API depends on this shape only, so it runs (with empty views)
// before reporting is wired, and tests can hand in the real queries or a fixed set.

/** The screen pop: who calls, what they told the IVR, and their last calls. */
export interface CallContextView {
  callId: string;
  ani: string | null;
  dnis: string | null;
  hotlineId?: string;
  queueId?: string;
  joinedAt?: string;
  waitMs?: number;
  attached: Record<string, unknown>;
  history: unknown[];
}

export interface DeskReadModel {
  realtimeQueues(tenantId: string): Promise<QueueRealtime[]>;
  realtimeAgents(tenantId: string): Promise<AgentRealtime[]>;
  /** One agent, when the read model can answer it without listing the tenant. */
  realtimeAgent?(tenantId: string, agentId: string): Promise<AgentRealtime | null>;
  waitingCalls(tenantId: string, queueId?: string): Promise<WaitingCall[]>;
  callContext(tenantId: string, callId: string): Promise<CallContextView | null>;
}

/** Until reporting is wired: nothing known, every view empty. */
export const emptyReadModel: DeskReadModel = {
  realtimeQueues: async () => [],
  realtimeAgents: async () => [],
  waitingCalls: async () => [],
  callContext: async () => null,
};

export const zeroToday = (): AgentToday => ({ calls: 0, talkMs: 0, holdMs: 0, wrapMs: 0, stateMs: {} });
