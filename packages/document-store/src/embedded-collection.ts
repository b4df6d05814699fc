// One collection of the embedded store: documents in memory, every change in a journal.
//
// Writes of a collection run one at a time (check, append + sync, then apply to memory), so a
// revision check and the write it guards cannot interleave with another write, and memory only
// ever shows what is durable. Reads do not wait: they see the last applied write.
import {
  type Collection,
  DuplicateKeyError,
  type Filter,
  type FindOptions,
  type IndexSpec,
  RevisionConflictError,
  type StoredDoc,
} from './document-store';
import { type Journal, type JournalRecord, deleteLine, putLine } from './journal';
import { writeIndexSpecs } from './index-specs-file';
import { matchesFilter } from './match-filter';
import {
  checkFilter,
  checkFindOptions,
  checkId,
  checkIndexSpec,
  checkRevision,
  sortWithIdTieBreak,
} from './query-checks';
import { UniqueIndex, sameIndex } from './unique-index';
import { sortDocuments } from './value-order';

export interface CompactionPolicy {
  /** Never compact a journal shorter than this many lines. */
  minEntries: number;
  /** Compact once the journal has more than `ratio` lines per live document. */
  ratio: number;
}

export interface CollectionEnv {
  policy: CompactionPolicy;
  warn(message: string): void;
  assertOpen(): void;
}

function sameFields(a: IndexSpec, b: IndexSpec): boolean {
  return sameIndex({ ...a, unique: false }, { ...b, unique: false });
}

