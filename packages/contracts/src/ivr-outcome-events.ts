import { z } from 'zod';
import { idSchema } from './envelope';
import { requiredSkillSchema } from './queue-events';

// What a caller left behind in the IVR, kept with the call (keyed by call id on hotline.ivr.v1)
// so reporting and the agent's contact history see it next to the call's other events.

/** F-IVR-6: a post-call survey answer, a key from 1 to 5. */
export const surveyAnswered = z.strictObject({
  callId: idSchema,
  flowId: idSchema,
  nodeId: idSchema,
  surveyId: idSchema,
  score: z.number().int().min(1).max(5),
});

/** F-IVR-6: a voicemail, recorded by the SIP edge on the IVR's record command. */
export const voicemailRecorded = z.strictObject({
  callId: idSchema,
  recordingId: idSchema,
  mailbox: idSchema,
  flowId: idSchema,
  durationMs: z.number().int().nonnegative(),
  /** How it ended: "#", the length limit, or the caller hanging up. */
  endedBy: z.enum(['key', 'max-length', 'hangup']),
});

/**
 * F-IVR-6: the caller asked to be called back instead of waiting. `placeSince` is when the caller
 * arrived, so the callback keeps the caller's place in the queue's order.
 */
export const callbackRequested = z.strictObject({
  callId: idSchema,
  callbackId: idSchema,
  queueId: idSchema,
  number: z.string().min(1).max(64),
  priority: z.number().int().min(0).max(100),
  skills: z.array(requiredSkillSchema).max(32),
  placeSince: z.iso.datetime({ offset: true }),
  /** The number the caller dialled: what the caller sees when called back. */
  callerId: z.string().min(1).max(64).optional(),
});
