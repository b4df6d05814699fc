import { z } from 'zod';
import { description, displayName, documentMeta } from './common';

/** What an agent records at the end of an interaction ("resolved", "callback-promised"). */
export const dispositionCodeInput = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits and . _ -, up to 64'),
  label: displayName(),
  description: description().default(''),
  requiresNote: z.boolean().default(false),
  active: z.boolean().default(true),
});

export const dispositionCodeDocument = z.strictObject({
  ...documentMeta,
  code: z.string(),
  label: displayName(),
  description: description(),
  requiresNote: z.boolean(),
  active: z.boolean(),
});

export type DispositionCodeInput = z.input<typeof dispositionCodeInput>;
export type DispositionCode = z.infer<typeof dispositionCodeDocument>;
