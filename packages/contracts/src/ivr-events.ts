import { z } from 'zod';
import { idSchema } from './envelope';

export const ivrNodeEntered = z.strictObject({
  callId: idSchema,
  flowId: idSchema,
  flowVersion: z.number().int().positive(),
  nodeId: idSchema,
  nodeType: z.string().min(1).max(64),
});

export const ivrInputCollected = z.strictObject({
  callId: idSchema,
  flowId: idSchema,
  nodeId: idSchema,
  digits: z.string().max(64),
  outcome: z.enum(['match', 'no-match', 'timeout']),
  attempt: z.number().int().positive(),
});
