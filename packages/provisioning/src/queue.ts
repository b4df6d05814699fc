import { z } from 'zod';
import { description, displayName, documentMeta, resourceId } from './common';
import { proficiency } from './skill';

export const routingStrategies = [
  'longest-idle',
  'most-skilled',
  'fewest-interactions',
  'round-robin',
] as const;

/** One skill an agent must have, at least at this level. */
export const skillRequirement = z.strictObject({
  skillId: resourceId(),
  minProficiency: proficiency().default(1),
});

/**
 * One step of skill relaxation (F-ACD-3): from `afterSeconds` of waiting on, agents matching this
 * expression are eligible. An expression is a conjunction: every skill requirement holds and, if
 * `siteIds` is not empty, the agent is at one of those sites. Targets are ordered by
 * `afterSeconds`, the first at 0; a later target usually asks for less.
 */
export const routingTarget = z.strictObject({
  afterSeconds: z.number().int().min(0).max(86_400),
  requirements: z.array(skillRequirement).max(20).default([]),
  siteIds: z.array(resourceId()).max(50).default([]),
});

export const overflowTriggers = ['max-wait', 'queue-full', 'no-agents', 'closed'] as const;

export const overflowTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('queue'), queueId: resourceId() }),
  z.strictObject({ kind: z.literal('site'), siteId: resourceId() }),
]);

/** Where a call goes when one of `triggers` fires instead of being dropped. */
export const queueOverflow = z.strictObject({
  triggers: z
    .array(z.enum(overflowTriggers))
    .min(1)
    .refine((t) => new Set(t).size === t.length, 'each trigger at most once'),
  target: overflowTarget,
});

export const queueAnnouncements = z.strictObject({
  /** Played once on entry. */
  welcomePromptId: resourceId().nullable().default(null),
  /** Tell callers their position every N seconds; 0 never. */
  positionEverySeconds: z.number().int().min(0).max(3600).default(0),
  /** Add the estimated wait to the position announcement. */
  estimatedWait: z.boolean().default(false),
});

const queueFields = {
  name: displayName(),
  description: description().default(''),
  strategy: z.enum(routingStrategies).default('longest-idle'),
  /** Prefer the agent who last served this caller when free (F-ACD-2 sticky). */
  stickyAgent: z.boolean().default(false),
  targets: z
    .array(routingTarget)
    .min(1)
    .max(10)
    .refine((t) => t[0]?.afterSeconds === 0, 'the first target applies at 0 seconds')
    .refine(
      (t) => t.every((x, i) => i === 0 || x.afterSeconds > (t[i - 1]?.afterSeconds ?? -1)),
      'targets are ordered by afterSeconds, strictly increasing',
    ),
  /** Higher is served first when agents are shared between queues (1–10). */
  priority: z.number().int().min(1).max(10).default(5),
  maxWaitSeconds: z.number().int().min(1).max(86_400).default(600),
  maxSize: z.number().int().min(1).max(100_000).default(100),
  overflow: queueOverflow.nullable().default(null),
  /** After-call work before the agent is offered again (F-AG-1). */
  wrapUpSeconds: z.number().int().min(0).max(3600).default(0),
  musicOnHoldPromptId: resourceId().nullable().default(null),
  announcements: queueAnnouncements.default({
    welcomePromptId: null,
    positionEverySeconds: 0,
    estimatedWait: false,
  }),
  /** Service level counts calls answered within this many seconds (F-REP-2: 15 s or 20 s). */
  serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
  /** How long one agent rings before ring-no-answer (F-ACD-5). */
  ringTimeoutSeconds: z.number().int().min(5).max(120).default(20),
  /** Consecutive unanswered offers after which an agent is made not-ready (F-ACD-5). */
  ringNoAnswerMaxMisses: z.number().int().min(1).max(10).default(1),
  /** Opening hours; when closed, the `closed` overflow trigger fires. */
  calendarId: resourceId().nullable().default(null),
};

export const queueInput = z.strictObject(queueFields);

export const queueDocument = z.strictObject({
  ...documentMeta,
  ...queueFields,
});

export type QueueInput = z.input<typeof queueInput>;
export type Queue = z.infer<typeof queueDocument>;
export type RoutingTarget = z.infer<typeof routingTarget>;
export type QueueOverflow = z.infer<typeof queueOverflow>;
