import type { HotlineEvent } from '@hotline/contracts';
import { RevisionConflictError, type DocumentStore, type StoredDoc } from '@hotline/document-store';

// The IVR keeps each caller's callback request (ivr-callbacks, stored by the flow's callback node
// as "pending"). The ACD reports how the request goes (callback.attempted, callback.ended): this
// writes it into the request, so a supervisor or the tenant's CRM sees where each callback stands.

/** The event types that move a callback request on (the IVR's callbacks group reads only these). */
export const callbackProgressTypes = ['callback.attempted', 'callback.ended'] as const;

export type CallbackStatus =
  | 'pending'
  | 'retry-scheduled'
  /** The caller answered and is being put through to the agent kept for them. */
  | 'connecting'
  | 'connected'
  | 'unreached'
  | 'abandoned';

export interface CallbackRequestDoc extends StoredDoc {
  tenantId: string;
  status: CallbackStatus;
  attempts?: number;
  lastResult?: string;
  retryAt?: string;
  /** The call that dialled the caller back. */
  callbackCallId?: string;
  agentId?: string;
  updatedAt?: string;
}

/** Writes one progress event into its request; returns what it did (for metrics). */
export async function applyCallbackProgress(store: DocumentStore, event: HotlineEvent): Promise<string> {
  if (event.type !== 'callback.attempted' && event.type !== 'callback.ended') return 'ignored';
  const collection = store.collection<CallbackRequestDoc>('ivr-callbacks');
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await collection.get(event.data.callbackId);
    if (!doc || doc.tenantId !== event.tenantId) return 'unknown-request';
    const next = { ...doc, callbackCallId: event.data.callId, updatedAt: event.occurredAt };
    if (event.type === 'callback.attempted') {
      // A final status stands: a redelivered attempt must not reopen a finished request.
      if (!['pending', 'retry-scheduled', 'connecting'].includes(doc.status)) return 'already-final';
      next.attempts = Math.max(doc.attempts ?? 0, event.data.attempt);
      next.lastResult = event.data.result;
      next.agentId = event.data.agentId;
      delete next.retryAt;
      if (event.data.result === 'answered') next.status = 'connecting';
      else if (event.data.retryAt) {
        next.status = 'retry-scheduled';
        next.retryAt = event.data.retryAt;
      }
    } else {
      next.status = event.data.outcome;
      next.attempts = event.data.attempts;
      delete next.retryAt;
      if (event.data.agentId) next.agentId = event.data.agentId;
    }
    try {
      await collection.replace(next, doc._rev);
      return next.status;
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
    }
  }
  throw new Error(`callback request ${event.data.callbackId} kept changing: not updated`);
}
