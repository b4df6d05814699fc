import type { Readable } from 'node:stream';
import type { ByteRange } from '../domain/byte-range';

// Where recordings' audio lives: a bucket of immutable objects by key. Two adapters pass one
// contract suite (test/object-store-contract.ts): local files (`hotline up`, one machine) and
// the S3 API (production: AWS S3, MinIO, Ceph RGW...).

export interface ObjectInfo {
  key: string;
  size: number;
  /** The store's own entity tag (an MD5 for S3 single-part uploads); opaque. */
  etag: string;
  contentType: string;
}

export interface ObjectBody {
  info: ObjectInfo;
  /** The bytes asked for (the whole object or the range). */
  body: Readable;
  range: ByteRange | null;
}

export interface ObjectList {
  objects: ObjectInfo[];
  /** Pass as `after` for the next page; absent on the last one. */
  next?: string;
}

export interface ObjectStore {
  readonly kind: 'local' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<ObjectInfo>;
  /** ObjectStoreError `not_found` if missing; `range` (inclusive) must lie within the object. */
  get(key: string, range?: ByteRange): Promise<ObjectBody>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Idempotent: deleting a missing object is fine. */
  delete(key: string): Promise<void>;
  /** Keys under `prefix` in key order, after `after`, at most `limit` (default 1000). */
  list(prefix: string, options?: { after?: string; limit?: number }): Promise<ObjectList>;
}

export type ObjectStoreErrorCode = 'not_found' | 'bad_key' | 'bad_range' | 'unavailable' | 'failed';

export class ObjectStoreError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
    this.retryable = code === 'unavailable';
  }
}

/** Keys are relative paths of safe segments: no "..", no leading "/", no empty segment. */
export function checkKey(key: string): void {
  const ok =
    key.length > 0 &&
    key.length <= 512 &&
    /^[A-Za-z0-9._:=-]+(\/[A-Za-z0-9._:=-]+)*$/.test(key) &&
    !key.split('/').some((s) => s === '.' || s === '..');
  if (!ok) throw new ObjectStoreError('bad_key', `not a valid object key: ${JSON.stringify(key)}`);
}

export function checkRange(range: ByteRange | undefined, size: number, key: string): void {
  if (range && (range.start < 0 || range.end < range.start || range.end >= size)) {
    throw new ObjectStoreError(
      'bad_range',
      `${key}: range ${range.start}-${range.end} outside ${size} bytes`,
    );
  }
}
