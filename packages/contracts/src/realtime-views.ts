import type { AgentState } from './agent-events';

// The real-time views reporting computes and the desk serves and pushes: one shape for the
// producer (services/reporting), the API's desk and live channel, and the browser client.

/** One queue now: today's counters (UTC day) and who is waiting. */
export interface QueueRealtime {
  queueId: string;
  waiting: number;
  /** Now minus the oldest waiting call's join time. */
  longestWaitMs: number;
  oldestJoinedAt: string | null;
  answered: number;
  abandoned: number;
  offered: number;
  serviceLevelPct: number | null;
  slThresholdSec: number;
  agentsByState: Partial<Record<AgentState, number>>;
  /** The latest event time behind these figures (not the wall clock: replays give the same). */
  updatedAt: string;
}

/** What an agent did today so far. */
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

/** A caller waiting in a queue. */
export interface WaitingCall {
  callId: string;
  queueId: string;
  joinedAt: string;
  ani: string | null;
  position: number;
}

/** A real-time push on `realtimeChannel(tenantId)`: reporting publishes one after each change. */
export type RealtimePush = { kind: 'queue'; queue: QueueRealtime } | { kind: 'agent'; agent: AgentRealtime };

/** The live-state pub/sub channel of a tenant's real-time pushes. */
export const realtimeChannel = (tenantId: string): string => `hotline:rt:${tenantId}`;
