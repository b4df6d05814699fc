// What the routing application needs from the outside world. Adapters implement these: live
// state (adapters/live-acd-store.ts), configuration (adapters/config-source.ts), the decision
// store (adapters/decision-store.ts) and the event bus (app/event-sink.ts).

import type { AgentStatus } from './agent-state-machine';
import type { RoutingDecision } from './decision';
import type { AgentRecord, CallRecord, QueueChannel } from './records';
import type { AgentProfile, QueueConfig } from './types';

export type ReserveOutcome =
  | { result: 'ok'; from: string; to: string }
  | {
      result:
        'call-gone' | 'call-taken' | 'call-moved' | 'excluded' | 'agent-busy' | 'agent-gone' | 'stale-agent';
    };

export type EnqueueOutcome =
  | { result: 'ok'; position: number }
  | { result: 'full' }
  | { result: 'exists'; state: string; queueId: string };

export interface ReadyWindow {
  /** How many agents the queue has ready in all. */
  total: number;
  agents: { agentId: string; idleSince: number; lastOffered: number; handled: number }[];
}

export interface WaitingHead {
  queueId: string;
  callId: string;
  score: number;
}

export interface QueueCounts {
  waiting: number;
  agentsLoggedIn: number;
  agentsReady: number;
  /** 1-based position of the asked call, 0 if it is not waiting here. */
  position: number;
  lastServedAt?: number;
  serviceGapMs?: number;
}

/** An agent after a change: the whole record is rewritten. */
export interface AgentWrite {
  before: AgentRecord | null;
  after: { status: AgentStatus; profile: AgentProfile; queues: QueueChannel[] };
}

/** A call after a change; 'ended' leaves a short-lived tombstone so redelivered events find it gone. */
export interface CallWrite {
  before: CallRecord | null;
  after: Omit<CallRecord, 'version'> | 'ended';
}

export interface Change {
  agents?: AgentWrite[];
  calls?: CallWrite[];
}

export type ScheduleMode = 'min' | 'set';

export interface AcdStore {
  readAgents(tenantId: string, agentIds: string[]): Promise<(AgentRecord | null)[]>;
  readCalls(tenantId: string, callIds: string[]): Promise<(CallRecord | null)[]>;
  readAgentAndCall(
    tenantId: string,
    agentId: string,
    callId: string,
  ): Promise<[AgentRecord | null, CallRecord | null]>;
  /** Creates the call waiting in its queue unless it exists; checks the size limit in the same step. */
  enqueue(call: Omit<CallRecord, 'version'>, maxSize?: number): Promise<EnqueueOutcome>;
  /**
   * The atomic reservation (F-ACD-4). A ready agent is left in `offeredState`: "ringing" when the
   * router rings at once, "reserved" (default) when something else must happen first.
   */
  reserve(
    call: CallRecord,
    agent: { agentId: string; queues: QueueChannel[] },
    reservationId: string,
    now: number,
    offeredState?: 'reserved' | 'ringing',
  ): Promise<ReserveOutcome>;
  /** Writes a change if every record is still at the version it was read at. */
  commit(tenantId: string, change: Change): Promise<boolean>;
  readyWindow(tenantId: string, queueId: string, offset: number, count: number): Promise<ReadyWindow>;
  peekWaiting(tenantId: string, queueIds: string[], count: number): Promise<WaitingHead[]>;
  queueCounts(tenantId: string, queueId: string, callId?: string): Promise<QueueCounts>;
  /** Timers shared by all instances (adapters/scripts/claim-due.ts). */
  schedule(item: string, at: number, mode: ScheduleMode): Promise<void>;
  claimDue(now: number, leaseMs: number, limit: number): Promise<{ item: string; lease: number }[]>;
  unscheduleIf(item: string, score: number): Promise<void>;
  /** Drops a timer whatever its time (the thing it watched is over). */
  unschedule(item: string): Promise<void>;
  lastAgent(tenantId: string, callerKey: string): Promise<string | null>;
  /** The caller key of a call, noted when the call was offered (call.offered carries the number). */
  callerKeyOf(tenantId: string, callId: string): Promise<string | null>;
  noteCallerKey(tenantId: string, callId: string, callerKey: string, ttlMs: number): Promise<void>;
  rememberAgent(tenantId: string, callerKey: string, agentId: string, ttlMs: number): Promise<void>;
}

/** Provisioned configuration, as the domain sees it. */
export interface ConfigSource {
  queue(tenantId: string, queueId: string): Promise<QueueConfig | undefined>;
  agent(tenantId: string, agentId: string): Promise<AgentProfile | undefined>;
  /** The tenant's not-ready reason codes; empty accepts any. */
  reasonCodes(tenantId: string): Promise<readonly string[]>;
}

/** Where explained decisions go (adapters/decision-store.ts). */
export interface DecisionLog {
  record(decision: RoutingDecision): void;
  /** Resolves once everything recorded so far is stored. */
  flush(): Promise<void>;
}
