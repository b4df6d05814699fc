import { z } from 'zod';
import { idSchema } from './envelope';

// Phone numbers and digits are personal data: they travel in events (reporting and screen pop
// need them) but loggers put them under `pii.*` only.
const phoneSchema = z.string().min(1).max(64);

export const callDirectionSchema = z.enum(['inbound', 'outbound', 'internal']);
export const partySchema = z.enum(['caller', 'agent', 'supervisor', 'system', 'ivr', 'external']);

export const callOffered = z.strictObject({
  callId: idSchema,
  legId: idSchema,
  direction: callDirectionSchema,
  ani: phoneSchema,
  dnis: phoneSchema,
  trunk: z.string().max(128).optional(),
  siteId: idSchema,
  hotlineId: idSchema.optional(),
  sipCallId: z.string().max(256).optional(),
});

export const callAnswered = z.strictObject({
  callId: idSchema,
  legId: idSchema,
  answeredBy: z.enum(['ivr', 'agent', 'external']),
  agentId: idSchema.optional(),
});

export const callBridged = z.strictObject({
  callId: idSchema,
  legIds: z.tuple([idSchema, idSchema]),
  agentId: idSchema.optional(),
  queueId: idSchema.optional(),
});

export const callHeld = z.strictObject({
  callId: idSchema,
  legId: idSchema,
  by: partySchema,
});

export const callResumed = callHeld;

export const transferTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('agent'), agentId: idSchema }),
  z.strictObject({ type: z.literal('queue'), queueId: idSchema }),
  z.strictObject({ type: z.literal('flow'), flowId: idSchema }),
  z.strictObject({ type: z.literal('external'), number: phoneSchema }),
]);

export const callTransferred = z.strictObject({
  callId: idSchema,
  kind: z.enum(['blind', 'consultative']),
  fromAgentId: idSchema.optional(),
  target: transferTargetSchema,
});

export const callEnded = z.strictObject({
  callId: idSchema,
  legId: idSchema.optional(),
  cause: z.enum([
    'normal',
    'caller-hangup',
    'agent-hangup',
    'cancelled',
    'rejected',
    'busy',
    'no-answer',
    'timeout',
    'failed',
    'force-released',
  ]),
  by: partySchema,
  sipStatus: z.number().int().min(100).max(699).optional(),
  durationMs: z.number().int().nonnegative(),
});
