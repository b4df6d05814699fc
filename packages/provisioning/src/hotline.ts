import { z } from 'zod';
import { description, displayName, documentMeta, e164, resourceId } from './common';

/**
 * Which flow answers a call (F-IVR-1). Every given field must match: `dnis` the called number,
 * `aniPrefix` the start of the caller's number, `trunkId` the inbound trunk or line sip-edge
 * received it on. Mappings are tried in order; the first match wins, else `defaultFlowId`.
 */
export const flowMapping = z
  .strictObject({
    dnis: e164().optional(),
    aniPrefix: z
      .string()
      .regex(/^\+?\d{1,15}$/, 'digits, optionally after a +')
      .optional(),
    trunkId: resourceId().optional(),
    flowId: resourceId(),
  })
  .refine(
    (m) => m.dnis !== undefined || m.aniPrefix !== undefined || m.trunkId !== undefined,
    'a mapping matches on at least one of dnis, aniPrefix, trunkId',
  );

export const recordingModes = ['none', 'all', 'percentage', 'on-demand'] as const;

/** F-REC-1: which calls are recorded. `percentage` samples that share of calls at random. */
export const recordingPolicy = z
  .strictObject({
    mode: z.enum(recordingModes),
    percentage: z.number().int().min(1).max(100).nullable().default(null),
    /** Agents may pause recording for card numbers and the like. */
    allowPause: z.boolean().default(true),
  })
  .refine((r) => (r.mode === 'percentage') === (r.percentage !== null), {
    message: 'percentage is set exactly when mode is percentage',
    path: ['percentage'],
  });

/** The inbound trunk or line the numbers arrive on, as sip-edge labels it. */
export const trunkRef = z.strictObject({
  id: resourceId(),
  /** Concurrent calls the carrier allows on this trunk for this hotline; null means no limit. */
  maxConcurrentCalls: z.number().int().min(1).max(100_000).nullable().default(null),
});

const hotlineFields = {
  name: displayName(),
  description: description().default(''),
  /** Dialed numbers (DNIS), E.164; each belongs to one hotline of one tenant only. */
  numbers: z
    .array(e164())
    .min(1)
    .max(100)
    .refine((n) => new Set(n).size === n.length, 'each number at most once'),
  trunk: trunkRef,
  flowMappings: z.array(flowMapping).max(200).default([]),
  defaultFlowId: resourceId(),
  recording: recordingPolicy.default({ mode: 'none', percentage: null, allowPause: true }),
  calendarId: resourceId().nullable().default(null),
  active: z.boolean().default(true),
};

export const hotlineInput = z.strictObject(hotlineFields).superRefine((h, ctx) => {
  h.flowMappings.forEach((m, i) => {
    if (m.dnis !== undefined && !h.numbers.includes(m.dnis)) {
      ctx.addIssue({
        code: 'custom',
        path: ['flowMappings', i, 'dnis'],
        message: 'must be one of this hotline’s numbers',
      });
    }
  });
});

export const hotlineDocument = z.strictObject({ ...documentMeta, ...hotlineFields });

/** Claims a number for one hotline across all tenants; `_id` is the E.164 number. */
export const numberClaimDocument = z.strictObject({
  _id: e164(),
  _rev: z.number().int().positive(),
  tenantId: resourceId(),
  hotlineId: resourceId(),
  claimedAt: z.iso.datetime({ offset: true }),
});

export type HotlineInput = z.input<typeof hotlineInput>;
export type Hotline = z.infer<typeof hotlineDocument>;
export type FlowMapping = z.infer<typeof flowMapping>;
export type RecordingPolicy = z.infer<typeof recordingPolicy>;
export type NumberClaim = z.infer<typeof numberClaimDocument>;
