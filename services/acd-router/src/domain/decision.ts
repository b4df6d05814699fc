// An explained routing decision (the "why did this call go to that agent" record). One is made
// every time the router looks for an agent for a call, or a call for a freed agent, and either
// reserves or finds nobody; plus one for each thing the queue did to the call on its own
// (overflow, max wait, leave when empty). Kept in the document store per call (decision-store.ts).

import type { ExclusionReason } from './candidate-selection';

export type DecisionTrigger = 'joined' | 'timer' | 'agent-available' | 'requeued' | 'overflowed';

export type DecisionOutcome =
  'reserved' | 'no-agent' | 'lost-race' | 'overflow' | 'max-wait' | 'left-empty' | 'refused';

export interface CandidateRecord {
  agentId: string;
  /** Index of the target the agent matched (-1: the sticky agent), when it matched one. */
  target?: number;
  excluded?: ExclusionReason;
  detail?: string;
  /** What the reservation step answered when this agent was tried. */
  attempt?: string;
}

export interface TargetRecord {
  index: number;
  expression: string;
  ordering: string;
  /** When it opened, relative to the call joining the queue (ms). */
  openedAfterMs: number;
  matched: number;
}

export interface RoutingDecision {
  decisionId: string;
  tenantId: string;
  callId: string;
  queueId: string;
  /** ms since epoch. */
  at: number;
  /** Which router instance decided. */
  instance: string;
  trigger: DecisionTrigger;
  waitMs: number;
  stage: 'sticky' | 'targets';
  stickyAgentId?: string;
  /** The targets open at decision time, the widest last. */
  targets: TargetRecord[];
  /** Whether relaxation had widened the search beyond the first target. */
  relaxed: boolean;
  matchedTarget?: number;
  /** Ready agents considered (at most `candidateLimit` are listed). */
  candidates: CandidateRecord[];
  candidatesTotal: number;
  /** How many ready agents the queue had, of which `candidatesTotal` were looked at. */
  readyInQueue: number;
  outcome: DecisionOutcome;
  agentId?: string;
  reservationId?: string;
  /** For outcomes that are not reservations: where the call went, or why. */
  note?: string;
}

export const candidateLimit = 50;
