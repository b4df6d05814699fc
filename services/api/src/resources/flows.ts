import { Collections, flowDocument, flowInput, type Flow } from '@hotline/provisioning';
import { defineResource, staff, stringFilter, uniquePerTenant } from './define';

/** JSON with object keys sorted, so two equal graphs compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const flows = defineResource({
  name: 'flow',
  plural: 'flows',
  title: 'Flow',
  collection: Collections.flows,
  idPrefix: 'flw',
  read: staff,
  createInput: flowInput,
  view: flowDocument,
  serverFields: ['status', 'publishedVersion', 'publishedAt', 'validatedAt'],
  // Any edit of the graph makes the flow a draft again: what was validated is no longer what
  // is stored. The published version keeps running until the next publish.
  async build(input, _ctx, existing) {
    const previous = existing as unknown as Flow | null;
    const sameGraph = previous !== null && canonicalJson(previous.graph) === canonicalJson(input.graph);
    return {
      ...input,
      status: sameGraph ? previous.status : 'draft',
      validatedAt: sameGraph ? previous.validatedAt : null,
      publishedVersion: previous?.publishedVersion ?? null,
      publishedAt: previous?.publishedAt ?? null,
    };
  },
  uniqueIndexes: [uniquePerTenant(Collections.flows, 'name')],
  filters: { status: stringFilter('status', 'draft, validated or published') },
  referencedBy: [
    { collection: Collections.hotlines, path: 'defaultFlowId', resource: 'hotline' },
    { collection: Collections.hotlines, path: 'flowMappings.flowId', resource: 'hotline' },
  ],
});
