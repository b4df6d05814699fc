import type { DocumentStore } from '@hotline/document-store';
import { flowFromVersion, type FlowDocument } from '@hotline/flows';
import {
  Collections,
  flowVersionId,
  type Flow,
  type FlowVersion,
  type Hotline,
  type NumberClaim,
} from '@hotline/provisioning';
import { selectFlowId } from '../domain/flow-selection';
import type { FlowCatalog } from '../domain/ports';

/**
 * Flows as the API provisions them: a call's hotline comes from the call (sip-edge names it) or
 * from the claim on its dialled number; its flow mapping picks the flow; the flow's published
 * version is an immutable document, so versions are cached and only the "which is published"
 * pointer is read per call.
 */
export function createStoreFlowCatalog(
  store: DocumentStore,
  options: { cacheSize?: number } = {},
): FlowCatalog {
  const hotlines = store.collection<Hotline>(Collections.hotlines);
  const claims = store.collection<NumberClaim>(Collections.numberClaims);
  const flows = store.collection<Flow>(Collections.flows);
  const versions = store.collection<FlowVersion>(Collections.flowVersions);
  const cacheSize = options.cacheSize ?? 500;
  const cache = new Map<string, FlowDocument>();

  async function version(tenantId: string, flowId: string, number: number): Promise<FlowDocument | null> {
    const id = flowVersionId(flowId, number);
    const key = `${tenantId}/${id}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const doc = await versions.get(id);
    if (!doc || doc.tenantId !== tenantId) return null;
    const flow = flowFromVersion(doc);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(key, flow);
    return flow;
  }

  return {
    async flowIdForCall(call) {
      let hotlineId = call.hotlineId;
      if (!hotlineId) {
        const claim = await claims.get(call.dnis);
        if (!claim || claim.tenantId !== call.tenantId) return null;
        hotlineId = claim.hotlineId;
      }
      const hotline = await hotlines.get(hotlineId);
      if (!hotline || hotline.tenantId !== call.tenantId || !hotline.active) return null;
      return selectFlowId(hotline, call);
    },
    async published(tenantId, flowId) {
      const flow = await flows.get(flowId);
      if (!flow || flow.tenantId !== tenantId || flow.publishedVersion === null) return null;
      return version(tenantId, flowId, flow.publishedVersion);
    },
    version,
  };
}
