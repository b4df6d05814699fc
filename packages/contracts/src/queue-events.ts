import { z } from 'zod';
import { idSchema } from './envelope';

export const requiredSkillSchema = z.strictObject({
  skill: idSchema,
  minLevel: z.number().int().min(1).max(5),
});

export const queueJoined = z.strictObject({
  callId: idSchema,
  queueId: idSchema,
  priority: z.number().int().min(0).max(100),
  skills: z.array(requiredSkillSchema).max(32),
  position: z.number().int().positive(),
  attached: z.record(z.string(), z.string()).optional(),
});

export const queueLeft = z.strictObject({
  callId: idSchema,
  queueId: idSchema,
  reason: z.enum(['reserved', 'overflow', 'max-wait', 'transfer', 'callback']),
  waitMs: z.number().int().nonnegative(),
  overflowTo: idSchema.optional(),
});

export const queueAbandoned = z.strictObject({
  callId: idSchema,
  queueId: idSchema,
  waitMs: z.number().int().nonnegative(),
  position: z.number().int().positive().optional(),
});
