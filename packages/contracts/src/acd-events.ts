import { z } from 'zod';
import { idSchema } from './envelope';

// The ACD's own events beyond agent.reserved / agent.state.changed / queue.left: agent state
// requests from desktops and supervisors and their refusals, how each offer to an agent ended,
// a summary of every explained routing decision, caller position updates for announcements, and
// calls a queue would not keep.

export const agentCommandKinds = [
  'login',
  'logout',
  'ready',
  'not-ready',
  'break',
  'extend-wrap-up',
] as const;

/** An agent (or a supervisor, F-SV-4) asks for a state change; the ACD applies or rejects it. */
export const agentCommandRequested = z.strictObject({
  commandId: idSchema,
  agentId: idSchema,
  command: z.enum(agentCommandKinds),
  by: z.enum(['agent', 'supervisor', 'system']).default('agent'),
  /** not-ready: the tenant's reason code; break: an optional label. */
  reason: z.string().min(1).max(64).optional(),
  /** login: go straight to ready (default: not-ready). */
  ready: z.boolean().optional(),
  /** break: the agent cannot end it before this many ms (only a supervisor can). */
  lockMs: z.number().int().positive().max(86_400_000).optional(),
  /** extend-wrap-up: how much longer. */
  extendMs: z.number().int().positive().max(3_600_000).optional(),
});

/** A state change the ACD refused, with why: the desktop shows `message`. */
export const agentCommandRejected = z.strictObject({
  commandId: idSchema,
  agentId: idSchema,
  command: z.enum(agentCommandKinds),
  code: z.string().min(1).max(64),
  message: z.string().max(500),
  state: z.string().max(32),
});

/** How an offer (reservation) to an agent ended. */
export const agentReservationEnded = z.strictObject({
  agentId: idSchema,
  callId: idSchema,
  reservationId: idSchema,
  outcome: z.enum(['answered', 'no-answer', 'rejected', 'failed', 'timeout', 'call-gone']),
  /** Consecutive offers the agent has missed, after this one. */
  misses: z.number().int().nonnegative(),
});

/** A summary of one explained routing decision; the full record is kept per call by the ACD. */
export const routingDecisionMade = z.strictObject({
  decisionId: idSchema,
  callId: idSchema,
  queueId: idSchema,
  trigger: z.enum(['joined', 'timer', 'agent-available', 'requeued', 'overflowed']),
  outcome: z.enum(['reserved', 'no-agent', 'lost-race', 'overflow', 'max-wait', 'left-empty', 'refused']),
  agentId: idSchema.optional(),
  matchedTarget: z.number().int().min(-1).optional(),
  relaxed: z.boolean(),
  candidates: z.number().int().nonnegative(),
  waitMs: z.number().int().nonnegative(),
});

/** Where a waiting caller stands, for position and estimated-wait announcements (F-ACD-1). */
export const queuePositionChanged = z.strictObject({
  callId: idSchema,
  queueId: idSchema,
  position: z.number().int().positive(),
  /** Absent when there is nothing to estimate from (no agents, no history). */
  estimatedWaitMs: z.number().int().nonnegative().optional(),
});

/** The queue did not keep the call: it refused it at join, or emptied while it waited. */
export const queueRejected = z.strictObject({
  callId: idSchema,
  queueId: idSchema,
  reason: z.enum(['queue-full', 'no-agents', 'unknown-queue', 'left-empty']),
  waitMs: z.number().int().nonnegative(),
});
