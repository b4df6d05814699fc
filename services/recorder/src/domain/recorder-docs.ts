import {
  DuplicateKeyError,
  RevisionConflictError,
  type Collection,
  type StoredDoc,
} from '@hotline/document-store';
import type { RecordingPolicy } from '@hotline/provisioning';

/** A live call as far as the recorder needs it (from call.offered / call.bridged / call.ended). */
export interface CallDoc {
  _id: string;
  _rev: number;
  tenantId: string;
  ani: string | null;
  dnis: string | null;
  hotlineId: string | null;
  queueId: string | null;
  agentId: string | null;
  at: string;
  endedAt: string | null;
}

/** A `record` command: the request and its outcome arrive on two topics, in either order. */
export interface CommandDoc {
  _id: string;
  _rev: number;
  tenantId: string;
  callId: string;
  at: string;
  request: { op: 'start' | 'stop' | 'pause' | 'resume'; recordingId: string; requestedBy: string } | null;
  outcome: { outcome: string; error: string | null; at: string } | null;
  applied: boolean;
}

/**
 * A tenant-wide or per-queue recording policy (hotlines carry theirs in their own document).
 * `_id` is `<tenantId>:tenant` or `<tenantId>:queue:<queueId>`.
 */
export interface PolicyDoc {
  _id: string;
  _rev: number;
  tenantId: string;
  scope: 'tenant' | 'queue';
  queueId: string | null;
  policy: RecordingPolicy;
  /** Tenant scope only: how long recordings are kept (default HOTLINE_RECORDER_RETENTION_DAYS). */
  retentionDays?: number | null;
}

export const policyId = (tenantId: string, queueId?: string | null): string =>
  queueId ? `${tenantId}:queue:${queueId}` : `${tenantId}:tenant`;

/**
 * Changes one document by `change` under its revision, retrying when another writer got there
 * first; inserts `initial` when it is missing. Returns the stored document.
 */
export async function upsert<T extends StoredDoc>(
  collection: Collection<T>,
  id: string,
  initial: () => Omit<T, '_rev'>,
  change: (doc: T) => T | null,
): Promise<T> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const updated = await update(collection, id, change);
    if (updated) return updated;
    const fresh = { ...initial(), _rev: 0 } as T;
    const { _rev: _r, ...doc } = change(fresh) ?? fresh;
    try {
      return await collection.insert(doc as Omit<T, '_rev'>);
    } catch (err) {
      // Someone inserted it meanwhile: change theirs.
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }
  throw new RevisionConflictError(collection.name, id, -1);
}

/** Changes a document that must exist under its revision, retrying on conflicts; null when missing. */
export async function update<T extends StoredDoc>(
  collection: Collection<T>,
  id: string,
  change: (doc: T) => T | null,
): Promise<T | null> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await collection.get(id);
    if (!current) return null;
    const next = change(current);
    if (!next) return current;
    try {
      return await collection.replace(next, current._rev);
    } catch (err) {
      if (err instanceof RevisionConflictError) continue;
      throw err;
    }
  }
  throw new RevisionConflictError(collection.name, id, -1);
}
