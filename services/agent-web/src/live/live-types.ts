import type { AgentState } from '@hotline/contracts';

// The wire shapes of the Desk API (see the session contract: reporting's realtime views and the
// live channel). Kept as plain types: the browser trusts its own server's JSON.

export type { AgentState };

export interface AgentToday {
  calls: number;
  talkMs: number;
  holdMs: number;
  wrapMs: number;
  stateMs: Partial<Record<AgentState, number>>;
}

export interface AgentRealtime {
  agentId: string;
  state: AgentState;
  reason?: string;
  since: string;
  callId?: string;
  queueId?: string;
  today: AgentToday;
  /** Some servers add a display name; the wallboard falls back to the id. */
  displayName?: string;
}

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
  name?: string;
}

export interface WaitingCall {
  callId: string;
  queueId: string;
  joinedAt: string;
  ani: string;
  position: number;
}

export interface Wallboard {
  agents: AgentRealtime[];
  queues: QueueRealtime[];
  waiting: WaitingCall[];
}

export interface CdrSummary {
  callId?: string;
  startedAt?: string;
  endedAt?: string;
  outcome?: string;
  agentId?: string;
  queueId?: string;
  talkMs?: number;
  durationMs?: number;
  disposition?: string;
  [key: string]: unknown;
}

/** The screen pop (reporting's callContext). */
export interface CallContext {
  callId: string;
  ani: string;
  dnis: string;
  hotlineId?: string;
  queueId?: string;
  joinedAt?: string;
  waitMs?: number;
  attached: Record<string, unknown>;
  history: CdrSummary[];
}

export interface OfferEvent {
  reservationId: string;
  callId: string;
  queueId: string;
  ringTimeoutMs: number;
  context: CallContext | null;
}

/** agent.command.rejected: the ACD refused a state change (e.g. a break lock). */
export interface AgentCommandRejected {
  agentId?: string;
  commandId?: string;
  command?: string;
  code?: string;
  message?: string;
  state?: string;
  [key: string]: unknown;
}

export interface CallLiveEvent {
  type: string;
  callId: string;
  [key: string]: unknown;
}

/** agent.reservation.ended: the offer stopped ringing (answered, missed, rejected...). */
export interface OfferEnded {
  agentId: string;
  callId: string;
  reservationId: string;
  outcome: string;
  misses?: number;
}

/** agent.state.changed, pushed at once (reporting's `agent` view follows with the day's figures). */
export interface AgentStateEvent {
  agentId: string;
  from: AgentState;
  to: AgentState;
  reason?: string;
  callId?: string;
  at: string;
}

export type LiveEvent =
  | { kind: 'snapshot'; data: Wallboard }
  | { kind: 'agent'; data: AgentRealtime }
  | { kind: 'agent-state'; data: AgentStateEvent }
  | { kind: 'queue'; data: QueueRealtime }
  | { kind: 'offer'; data: OfferEvent }
  | { kind: 'offer-ended'; data: OfferEnded }
  | { kind: 'agent-command-rejected'; data: AgentCommandRejected }
  | { kind: 'call'; data: CallLiveEvent };

export const liveEventKinds = [
  'snapshot',
  'agent',
  'agent-state',
  'queue',
  'offer',
  'offer-ended',
  'agent-command-rejected',
  'call',
] as const;