export class EmbeddedCollection implements Collection<StoredDoc> {
  private readonly docs = new Map<string, StoredDoc>();
  private specs: IndexSpec[] = [];
  private unique: UniqueIndex[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private compactionQueued = false;

  constructor(
    readonly name: string,
    private readonly journal: Journal,
    private readonly indexesPath: string,
    private readonly env: CollectionEnv,
  ) {}

  /** Rebuilds the collection from its replayed journal and saved index specs (at open). */
  restore(records: JournalRecord[], specs: IndexSpec[]): void {
    for (const record of records) {
      if ('put' in record) this.docs.set(record.put._id, record.put);
      else this.docs.delete(record.del);
    }
    this.specs = specs;
    this.unique = specs.filter((s) => s.unique).map((s) => new UniqueIndex(s));
    for (const doc of this.docs.values()) {
      for (const index of this.unique) {
        if (index.conflicts(doc))
          this.env.warn(`${this.name}: ${doc._id} breaks unique index ${index.spec.name}`);
        index.add(doc);
      }
    }
    this.scheduleCompactionIfDue();
  }

  /** Resolves once every write queued so far has finished. */
  async drain(): Promise<void> {
    let queue: Promise<unknown>;
    do {
      queue = this.queue;
      await queue.catch(() => undefined);
    } while (queue !== this.queue);
  }

  async close(): Promise<void> {
    await this.drain();
    await this.journal.close();
  }

  private exclusive<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private apply(previous: StoredDoc | undefined, next: StoredDoc | null): void {
    for (const index of this.unique) {
      if (previous) index.remove(previous);
      if (next) index.add(next);
    }
    if (next) this.docs.set(next._id, next);
    else if (previous) this.docs.delete(previous._id);
  }

  private checkUnique(doc: StoredDoc): void {
    const broken = this.unique.find((index) => index.conflicts(doc));
    if (broken) throw new DuplicateKeyError(this.name, broken.spec.name);
  }

  private scheduleCompactionIfDue(): void {
    const { minEntries, ratio } = this.env.policy;
    const entries = this.journal.entries;
    if (this.compactionQueued || entries < minEntries || entries <= ratio * this.docs.size) return;
    this.compactionQueued = true;
    // Queued behind the write that triggered it, so that write resolves without waiting.
    void this.exclusive(async () => {
      this.compactionQueued = false;
      const lines = [...this.docs.values()].map((doc) => putLine(JSON.stringify(doc)));
      await this.journal.rewrite(lines);
    }).catch((err: unknown) => this.env.warn(`${this.name}: compaction failed: ${String(err)}`));
  }

  /** Appends `next` (whose exact JSON text is `json`) and applies it. */
  private async write(previous: StoredDoc | undefined, next: StoredDoc, json: string): Promise<StoredDoc> {
    await this.journal.append([putLine(json)]);
    this.apply(previous, next);
    this.scheduleCompactionIfDue();
    return structuredClone(next);
  }

  async ensureIndexes(indexes: IndexSpec[]): Promise<void> {
    this.env.assertOpen();
    indexes.forEach(checkIndexSpec);
    return this.exclusive(async () => {
      const added: IndexSpec[] = [];
      for (const spec of indexes) {
        const normalized: IndexSpec = {
          name: spec.name,
          fields: { ...spec.fields },
          unique: Boolean(spec.unique),
        };
        const all = [...this.specs, ...added];
        const existing = all.find((s) => s.name === spec.name);
        if (existing && sameIndex(existing, normalized)) continue;
        if (existing || all.some((s) => sameFields(s, normalized))) {
          throw new Error(
            `${this.name}: an index conflicting with ${spec.name} exists with another definition`,
          );
        }
        added.push(normalized);
      }
      if (added.length === 0) return;
      const built = added
        .filter((spec) => spec.unique)
        .map((spec) => {
          const index = new UniqueIndex(spec);
          for (const doc of this.docs.values()) {
            if (index.conflicts(doc)) throw new DuplicateKeyError(this.name, spec.name);
            index.add(doc);
          }
          return index;
        });
      await writeIndexSpecs(this.indexesPath, [...this.specs, ...added]);
      this.specs = [...this.specs, ...added];
      this.unique = [...this.unique, ...built];
    });
  }

  async insert(doc: Omit<StoredDoc, '_rev'>): Promise<StoredDoc> {
    this.env.assertOpen();
    checkId(doc._id);
    // Stored as its JSON text parses back: exactly what a restart would load.
    const json = JSON.stringify({ ...doc, _rev: 1 });
    const next = JSON.parse(json) as StoredDoc;
    return this.exclusive(async () => {
      if (this.docs.has(doc._id)) throw new DuplicateKeyError(this.name, '_id_');
      this.checkUnique(next);
      return this.write(undefined, next, json);
    });
  }

  async get(id: string): Promise<StoredDoc | null> {
    this.env.assertOpen();
    const doc = this.docs.get(id);
    return doc ? structuredClone(doc) : null;
  }

  async findOne(filter: Filter): Promise<StoredDoc | null> {
    return (await this.find(filter, { limit: 1 }))[0] ?? null;
  }

  private matching(filter: Filter): StoredDoc[] {
    const byId = filter._id;
    const candidates =
      typeof byId === 'string'
        ? [this.docs.get(byId)].filter((d) => d !== undefined)
        : [...this.docs.values()];
    return candidates.filter((doc) => matchesFilter(doc, filter));
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<StoredDoc[]> {
    this.env.assertOpen();
    checkFilter(filter);
    checkFindOptions(options);
    const matches = this.matching(filter);
    if (options.limit === 0) return [];
    const skip = options.skip ?? 0;
    const sorted = sortDocuments(matches, sortWithIdTieBreak(options.sort));
    const page = sorted.slice(skip, options.limit === undefined ? undefined : skip + options.limit);
    return page.map((doc) => structuredClone(doc));
  }

  async count(filter: Filter): Promise<number> {
    this.env.assertOpen();
    checkFilter(filter);
    return this.matching(filter).length;
  }

  async replace(doc: StoredDoc, expectedRev: number): Promise<StoredDoc> {
    this.env.assertOpen();
    checkId(doc._id);
    checkRevision(expectedRev);
    const json = JSON.stringify({ ...doc, _rev: expectedRev + 1 });
    const next = JSON.parse(json) as StoredDoc;
    return this.exclusive(async () => {
      const current = this.docs.get(doc._id);
      if (current?._rev !== expectedRev) throw new RevisionConflictError(this.name, doc._id, expectedRev);
      this.checkUnique(next);
      return this.write(current, next, json);
    });
  }

  async delete(id: string, expectedRev?: number): Promise<boolean> {
    this.env.assertOpen();
    checkId(id);
    if (expectedRev !== undefined) checkRevision(expectedRev);
    return this.exclusive(async () => {
      const current = this.docs.get(id);
      if (!current) return false;
      if (expectedRev !== undefined && current._rev !== expectedRev) {
        throw new RevisionConflictError(this.name, id, expectedRev);
      }
      await this.journal.append([deleteLine(id)]);
      this.apply(current, null);
      this.scheduleCompactionIfDue();
      return true;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    this.env.assertOpen();
    checkFilter(filter);
    return this.exclusive(async () => {
      const doomed = this.matching(filter);
      if (doomed.length === 0) return 0;
      await this.journal.append(doomed.map((doc) => deleteLine(doc._id)));
      for (const doc of doomed) this.apply(doc, null);
      this.scheduleCompactionIfDue();
      return doomed.length;
    });
  }
}
