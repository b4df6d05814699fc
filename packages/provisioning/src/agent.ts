import { z } from 'zod';
import { displayName, documentMeta, resourceId } from './common';
import { proficiency } from './skill';

/** SIP user part (RFC 3261 "user" token, restricted to what softphones type without escaping). */
export const sipUsername = () =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits and . _ -, up to 64');

export const agentSkill = z.strictObject({
  skillId: resourceId(),
  proficiency: proficiency(),
});

const uniqueBy =
  <T>(key: (t: T) => string) =>
  (items: T[]) =>
    new Set(items.map(key)).size === items.length;

const agentFields = {
  displayName: displayName(),
  /** Internal extension other agents dial. */
  extension: z
    .string()
    .regex(/^\d{2,8}$/, '2 to 8 digits')
    .nullable()
    .optional(),
  skills: z
    .array(agentSkill)
    .max(50)
    .refine(
      uniqueBy((s: AgentSkill) => s.skillId),
      'each skill at most once',
    )
    .default([]),
  siteId: resourceId(),
  /** Interactions (calls, chats) the agent may hold at once; voice routing uses 1. */
  maxConcurrentInteractions: z.number().int().min(1).max(10).default(1),
  queueIds: z
    .array(resourceId())
    .max(100)
    .refine(
      uniqueBy((q: string) => q),
      'each queue at most once',
    )
    .default([]),
  active: z.boolean().default(true),
};

/** The softphone's SIP account. The password is write-only: only its HA1 is stored. */
export const agentSipInput = z.strictObject({
  username: sipUsername(),
  password: z.string().min(12, 'at least 12 characters').max(128),
});

export const agentInput = z.strictObject({
  ...agentFields,
  sip: agentSipInput,
});

/** On update the SIP password may be left out if the username stays the same. */
export const agentUpdateInput = z.strictObject({
  ...agentFields,
  sip: agentSipInput.extend({ password: agentSipInput.shape.password.optional() }),
});

export const agentSipCredentials = z.strictObject({
  username: sipUsername(),
  realm: z.string(),
  /** MD5(username:realm:password), hex: what Kamailio's auth_db compares against. */
  ha1: z.string().regex(/^[0-9a-f]{32}$/),
});

export const agentDocument = z.strictObject({
  ...documentMeta,
  displayName: displayName(),
  extension: z.string().nullable(),
  skills: z.array(agentSkill),
  siteId: resourceId(),
  maxConcurrentInteractions: z.number().int().min(1).max(10),
  queueIds: z.array(resourceId()),
  active: z.boolean(),
  sip: agentSipCredentials,
});

/** The API shows the SIP username and realm, never the HA1 (it is as good as the password). */
export const agentView = agentDocument.extend({
  sip: agentSipCredentials.omit({ ha1: true }),
});

export type AgentInput = z.input<typeof agentInput>;
export type Agent = z.infer<typeof agentDocument>;
export type AgentView = z.infer<typeof agentView>;
export type AgentSkill = z.infer<typeof agentSkill>;
