import { z } from 'zod';
import { idSchema } from './envelope';

export const agentStates = [
  'logged-out',
  'ready',
  'not-ready',
  'break',
  'reserved',
  'ringing',
  'on-call',
  'on-hold',
  'wrap-up',
] as const;
export const agentStateSchema = z.enum(agentStates);
export type AgentState = z.infer<typeof agentStateSchema>;

export const agentReserved = z.strictObject({
  agentId: idSchema,
  callId: idSchema,
  queueId: idSchema,
  reservationId: idSchema,
  decisionId: idSchema,
  ringTimeoutMs: z.number().int().positive(),
});

export const agentStateChanged = z.strictObject({
  agentId: idSchema,
  from: agentStateSchema,
  to: agentStateSchema,
  reason: z.string().max(64).optional(),
  callId: idSchema.optional(),
});
