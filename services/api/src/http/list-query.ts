import { z } from 'zod';
import type { ResourceSpec } from '../domain/resource-spec';

export const MAX_PAGE = 100;

/** A list's query string: page size, cursor and the resource's own filters, nothing else. */
export function listQuerySchema(spec: ResourceSpec) {
  const shape: Record<string, z.ZodType> = {
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
    cursor: z.string().min(1).max(512).optional(),
  };
  for (const [name, filter] of Object.entries(spec.filters ?? {})) shape[name] = filter.schema.optional();
  return z.strictObject(shape);
}
