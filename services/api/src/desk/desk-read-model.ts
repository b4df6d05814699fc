import type { AgentState } from '@hotline/contracts';

// What the desk reads from reporting (services/reporting's createReportingQueries, contract in
// the session's desk brief). The API depends on this shape only, so it runs (with empty views)
// before reporting is wired, and tests can hand in the real queries or a fixed set.

/** One queue now: today's counters (UTC day) and who is waiting. */
export interface QueueRealtime {
  queueId: string;
  waiting: number;
  longestWaitMs: number;
  oldestJoinedAt: string | null;
  answered: number;
  abandoned: number;
  offered: number;
  serviceLevelPct: number | null;
  slThresholdSec: number;
  agentsByState: Partial<Record<AgentState, number>>;
  updatedAt: string;
}

export interface AgentToday {
  calls: number;
  talkMs: number;
  holdMs: number;
  wrapMs: number;
  stateMs: Partial<Record<AgentState, number>>;
}

/** One agent now, and its day so far. */
export interface AgentRealtime {
  agentId: string;
  state: AgentState;
  reason?: string;
  since: string;
  callId?: string;
  queueId?: string;
  today: AgentToday;
}

export interface WaitingCall {
  callId: string;
  queueId: string;
  joinedAt: string;
  ani: string | null;
  position: number;
}

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

/** A realtime push on `hotline:rt:<tenantId>`: reporting publishes one after each change. */
export type RealtimePush = { kind: 'queue'; queue: QueueRealtime } | { kind: 'agent'; agent: AgentRealtime };

export const realtimeChannel = (tenantId: string) => `hotline:rt:${tenantId}`;

/** Until reporting is wired: nothing known, every view empty. */
export const emptyReadModel: DeskReadModel = {
  realtimeQueues: async () => [],
  realtimeAgents: async () => [],
  waitingCalls: async () => [],
  callContext: async () => null,
};

export const zeroToday = (): AgentToday => ({ calls: 0, talkMs: 0, holdMs: 0, wrapMs: 0, stateMs: {} });
