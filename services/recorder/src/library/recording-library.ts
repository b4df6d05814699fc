import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Collection, DocumentStore, Filter } from '@hotline/document-store';
import { HotlineError, type Logger } from '@hotline/platform';
import { Collections, type AuditActor, type AuditEntry } from '@hotline/provisioning';
import { parseRange, type ByteRange } from '../domain/byte-range';
import { RecorderCollections, viewOf, type RecordingDoc, type RecordingView } from '../domain/recording';
import type { CallDoc, CommandDoc } from '../domain/recorder-docs';
import { openObjectStore } from '../storage/open-object-store';
import { ObjectStoreError, type ObjectStore } from '../storage/object-store';
import type { RecorderSettings } from '../settings';

export interface RecordingSearch {
  /** startedAt ≥ from (ISO). */
  from?: string;
  /** startedAt ≤ to (ISO). */
  to?: string;
  agentId?: string;
  queueId?: string;
  ani?: string;
  callId?: string;
  status?: RecordingDoc['status'];
  limit?: number;
  cursor?: string;
}

export interface AudioResponse {
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
  body: Readable | null;
}

/** Who asks, for the audit log. */
export interface Accessor {
  kind: AuditActor['kind'];
  id: string;
  requestId?: string | null;
}

export interface RecordingLibrary {
  readonly objects: ObjectStore;
  /** The document store it reads (policy routes share it). */
  readonly store: DocumentStore;
  search(tenantId: string, query: RecordingSearch): Promise<{ items: RecordingView[]; next: string | null }>;
  get(tenantId: string, id: string): Promise<RecordingView>;
  /**
   * The recording running on a call (recording or paused), for the desk API: the id a pause,
   * resume or stop command names, and whether pausing is allowed. Null when none runs.
   */
  active(tenantId: string, callId: string): Promise<RecordingView | null>;
  /** The WAV or a byte range of it (for players); `ifNoneMatch` answers 304 when unchanged. */
  audio(
    tenantId: string,
    id: string,
    request: { range?: string; ifNoneMatch?: string },
  ): Promise<AudioResponse>;
  /** The whole WAV, its SHA-256 checked against the one stored at recording time first. */
  exportAudio(tenantId: string, id: string): Promise<AudioResponse>;
  remove(tenantId: string, id: string): Promise<void>;
  /** Deletes up to `batch` recordings whose retention ended; returns how many. Idempotent. */
  sweepRetention(now?: Date, batch?: number): Promise<number>;
  audit(tenantId: string, who: Accessor, action: string, recordingId: string): Promise<void>;
}

export interface LibraryOptions {
  store: DocumentStore;
  settings: RecorderSettings;
  /** Defaults to the adapter the settings name. */
  objects?: ObjectStore;
  log?: Logger;
}

const MAX_LIMIT = 200;

