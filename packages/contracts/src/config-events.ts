import { z } from 'zod';
import { idSchema } from './envelope';

/** A tenant's provisioning changed; running services reload the named resource. */
export const configChanged = z.strictObject({
  resource: z.string().min(1).max(64),
  resourceId: idSchema,
  action: z.enum(['created', 'updated', 'deleted']),
  revision: z.number().int().nonnegative(),
});
