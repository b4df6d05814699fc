import type {
  AgentRealtime as WireAgentRealtime,
  AgentState,
  QueueRealtime as WireQueueRealtime,
  WaitingCall,
} from '@hotline/contracts';

// The wire shapes of the Desk API (real-time views from packages/contracts/src/realtime-views.ts,
// the live channels own events). Kept as plain types: the browser trusts its own server's JSON.

export type { AgentState };

/** The contracts' view, with what some servers add for display. */
export interface AgentRealtime extends WireAgentRealtime {
  /** Some servers add a display name; the wallboard falls back to the id. */
  displayName?: string;
}

export interface QueueRealtime extends WireQueueRealtime {
  name?: string;
}

export type { AgentToday, WaitingCall } from '@hotline/contracts';

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