/** F-REC-2: search, play back, export and delete recordings, each access audited. */
export function createRecordingLibrary(options: LibraryOptions): RecordingLibrary {
  const objects = options.objects ?? openObjectStore(options.settings);
  const recordings: Collection<RecordingDoc> = options.store.collection<RecordingDoc>(
    RecorderCollections.recordings,
  );
  const auditLog = options.store.collection<AuditEntry>(Collections.auditLog);

  async function load(tenantId: string, id: string): Promise<RecordingDoc> {
    const doc = await recordings.get(id);
    // Another tenant's recording is as absent as a missing one.
    if (!doc || doc.tenantId !== tenantId) throw new HotlineError('not_found', `no recording ${id}`);
    return doc;
  }

  async function stored(
    tenantId: string,
    id: string,
  ): Promise<RecordingDoc & { objectKey: string; sha256: string; sizeBytes: number }> {
    const doc = await load(tenantId, id);
    if (doc.status !== 'available' || !doc.objectKey || !doc.sha256 || doc.sizeBytes === null) {
      throw new HotlineError('conflict', `recording ${id} has no audio yet (status ${doc.status})`);
    }
    return doc as RecordingDoc & { objectKey: string; sha256: string; sizeBytes: number };
  }

  async function fetchObject(key: string, range?: ByteRange) {
    try {
      return await objects.get(key, range);
    } catch (err) {
      if (err instanceof ObjectStoreError && err.code === 'not_found') {
        throw new HotlineError('not_found', 'the recording’s audio is missing from storage', { cause: err });
      }
      if (err instanceof ObjectStoreError && err.retryable) {
        throw new HotlineError('unavailable', 'recording storage is unavailable', { cause: err });
      }
      throw err;
    }
  }

  const baseHeaders = (doc: { sha256: string }) => ({
    'Content-Type': 'audio/wav',
    'Accept-Ranges': 'bytes',
    ETag: `"${doc.sha256}"`,
    'Cache-Control': 'private, no-store',
  });

  return {
    objects,
    store: options.store,
    async search(tenantId, query) {
      const limit = Math.min(Math.max(1, query.limit ?? 50), MAX_LIMIT);
      const skip = query.cursor ? Number.parseInt(query.cursor, 10) : 0;
      if (!Number.isInteger(skip) || skip < 0) {
        throw new HotlineError('bad_request', 'cursor is not one this API gave', {
          fields: [{ field: 'cursor', message: 'unknown cursor' }],
        });
      }
      const filter: Filter = { tenantId };
      if (query.from || query.to) {
        filter.startedAt = {
          ...(query.from ? { $gte: query.from } : {}),
          ...(query.to ? { $lte: query.to } : {}),
        };
      }
      for (const field of ['agentId', 'queueId', 'ani', 'callId', 'status'] as const) {
        const value = query[field];
        if (value !== undefined) filter[field] = value;
      }
      const page = await recordings.find(filter, {
        sort: { startedAt: -1, createdAt: -1 },
        skip,
        limit: limit + 1,
      });
      return {
        items: page.slice(0, limit).map(viewOf),
        next: page.length > limit ? String(skip + limit) : null,
      };
    },
    async get(tenantId, id) {
      return viewOf(await load(tenantId, id));
    },
    async active(tenantId, callId) {
      const doc = await recordings.findOne({
        tenantId,
        callId,
        status: { $in: ['starting', 'recording', 'paused'] },
      });
      return doc ? viewOf(doc) : null;
    },
    async audio(tenantId, id, request) {
      const doc = await stored(tenantId, id);
      const headers = baseHeaders(doc);
      if (request.ifNoneMatch && request.ifNoneMatch.split(',').some((t) => t.trim() === headers.ETag)) {
        return { status: 304, headers, body: null };
      }
      const range = parseRange(request.range, doc.sizeBytes);
      if (range.kind === 'unsatisfiable') {
        return {
          status: 416,
          headers: { ...headers, 'Content-Range': `bytes */${doc.sizeBytes}` },
          body: null,
        };
      }
      if (range.kind === 'partial') {
        const { start, end } = range.range;
        const object = await fetchObject(doc.objectKey, range.range);
        return {
          status: 206,
          headers: {
            ...headers,
            'Content-Range': `bytes ${start}-${end}/${doc.sizeBytes}`,
            'Content-Length': String(end - start + 1),
          },
          body: object.body,
        };
      }
      const object = await fetchObject(doc.objectKey);
      return {
        status: 200,
        headers: { ...headers, 'Content-Length': String(doc.sizeBytes) },
        body: object.body,
      };
    },
    async exportAudio(tenantId, id) {
      const doc = await stored(tenantId, id);
      // Integrity first: read it all once and compare with the checksum taken at conversion.
      const check = await fetchObject(doc.objectKey);
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of check.body) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      const actual = hash.digest('hex');
      if (actual !== doc.sha256 || size !== doc.sizeBytes) {
        options.log?.error(
          { recordingId: id, expected: doc.sha256, actual, size },
          'recording failed its integrity check',
        );
        throw new HotlineError(
          'internal',
          `recording ${id} failed its integrity check (stored audio changed)`,
          {
            retryable: false,
          },
        );
      }
      const object = await fetchObject(doc.objectKey);
      const day = (doc.startedAt ?? doc.createdAt).slice(0, 10);
      return {
        status: 200,
        headers: {
          ...baseHeaders(doc),
          'Content-Length': String(doc.sizeBytes),
          'Content-Disposition': `attachment; filename="recording-${day}-${id}.wav"`,
          Digest: `sha-256=${Buffer.from(doc.sha256, 'hex').toString('base64')}`,
        },
        body: object.body,
      };
    },
    async remove(tenantId, id) {
      const doc = await load(tenantId, id);
      if (doc.objectKey) await objects.delete(doc.objectKey);
      await recordings.delete(doc._id);
    },
    async sweepRetention(now = new Date(), batch = 100) {
      const expired = await recordings.find(
        { retentionUntil: { $lte: now.toISOString() } },
        { sort: { retentionUntil: 1 }, limit: batch },
      );
      for (const doc of expired) {
        if (doc.objectKey) await objects.delete(doc.objectKey);
        await recordings.delete(doc._id);
        await this.audit(doc.tenantId, { kind: 'system', id: 'retention' }, 'recording.expired', doc._id);
      }
      // The recorder's bookkeeping of calls and commands is only needed while calls last.
      const stale = new Date(now.getTime() - 2 * 86_400_000).toISOString();
      await options.store.collection<CallDoc>(RecorderCollections.calls).deleteMany({ at: { $lt: stale } });
      await options.store
        .collection<CommandDoc>(RecorderCollections.commands)
        .deleteMany({ at: { $lt: stale } });
      return expired.length;
    },
    async audit(tenantId, who, action, recordingId) {
      const at = new Date().toISOString();
      try {
        await auditLog.insert({
          _id: `aud-${randomUUID()}`,
          tenantId,
          createdAt: at,
          updatedAt: at,
          actor: { kind: who.kind, id: who.id },
          action,
          resource: 'recording',
          resourceId: recordingId,
          at,
          requestId: who.requestId ?? null,
          before: null,
          after: null,
        });
      } catch (err) {
        // Access is not refused for want of an audit line, but the loss is loud.
        options.log?.error({ err, tenantId, action, recordingId }, 'audit entry lost');
      }
    },
  };
}
