import type { DocumentStore, StoredDoc } from '@hotline/document-store';

/** A wrap-up disposition the desk API stored (collection `call-dispositions`). */
export interface CallDisposition {
  callId: string;
  agentId?: string;
  dispositionCodeId: string;
  notes?: string;
  at?: string;
}

export const dispositionsCollection = 'call-dispositions';

/** The latest disposition per call, for the calls given. */
export async function dispositionsOf(
  store: DocumentStore,
  tenantId: string,
  callIds: readonly string[],
): Promise<Map<string, CallDisposition>> {
  const out = new Map<string, CallDisposition>();
  if (callIds.length === 0) return out;
  const docs = await store
    .collection<CallDisposition & StoredDoc & { tenantId?: string }>(dispositionsCollection)
    .find({ callId: { $in: [...callIds] } });
  for (const d of docs.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''))) {
    if (d.tenantId !== undefined && d.tenantId !== tenantId) continue;
    out.set(d.callId, d);
  }
  return out;
}
