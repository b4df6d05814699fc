import { z } from 'zod';
import { description, displayName, documentMeta, isoDateTime, resourceId } from './common';

/**
 * The flow graph as stored here: a JSON object. Its shape and rules belong to the flow engine
 * (packages/flows, `validateFlow`); the API runs that validator before a flow is validated or
 * published, so nothing unchecked reaches a published version.
 */
export const flowGraph = z.record(z.string(), z.unknown());

/**
 * Flow life (F-IVR-3): editing the draft makes it `draft`; validating a draft that passes makes
 * it `validated`; publishing a validated draft freezes it as the next immutable version (in
 * flow-versions) and marks the flow `published`. Calls run the published version, so editing a
 * published flow's draft changes nothing for callers until it is published again.
 */
export const flowStatuses = ['draft', 'validated', 'published'] as const;

export const flowInput = z.strictObject({
  name: displayName(),
  description: description().default(''),
  graph: flowGraph,
});

export const flowIssue = z.strictObject({
  path: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
});

export const flowDocument = z.strictObject({
  ...documentMeta,
  name: displayName(),
  description: description(),
  graph: flowGraph,
  status: z.enum(flowStatuses),
  /** Latest published version number; null until first published. */
  publishedVersion: z.number().int().positive().nullable(),
  publishedAt: isoDateTime().nullable(),
  validatedAt: isoDateTime().nullable(),
});

/** One published version: never changed after it is written. `_id` is `<flowId>:v<version>` (flowVersionId). */
export const flowVersionDocument = z.strictObject({
  ...documentMeta,
  flowId: resourceId(),
  version: z.number().int().positive(),
  name: displayName(),
  graph: flowGraph,
  publishedAt: isoDateTime(),
  publishedBy: z.string(),
});

export const flowVersionId = (flowId: string, version: number): string => `${flowId}:v${version}`;

export type FlowInput = z.input<typeof flowInput>;
export type Flow = z.infer<typeof flowDocument>;
export type FlowVersion = z.infer<typeof flowVersionDocument>;
export type FlowStatus = (typeof flowStatuses)[number];
export type FlowIssue = z.infer<typeof flowIssue>;
