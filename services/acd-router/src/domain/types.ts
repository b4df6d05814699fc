// The ACD's own vocabulary. Provisioning documents are mapped into these once (adapters/
// provisioning-mapping.ts), so routing never depends on how the API stores a queue or an agent.

import type { AgentState } from '@hotline/contracts';

export type { AgentState };

/** How the agents that match a target are put in order. */
export const orderings = [
  'longest-idle',
  'fewest-calls',
  'highest-proficiency',
  'round-robin',
  'random',
] as const;
export type Ordering = (typeof orderings)[number];

/**
 * One step of a queue's routing rules (the TaskRouter workflow model). From the moment the previous
 * targets' timeouts have run out, agents matching `expression` become eligible too: targets widen
 * the search, they never narrow it, and an earlier target's agents are still preferred.
 */
export interface RoutingTarget {
  /** A target expression (see expression-parser.ts), e.g. `skills.spanish >= 3 && site == "fra"`. */
  expression: string;
  ordering: Ordering;
  /** How long this target is tried alone before the next one joins in; absent on the last. */
  timeoutMs?: number;
  /** For highest-proficiency: the skill to rank by; default the first skill the expression names. */
  rankSkill?: string;
}

export type OverflowDestination = { kind: 'queue'; queueId: string } | { kind: 'site'; siteId: string };

/** When a waiting call leaves for another queue or site instead of waiting on. */
export type OverflowTrigger =
  { kind: 'wait'; afterMs: number } | { kind: 'queue-size'; atLeast: number } | { kind: 'no-agents' };

export interface OverflowRule {
  trigger: OverflowTrigger;
  to: OverflowDestination;
}

/** Asterisk's joinempty / leavewhenempty: what "nobody can take this call" means for a queue. */
export type EmptyRule = 'never' | 'no-agents-logged-in' | 'no-agents-ready';

export interface QueueConfig {
  tenantId: string;
  queueId: string;
  /** Media type the queue routes; agents have a capacity per channel. */
  channel: string;
  /** 1–10, higher first: breaks ties between calls of equal call priority across queues. */
  priority: number;
  targets: RoutingTarget[];
  /** Sticky (known) agent: how long a call waits for the agent who last served its caller. */
  sticky?: { timeoutMs: number };
  maxWaitMs?: number;
  maxSize?: number;
  /** Refuse a call at join when this holds (default never). */
  joinWhenEmpty: EmptyRule;
  /** Take waiting calls out when this holds (default never). */
  leaveWhenEmpty: EmptyRule;
  overflow: OverflowRule[];
  wrapUpMs: number;
  /** How much an agent may extend a wrap-up in total. */
  maxWrapUpExtensionMs: number;
  ringTimeoutMs: number;
  /** Consecutive missed offers (no answer, reject) after which the agent goes not-ready. */
  maxMisses: number;
  /** Average handle time to estimate waits with before the queue has served anyone. */
  defaultHandleMs: number;
  /** How often a waiting caller's position is republished at most; 0: only at join. */
  positionEveryMs: number;
}

export type AttributeValue = string | number | boolean | string[];

/** What routing knows of an agent: provisioned, changed only by configuration. */
export interface AgentProfile {
  tenantId: string;
  agentId: string;
  /** Proficiency 1–5 per skill id. */
  skills: Record<string, number>;
  /** Free attributes for expressions: site, team, languages... `site` is always set. */
  attributes: Record<string, AttributeValue>;
  queueIds: string[];
  /** Interactions the agent may hold at once, per channel (voice is 1). */
  capacity: Record<string, number>;
  /** An inactive agent cannot log in. */
  active: boolean;
}

/** The waiting call as routing sees it: fixed at join (and at overflow into another queue). */
export interface CallSpec {
  tenantId: string;
  callId: string;
  queueId: string;
  /** 0–100 from the IVR, higher first. */
  priority: number;
  requiredSkills: { skill: string; minLevel: number }[];
  attached: Record<string, string>;
  /** When the call first joined any queue: age carries over on overflow, as TaskRouter's task age. */
  enqueuedAt: number;
  /** When the call joined this queue: targets and overflow timers count from here. */
  queueJoinedAt: number;
  /** The agent the call waits for first, and until when. */
  stickyAgentId?: string;
  stickyUntil?: number;
  /**
   * The call's W3C trace (from queue.joined): what the ACD publishes about this call joins it,
   * even when another call's event or a timer set it off (an agent freed by one call takes the next).
   */
  traceparent?: string;
  /** Set when the entry is a callback (F-IVR-6): a caller to dial back, not a caller on the line. */
  callback?: CallbackSpec;
}

/**
 * A callback's own part of its entry: whom to dial, and how far the dialling got. The entry keeps
 * the place its caller had (enqueuedAt is when that caller first queued).
 */
export interface CallbackSpec {
  callbackId: string;
  number: string;
  /** What the called party sees as caller. */
  callerId?: string;
  /** The call that asked for the callback. */
  originCallId: string;
  /** The dial attempt under way or next (1 for the first). */
  attempt: number;
  /** The caller answered a dial: from then on the entry is routed like a caller on the line. */
  dialled: boolean;
  /** After an unanswered attempt: no agent is kept for the entry before this time. */
  notBefore?: number;
}

export const defaultQueue = (tenantId: string, queueId: string): QueueConfig => ({
  tenantId,
  queueId,
  channel: 'voice',
  priority: 5,
  targets: [{ expression: 'meets_required()', ordering: 'longest-idle' }],
  joinWhenEmpty: 'never',
  leaveWhenEmpty: 'never',
  overflow: [],
  wrapUpMs: 0,
  maxWrapUpExtensionMs: 300_000,
  ringTimeoutMs: 20_000,
  maxMisses: 1,
  defaultHandleMs: 180_000,
  positionEveryMs: 0,
});
