import type { AgentState } from '@hotline/contracts';

// The records reporting keeps. Every one is a pure function of the stored events (ordered by
// occurredAt, then event id), so replaying the topics from the start rebuilds the same values.
// Times are ISO-8601 UTC strings taken from events' occurredAt; durations are whole seconds
// (rounded) in CDRs and milliseconds inside interval arithmetic.

export type { AgentState };

/** How a call's stay in one queue ended. */
export type QueueOutcome =
  'waiting' | 'answered' | 'abandoned' | 'overflow' | 'max-wait' | 'transfer' | 'callback' | 'rejected';

export interface QueueLeg {
  queueId: string;
  joinedAt: string;
  leftAt: string | null;
  /** Joined to left (or to the call's end); 0 while still waiting. */
  waitMs: number;
  waitSec: number;
  outcome: QueueOutcome;
  /** The agent who answered from this queue. */
  agentId?: string;
  overflowTo?: string;
  position?: number;
  priority?: number;
}

export type OfferOutcome =
  'ringing' | 'answered' | 'no-answer' | 'rejected' | 'failed' | 'timeout' | 'call-gone';

/** One offer (reservation) of the call to an agent: ringing until answered or given up. */
export interface OfferLeg {
  agentId: string;
  queueId: string | null;
  reservationId: string;
  offeredAt: string;
  endedAt: string | null;
  outcome: OfferOutcome;
  ringSec: number;
}

/** An agent's part of the call, from answer to transfer or hang-up. */
export interface AgentLeg {
  agentId: string;
  queueId: string | null;
  answeredAt: string;
  endedAt: string | null;
  /** Connected time minus hold time. */
  talkSec: number;
  holdSec: number;
  holds: number;
  endedBy: 'transfer' | 'hangup' | null;
}

export interface TransferRecord {
  at: string;
  kind: 'blind' | 'consultative';
  fromAgentId: string | null;
  targetType: 'agent' | 'queue' | 'flow' | 'external';
  /** The agent, queue or flow id, or the external number. */
  target: string;
}

export interface RecordingRef {
  recordingId: string;
  trigger: string | null;
  startedAt: string | null;
  stoppedAt: string | null;
  durationSec: number | null;
}

export interface IvrStep {
  at: string;
  flowId: string;
  nodeId: string;
  nodeType: string;
}

export interface IvrInput {
  at: string;
  nodeId: string;
  digits: string;
  outcome: string;
  attempt: number;
}

export interface SurveyScore {
  at: string;
  surveyId: string;
  score: number;
}

/**
 * What became of the call, once ended: an agent answered it, it left a voicemail or a callback
 * request, the caller gave up in a queue, a queue refused it, the IVR served it alone, or it was
 * never answered at all (busy, failed, cancelled).
 */
export type CallOutcome =
  'active' | 'answered' | 'voicemail' | 'callback' | 'abandoned' | 'rejected' | 'ivr' | 'unanswered';

export interface CallDetailRecord {
  tenantId: string;
  callId: string;
  direction: string | null;
  ani: string | null;
  dnis: string | null;
  trunk: string | null;
  siteId: string | null;
  hotlineId: string | null;
  startedAt: string;
  /** First answer by anyone (IVR or agent). */
  answeredAt: string | null;
  /** First answer by an agent. */
  agentAnsweredAt: string | null;
  endedAt: string | null;
  status: 'active' | 'ended';
  outcome: CallOutcome;
  endCause: string | null;
  endedBy: string | null;
  sipStatus: number | null;
  durationSec: number;
  ivrSec: number;
  waitSec: number;
  ringSec: number;
  talkSec: number;
  holdSec: number;
  ivr: { path: IvrStep[]; inputs: IvrInput[] };
  /** Data the IVR collected and attached when queueing (CRM fields, menu choices). */
  attached: Record<string, string>;
  queues: QueueLeg[];
  offers: OfferLeg[];
  agentLegs: AgentLeg[];
  transfers: TransferRecord[];
  recordings: RecordingRef[];
  surveys: SurveyScore[];
  voicemail: { recordingId: string; mailbox: string; durationSec: number } | null;
  callback: { callbackId: string; queueId: string } | null;
  /** Every queue and agent the call touched, for filtering. */
  queueIds: string[];
  agentIds: string[];
  eventCount: number;
  lastEventAt: string;
}

/** One stretch of an agent in one state. */
export interface StateSegment {
  state: AgentState;
  from: string;
  /** Null while the agent is still in this state (the latest segment). */
  to: string | null;
  reason?: string;
  callId?: string;
  queueId?: string;
}

/** An agent's UTC day, folded from its state changes and offers. */
export interface AgentDay {
  tenantId: string;
  agentId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  segments: StateSegment[];
  /** Calls the agent went on-call for (distinct call ids). */
  calls: number;
  offers: number;
  missed: number;
  current: { state: AgentState; since: string; reason?: string; callId?: string; queueId?: string } | null;
  eventCount: number;
  lastEventAt: string;
}

/** An agent's day without its segments: what real-time figures need, and what heads a stored day. */
export interface AgentDaySummary extends Omit<AgentDay, 'segments'> {
  /** Milliseconds per state of the day's closed segments (every one but the current). */
  closedMs: Record<AgentState, number>;
  segmentCount: number;
}

export type IntervalSize = '15m' | 'day';

export interface IntervalRow {
  size: IntervalSize;
  start: string;
  end: string;
  dimension: 'queue' | 'agent';
  queueId: string | null;
  agentId: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  answeredInSl: number;
  asaSec: number | null;
  ahtSec: number | null;
  abandonRatePct: number | null;
  serviceLevelPct: number | null;
  slThresholdSec: number | null;
  occupancyPct: number | null;
  transfers: number;
  surveys: number;
  avgSurveyScore: number | null;
  talkSec: number;
  holdSec: number;
  wrapSec: number;
}
