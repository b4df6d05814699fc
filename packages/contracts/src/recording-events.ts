import { z } from 'zod';
import { idSchema } from './envelope';

export const recordingStarted = z.strictObject({
  callId: idSchema,
  recordingId: idSchema,
  trigger: z.enum(['policy', 'on-demand', 'supervisor', 'voicemail']),
});

export const recordingStopped = z.strictObject({
  callId: idSchema,
  recordingId: idSchema,
  reason: z.enum(['call-ended', 'on-demand', 'supervisor', 'error']),
  durationMs: z.number().int().nonnegative(),
});

export const recordingPaused = z.strictObject({
  callId: idSchema,
  recordingId: idSchema,
  paused: z.boolean(),
});
