// The document-store port: what repositories need from a database. Two adapters implement it:
// MongoDB (official driver; FerretDB in tests) for `hotline serve`, and an embedded store that
// persists to disk for `hotline up`. Both pass test/document-store-contract.ts.
//
// Only what MongoDB and FerretDB 1.x both support is used: single-document atomic writes (no
// multi-document transactions), unique indexes, equality/range/$in filters, sort + limit.

/** Every stored document has a string id and a revision used for optimistic concurrency. */
export interface StoredDoc {
  _id: string;
  _rev: number;
}

export type Primitive = string | number | boolean | null;

/** A field condition: a value (equality; for an array field, "contains") or operators. */
export type Condition =
  | Primitive
  | {
      $eq?: Primitive;
      $ne?: Primitive;
      $in?: Primitive[];
      $nin?: Primitive[];
      $gt?: string | number;
      $gte?: string | number;
      $lt?: string | number;
      $lte?: string | number;
      $exists?: boolean;
    };

/** Keys are field paths, dotted for nested fields ("sip.username"). All conditions must hold. */
export type Filter = Record<string, Condition>;

export interface FindOptions {
  /** Field path → 1 ascending / -1 descending, applied in order. `_id` breaks remaining ties. */
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}

export interface IndexSpec {
  name: string;
  fields: Record<string, 1 | -1>;
  unique?: boolean;
}

export class DuplicateKeyError extends Error {
  readonly code = 'duplicate_key';
  readonly retryable = false;
  constructor(
    readonly collection: string,
    readonly index: string,
    options?: { cause?: unknown },
  ) {
    super(`duplicate key in ${collection} (index ${index})`, options);
    this.name = 'DuplicateKeyError';
  }
}

export class RevisionConflictError extends Error {
  readonly code = 'revision_conflict';
  readonly retryable = true;
  constructor(
    readonly collection: string,
    readonly id: string,
    readonly expected: number,
  ) {
    super(`${collection}/${id} is not at revision ${expected}`);
    this.name = 'RevisionConflictError';
  }
}

export interface Collection<T extends StoredDoc> {
  readonly name: string;
  ensureIndexes(indexes: IndexSpec[]): Promise<void>;
  /** Inserts with `_rev` 1 and returns it; DuplicateKeyError on `_id` or a unique index. */
  insert(doc: Omit<T, '_rev'>): Promise<T>;
  get(id: string): Promise<T | null>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /**
   * Replaces the document if it is still at `expectedRev`, storing `expectedRev + 1`.
   * RevisionConflictError if it moved on or is gone; DuplicateKeyError on a unique index.
   */
  replace(doc: T, expectedRev: number): Promise<T>;
  /** Deletes; with `expectedRev`, only at that revision (else RevisionConflictError). */
  delete(id: string, expectedRev?: number): Promise<boolean>;
  /** Deletes every match; returns how many. */
  deleteMany(filter: Filter): Promise<number>;
}

export interface DocumentStore {
  readonly kind: 'mongodb' | 'embedded';
  collection<T extends StoredDoc>(name: string): Collection<T>;
  /** Round-trip to the server (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
