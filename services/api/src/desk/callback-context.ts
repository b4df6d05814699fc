import type { DocumentStore, StoredDoc } from '@hotline/document-store';
import type { CallContextView, DeskReadModel } from './desk-read-model';

// The screen pop of a callback. The ACD offers an agent a callback before the caller is dialled,
// under the callback's own call id (`<callbackId>.call`), of which reporting knows nothing yet:
// the agent would see an empty pop. The request the IVR stored (ivr-callbacks) names the call
// that asked for it, so the pop shows that call's context (what the caller entered, their
// history) with the number being called back and when they asked.

interface CallbackRequestDoc extends StoredDoc {
  tenantId: string;
  callId: string;
  number: string;
  callerId?: string;
  queueId: string;
  requestedAt?: string;
  attempts?: number;
}

const CALLBACK_CALL = /^(.+)\.call$/;

/** The request a callback's call id belongs to, if it is one. */
async function callbackRequestOf(
  store: DocumentStore,
  tenantId: string,
  callId: string,
): Promise<CallbackRequestDoc | null> {
  const match = CALLBACK_CALL.exec(callId);
  if (!match) return null;
  const doc = await store.collection<CallbackRequestDoc>('ivr-callbacks').get(match[1]!);
  return doc && doc.tenantId === tenantId ? doc : null;
}

/** The read model, with callbacks' calls given the context of the call that asked for them. */
export function withCallbackContext(readModel: DeskReadModel, store: DocumentStore): DeskReadModel {
  // Delegates method by method: the read model may be a class instance (spreading it would lose
  // its prototype's methods).
  return {
    realtimeQueues: (tenantId) => readModel.realtimeQueues(tenantId),
    realtimeAgents: (tenantId) => readModel.realtimeAgents(tenantId),
    ...(readModel.realtimeAgent
      ? { realtimeAgent: (tenantId: string, agentId: string) => readModel.realtimeAgent!(tenantId, agentId) }
      : {}),
    waitingCalls: (tenantId, queueId) => readModel.waitingCalls(tenantId, queueId),
    async callContext(tenantId, callId) {
      const own = await readModel.callContext(tenantId, callId);
      const request = await callbackRequestOf(store, tenantId, callId).catch(() => null);
      if (!request) return own;
      const origin = await readModel.callContext(tenantId, request.callId);
      const view: CallContextView = {
        callId,
        // The number called back is the caller; what they see is the hotline's number.
        ani: request.number,
        dnis: request.callerId ?? origin?.dnis ?? null,
        ...(origin?.hotlineId ? { hotlineId: origin.hotlineId } : {}),
        queueId: request.queueId,
        ...(own?.joinedAt ? { joinedAt: own.joinedAt } : {}),
        attached: {
          ...(origin?.attached ?? {}),
          ...(own?.attached ?? {}),
          callback: {
            callbackId: request._id,
            requestedBy: request.callId,
            ...(request.requestedAt ? { requestedAt: request.requestedAt } : {}),
            attempts: request.attempts ?? 0,
          },
        },
        // The caller's contacts before the call that asked (that one is attached.callback).
        history: origin?.history ?? own?.history ?? [],
      };
      return view;
    },
  };
}
