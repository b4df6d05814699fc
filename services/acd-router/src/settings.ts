import { z } from 'zod';

/** HOTLINE_ACD_*: the acd-router's own settings, checked with the process settings at start. */
export const acdSettings = z.object({
  /** How often an instance looks for due timers (relaxation, overflow, wrap-up, ring timeouts). */
  HOTLINE_ACD_TICK_MS: z.coerce.number().int().min(10).max(10_000).default(200),
  /** A waiting call is looked at again at least this often, whatever happens. */
  HOTLINE_ACD_RETRY_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  /** How long the edge rings a caller being called back (F-IVR-6). */
  HOTLINE_ACD_CALLBACK_RING_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** Dials of a callback before it ends unreached. */
  HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Wait after an unanswered callback dial before the next one. */
  HOTLINE_ACD_CALLBACK_RETRY_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
});

export type AcdSettings = z.infer<typeof acdSettings>;
