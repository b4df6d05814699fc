import { z } from 'zod';
import { idSchema } from './envelope';

// F-IVR-6 callbacks after the request (callback.requested, from the IVR): the ACD keeps the request
// in its queue at the caller's place, keeps an agent for it when its turn comes, and asks the SIP
// edge to dial the caller back (call command "originate" on the callback's own call id). These
// events tell reporting, the IVR's callback list and supervisors how each attempt went. Keyed by
// the callback's call id on hotline.queues.v1, after the routing decisions about it.

/** How one dial attempt ended: answered (the caller is then rung through to the kept agent) or not. */
export const callbackAttempted = z.strictObject({
  /** The callback's own call (a new call id, not the call that asked for it). */
  callId: idSchema,
  callbackId: idSchema,
  queueId: idSchema,
  /** 1 for the first dial. */
  attempt: z.number().int().min(1).max(100),
  /** The agent kept for the call while it was dialled. */
  agentId: idSchema,
  result: z.enum(['answered', 'no-answer', 'busy', 'rejected', 'failed']),
  /** When the next attempt may dial (unanswered attempts with attempts left). */
  retryAt: z.iso.datetime({ offset: true }).optional(),
});

/** The callback is over: the caller talked to an agent, could not be reached, or hung up first. */
export const callbackEnded = z.strictObject({
  callId: idSchema,
  callbackId: idSchema,
  queueId: idSchema,
  outcome: z.enum(['connected', 'unreached', 'abandoned']),
  attempts: z.number().int().min(0).max(100),
  agentId: idSchema.optional(),
});
