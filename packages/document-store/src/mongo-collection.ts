// A port Collection over the official MongoDB driver. Revision checks ride on the write itself
// (filter `{ _id, _rev }`): MongoDB applies a filtered single-document write atomically, so two
// replaces of the same revision cannot both match, whichever processes send them.
//
// FerretDB 1.x does not: its update and delete first query the filter, then write by _id in a
// separate step, so racing replaces of one revision can all report a match (seen on 1.24 with
// the SQLite backend). Replaces and deletes are therefore also queued per document within this
// process, which keeps them exclusive on FerretDB for a single process (tests, one
// instance) and costs MongoDB nothing but an in-memory queue. Across processes only MongoDB
// keeps the guarantee.
import type { Collection as DriverCollection, Document, Filter as DriverFilter, Sort } from 'mongodb';
import {
  type Collection,
  DuplicateKeyError,
  type Filter,
  type FindOptions,
  type IndexSpec,
  RevisionConflictError,
  type StoredDoc,
} from './document-store';
import { duplicateIndexName, isDuplicateKey, isUnreachable, unavailable } from './mongo-errors';
import { PerKeyQueue } from './per-key-queue';
import {
  checkFilter,
  checkFindOptions,
  checkId,
  checkIndexSpec,
  checkRevision,
  jsonCopy,
  sortWithIdTieBreak,
} from './query-checks';

export type StoredRow = Document & StoredDoc;

// The port's Filter is already MongoDB query syntax (a checked subset of it).
function query(filter: Filter): DriverFilter<StoredRow> {
  return filter as DriverFilter<StoredRow>;
}

export class MongoCollection implements Collection<StoredDoc> {
  private readonly documentWrites = new PerKeyQueue();

  constructor(
    readonly name: string,
    private readonly driver: DriverCollection<StoredRow>,
    private readonly url: string,
  ) {}

  private async guard<R>(operation: () => Promise<R>): Promise<R> {
    try {
      return await operation();
    } catch (err) {
      throw isUnreachable(err) ? unavailable(this.url, err) : err;
    }
  }

  private async duplicate(err: unknown, doc: StoredDoc, inserting: boolean): Promise<never> {
    if (!isDuplicateKey(err)) throw err;
    const index = await duplicateIndexName(err, this.driver, doc, inserting);
    throw new DuplicateKeyError(this.name, index, { cause: err });
  }

  async ensureIndexes(indexes: IndexSpec[]): Promise<void> {
    indexes.forEach(checkIndexSpec);
    // One at a time: when existing documents break a unique index, FerretDB's error does not
    // say which of several indexes in one createIndexes command it was.
    for (const spec of indexes) {
      await this.guard(() =>
        this.driver
          .createIndex(spec.fields, { name: spec.name, ...(spec.unique ? { unique: true } : {}) })
          .catch((err: unknown) => {
            if (isDuplicateKey(err)) throw new DuplicateKeyError(this.name, spec.name, { cause: err });
            throw err;
          }),
      );
    }
  }

  async insert(doc: Omit<StoredDoc, '_rev'>): Promise<StoredDoc> {
    checkId(doc._id);
    const stored = jsonCopy({ ...doc, _rev: 1 });
    await this.guard(() =>
      this.driver.insertOne(jsonCopy(stored)).catch((err) => this.duplicate(err, stored, true)),
    );
    return stored;
  }

  async get(id: string): Promise<StoredDoc | null> {
    return this.guard(() => this.driver.findOne({ _id: id }));
  }

  async findOne(filter: Filter): Promise<StoredDoc | null> {
    return (await this.find(filter, { limit: 1 }))[0] ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<StoredDoc[]> {
    checkFilter(filter);
    checkFindOptions(options);
    if (options.limit === 0) return [];
    const sort: Sort = sortWithIdTieBreak(options.sort);
    return this.guard(() =>
      this.driver
        .find(query(filter), {
          sort,
          ...(options.skip ? { skip: options.skip } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
        })
        .toArray(),
    );
  }

  async count(filter: Filter): Promise<number> {
    checkFilter(filter);
    return this.guard(() => this.driver.countDocuments(query(filter)));
  }

  async replace(doc: StoredDoc, expectedRev: number): Promise<StoredDoc> {
    checkId(doc._id);
    checkRevision(expectedRev);
    const stored = jsonCopy({ ...doc, _rev: expectedRev + 1 });
    return this.documentWrites.run(doc._id, async () => {
      const result = await this.guard(() =>
        this.driver
          .replaceOne({ _id: doc._id, _rev: expectedRev }, jsonCopy(stored))
          .catch((err) => this.duplicate(err, stored, false)),
      );
      if (result.matchedCount === 0) throw new RevisionConflictError(this.name, doc._id, expectedRev);
      return stored;
    });
  }

  async delete(id: string, expectedRev?: number): Promise<boolean> {
    checkId(id);
    if (expectedRev !== undefined) checkRevision(expectedRev);
    return this.documentWrites.run(id, async () => {
      if (expectedRev === undefined) {
        return this.guard(async () => (await this.driver.deleteOne({ _id: id })).deletedCount === 1);
      }
      const { deletedCount } = await this.guard(() => this.driver.deleteOne({ _id: id, _rev: expectedRev }));
      if (deletedCount === 1) return true;
      // Nothing deleted: either it is gone (false) or it sits at another revision (conflict).
      const exists = await this.guard(() => this.driver.findOne({ _id: id }, { projection: { _id: 1 } }));
      if (exists) throw new RevisionConflictError(this.name, id, expectedRev);
      return false;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    checkFilter(filter);
    return this.guard(async () => (await this.driver.deleteMany(query(filter))).deletedCount);
  }
}
