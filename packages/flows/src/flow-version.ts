import { flowDocumentSchema, type FlowDocument } from './flow-schema';

/**
 * The runnable flow of a stored version: the store keeps the graph (checked by validateFlow on
 * publish) beside the flow's id, version number and name, which win over any in the graph.
 */
export function flowFromVersion(version: {
  flowId: string;
  version: number;
  name: string;
  graph: Record<string, unknown>;
}): FlowDocument {
  return flowDocumentSchema.parse({
    ...version.graph,
    id: version.flowId,
    version: version.version,
    name: version.name,
  });
}
