import { z } from 'zod';
import { displayName, documentMeta, resourceId } from './common';
import { roleSchema } from './roles';

const email = () => z.email().max(254).toLowerCase();

/** A person who signs in to the web client. The password is write-only: stored as scrypt. */
export const userInput = z.strictObject({
  email: email(),
  displayName: displayName(),
  roles: z.array(roleSchema).min(1).max(3),
  password: z.string().min(12, 'at least 12 characters').max(256),
  /** The agent this user works as, for users with the agent role. */
  agentId: resourceId().nullable().optional(),
  disabled: z.boolean().default(false),
});

/** On update the password may be left out (kept as it is). */
export const userUpdateInput = userInput.extend({ password: userInput.shape.password.optional() });

export const passwordHashSchema = z.strictObject({
  algorithm: z.literal('scrypt'),
  /** scrypt cost parameters (N, r, p) as used, so they can be raised later. */
  n: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: z.string().min(1),
  hash: z.string().min(1),
});

export const userDocument = z.strictObject({
  ...documentMeta,
  email: z.string(),
  displayName: displayName(),
  roles: z.array(roleSchema),
  agentId: resourceId().nullable(),
  disabled: z.boolean(),
  password: passwordHashSchema,
});

export const userView = userDocument.omit({ password: true });

export type UserInput = z.input<typeof userInput>;
export type User = z.infer<typeof userDocument>;
export type UserView = z.infer<typeof userView>;
export type PasswordHash = z.infer<typeof passwordHashSchema>;
