import type { DocumentStore, StoredDoc } from '@hotline/document-store';
import { Collections, type Queue } from '@hotline/provisioning';
import { defaultSlThresholdSec } from '../domain/interval-aggregation';

/**
 * Each queue's provisioned service-level threshold (queue.serviceLevelSeconds), 20 s for a queue
 * reporting cannot find. Read per query: reports are rare next to events.
 */
export async function slThresholds(
  store: DocumentStore,
  tenantId: string,
  queueIds: readonly string[],
): Promise<(queueId: string) => number> {
  const ids = [...new Set(queueIds)];
  const docs =
    ids.length === 0
      ? []
      : await store.collection<Queue & StoredDoc>(Collections.queues).find({ _id: { $in: ids }, tenantId });
  const byId = new Map(docs.map((d) => [d._id, d.serviceLevelSeconds]));
  return (queueId) => byId.get(queueId) ?? defaultSlThresholdSec;
}
