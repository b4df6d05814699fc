// The document-store port: what repositories need from a database. Two adapters implement it:
// MongoDB (official driver; FerretDB in tests) for `hotline serve`, and an embedded store that
// persists to disk for `hotline up`. Both pass test/document-store-contract.ts.
//
// Only what MongoDB and FerretDB 1.x both support is used: single-document atomic writes (no
// multi-document transactions), unique indexes, equality/range/$in filters, sort + limit.
// One caveat: FerretDB 1.x checks a write's filter and writes in two steps, so a revision check
// holds there only among writers in one process (mongo-collection.ts); MongoDB and the embedded
// store make it atomic.
//
// Documents hold JSON values only (strings, numbers, booleans, null, arrays, plain objects):
// the embedded store keeps them as JSON, so a Date or an `undefined` field would not survive a
// restart there; the MongoDB adapter drops `undefined` fields the same way. An array directly
// inside an array ([[1, 2]]) is refused by FerretDB 1.x: nest it in an object instead.

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

/**
 * Keys are field paths, dotted for nested fields ("sip.username"). All conditions must hold.
 * Matching is MongoDB's: a path through an array matches if any element does, `null` also
 * matches a missing field, ranges compare numbers with numbers and strings with strings only.
 * An `undefined` condition is a programming error (TypeError), not "match anything".
 * Not portable: `null` on a path through an array of sub-documents that lack the field
 * ({ 'a.b': null } against a: [{ c: 1 }]); FerretDB 1.x answers it differently from MongoDB.
 */
export type Filter = Record<string, Condition>;

export interface FindOptions {
  /** Field path → 1 ascending / -1 descending, applied in order. `_id` breaks remaining ties. */
  sort?: Record<string, 1 | -1>;
  /** Non-negative integer; 0 returns nothing (unlike MongoDB's "no limit"). */
  limit?: number;
  skip?: number;
}

/**
 * A unique index compares each document's values of `fields`; a path through an array indexes
 * every element. Keep the fields of a unique index always set: MongoDB treats a missing field as
 * null (so a second document without it collides), FerretDB 1.x lets any number through.
 */
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

/** The database cannot be reached (connection refused, no server selected in time). */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface Collection<T extends StoredDoc> {
  readonly name: string;
  /**
   * Creates missing indexes; an identical existing one is left alone, a different one under the
   * same name is an error. DuplicateKeyError if stored documents already break a unique index.
   */
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
  /**
   * Deletes; false if there was nothing to delete. With `expectedRev`, only at that revision:
   * RevisionConflictError if the document exists at another one.
   */
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
