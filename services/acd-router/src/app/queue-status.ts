// Where a call stands in its queue and how long it may wait: announcements and the API.

import { estimateWaitMs } from '../domain/estimate-wait';
import type { AcdStore } from '../domain/ports';
import type { QueueConfig } from '../domain/types';

export interface QueueStatus {
  queueId: string;
  /** 1-based; 0 when the call is not waiting in this queue. */
  position: number;
  estimatedWaitMs?: number;
  waiting: number;
  agentsLoggedIn: number;
  agentsReady: number;
}

/** Position and estimated wait of a call (or of the queue alone), for announcements and the API. */
export async function queueStatus(
  store: AcdStore,
  tenantId: string,
  queue: QueueConfig,
  callId?: string,
): Promise<QueueStatus> {
  const counts = await store.queueCounts(tenantId, queue.queueId, callId);
  const position = callId ? counts.position : counts.waiting + 1;
  const estimate = estimateWaitMs({
    position,
    ...(counts.serviceGapMs !== undefined ? { serviceGapMs: counts.serviceGapMs } : {}),
    handleMs: queue.defaultHandleMs,
    agentsLoggedIn: counts.agentsLoggedIn,
  });
  return {
    queueId: queue.queueId,
    position: callId ? counts.position : 0,
    ...(estimate !== undefined && position > 0 ? { estimatedWaitMs: estimate } : {}),
    waiting: counts.waiting,
    agentsLoggedIn: counts.agentsLoggedIn,
    agentsReady: counts.agentsReady,
  };
}
