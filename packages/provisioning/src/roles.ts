import { z } from 'zod';

/**
 * Roles within a tenant. A tenant admin provisions everything; a supervisor steers agents and
 * queues and reads configuration; an agent reads what its desktop needs.
 */
export const roles = ['tenant-admin', 'supervisor', 'agent'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;
