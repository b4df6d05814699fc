import { z } from 'zod';
import { description, displayName, documentMeta } from './common';

/** A routing skill (a language, a product line). Names are unique within a tenant. */
export const skillInput = z.strictObject({
  name: displayName(),
  description: description().default(''),
});

export const skillDocument = z.strictObject({
  ...documentMeta,
  name: displayName(),
  description: description(),
});

export type SkillInput = z.input<typeof skillInput>;
export type Skill = z.infer<typeof skillDocument>;

/** Proficiency 1 (can take overflow) to 5 (expert); routing prefers higher levels. */
export const proficiency = () => z.number().int().min(1).max(5);
