// One collection of the embedded store: documents in memory, every change in a journal.
//
// Writes of a collection are committed in groups: while one batch is being appended and synced,
// the writes that arrive queue up and form the next batch, which then costs one append and one
// fdatasync however many writes it holds (write-batch.ts). Within a batch each write is checked
// in arrival order against the durable state plus the writes accepted before it, so a revision
// check and the write it guards cannot interleave with another write, exactly as if they ran
// one at a time. A batch is applied to memory only once its lines are synced, and a failed
// append fails every write of its batch with nothing of it applied, so memory only ever shows
// what is durable. Index creation and compaction run alone between batches. Reads do not wait:
// they see the last applied batch.
import { setImmediate as nextTurn } from 'node:timers';
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
import { WriteBatch } from './write-batch';

export interface CompactionPolicy {
  /** Never compact a journal shorter than this many lines. */
  minEntries: number;
  /** Compact once the journal has more than `ratio` lines per live document. */
  ratio: number;
}

export interface CollectionEnv {
  policy: CompactionPolicy;
  /** False: one write per append and sync, as before group commit (for comparisons only). */
  groupCommit: boolean;
  warn(message: string): void;
  assertOpen(): void;
}

/** Bounds one append, so a backlog is synced in steps and its first writes resolve early. */
const MAX_BATCH = 1024;

type Settle = { resolve(value: unknown): void; reject(err: unknown): void };
/** A write: checks itself against the batch so far, stages its change, returns its result. */
type WriteOp = Settle & { kind: 'write'; stage(batch: WriteBatch): unknown };
/** Runs alone between batches (index creation, compaction). */
type TaskOp = Settle & { kind: 'task'; run(): Promise<unknown> };

function sameFields(a: IndexSpec, b: IndexSpec): boolean {
  return sameIndex({ ...a, unique: false }, { ...b, unique: false });
}

export class EmbeddedCollection implements Collection<StoredDoc> {
  private readonly docs = new Map<string, StoredDoc>();
  private specs: IndexSpec[] = [];
  private unique: UniqueIndex[] = [];
  private readonly waiting: (WriteOp | TaskOp)[] = [];
  private pumping: Promise<void> | null = null;
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
    while (this.pumping) await this.pumping;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.journal.close();
  }

  private enqueue<R>(op: (settle: Settle) => WriteOp | TaskOp): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push(op({ resolve: resolve as (value: unknown) => void, reject }));
      this.pumping ??= this.pump();
    });
  }

  private exclusive<R>(run: () => Promise<R>): Promise<R> {
    return this.enqueue((settle) => ({ kind: 'task', run, ...settle }));
  }

  /** Queues a write; `stage` throws to refuse it (conflict) or stages it and returns its result. */
  private batched<R>(stage: (batch: WriteBatch) => R): Promise<R> {
    return this.enqueue((settle) => ({ kind: 'write', stage, ...settle }));
  }

  /** Runs the queue until it is empty: tasks alone, consecutive writes as one batch each. */
  private async pump(): Promise<void> {
    // Writes issued in the same turn of the event loop as the first one join its batch (several
    // events handled in one turn under load). nextTurn is bound at import, so a test's fake
    // timers cannot hold writes back.
    await new Promise((resolve) => nextTurn(resolve));
    for (let head = this.waiting[0]; head; head = this.waiting[0]) {
      if (head.kind === 'task') {
        this.waiting.shift();
        await head.run().then(head.resolve, head.reject);
        continue;
      }
      const limit = this.env.groupCommit ? Math.min(MAX_BATCH, this.waiting.length) : 1;
      let count = 1;
      while (count < limit && this.waiting[count]?.kind === 'write') count++;
      const ops = this.waiting.splice(0, count) as WriteOp[];
      // Settling an already settled write is a no-op: this only catches a bug in commit.
      await this.commit(ops).catch((err: unknown) => ops.forEach((op) => op.reject(err)));
    }
    // No await since the loop found the queue empty: the next enqueue starts a new pump.
    this.pumping = null;
  }

  /** Checks and stages `ops` in order, appends their lines with one sync, then applies them. */
  private async commit(ops: WriteOp[]): Promise<void> {
    const batch = new WriteBatch(this.docs, this.unique);
    const accepted: [WriteOp, unknown][] = [];
    for (const op of ops) {
      try {
        accepted.push([op, op.stage(batch)]);
      } catch (err) {
        op.reject(err);
      }
    }
    if (batch.lines.length > 0) {
      try {
        await this.journal.append(batch.lines);
      } catch (err) {
        // The journal cut the file back to before the batch; memory never saw it.
        for (const [op] of accepted) op.reject(err);
        return;
      }
      for (const [id, next] of batch.changes) this.apply(this.docs.get(id), next);
      this.scheduleCompactionIfDue();
    }
    for (const [op, result] of accepted) op.resolve(result);
  }

  private apply(previous: StoredDoc | undefined, next: StoredDoc | null): void {
    for (const index of this.unique) {
      if (previous) index.remove(previous);
      if (next) index.add(next);
    }
    if (next) this.docs.set(next._id, next);
    else if (previous) this.docs.delete(previous._id);
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

  /** Stages `next` (whose exact JSON text is `json`); returns the caller's copy of it. */
  private stagePut(
    batch: WriteBatch,
    previous: StoredDoc | undefined,
    next: StoredDoc,
    json: string,
  ): StoredDoc {
    const broken = batch.conflict(next);
    if (broken) throw new DuplicateKeyError(this.name, broken.spec.name);
    batch.stage(previous, next, next._id, putLine(json));
    // A second parse of the same text: cheaper than structuredClone, and equally detached from
    // the stored object.
    return JSON.parse(json) as StoredDoc;
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
    return this.batched((batch) => {
      if (batch.get(doc._id)) throw new DuplicateKeyError(this.name, '_id_');
      return this.stagePut(batch, undefined, next, json);
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

  /** Documents matching `filter` in memory, or as `batch` would leave them. */
  private matching(filter: Filter, batch?: WriteBatch): StoredDoc[] {
    const byId = filter._id;
    const candidates =
      typeof byId === 'string'
        ? [batch ? batch.get(byId) : this.docs.get(byId)].filter((d) => d !== undefined)
        : [...(batch ? batch.all() : this.docs.values())];
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
    return this.batched((batch) => {
      const current = batch.get(doc._id);
      if (current?._rev !== expectedRev) throw new RevisionConflictError(this.name, doc._id, expectedRev);
      return this.stagePut(batch, current, next, json);
    });
  }

  async delete(id: string, expectedRev?: number): Promise<boolean> {
    this.env.assertOpen();
    checkId(id);
    if (expectedRev !== undefined) checkRevision(expectedRev);
    return this.batched((batch) => {
      const current = batch.get(id);
      if (!current) return false;
      if (expectedRev !== undefined && current._rev !== expectedRev) {
        throw new RevisionConflictError(this.name, id, expectedRev);
      }
      batch.stage(current, null, id, deleteLine(id));
      return true;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    this.env.assertOpen();
    checkFilter(filter);
    return this.batched((batch) => {
      const doomed = this.matching(filter, batch);
      for (const doc of doomed) batch.stage(doc, null, doc._id, deleteLine(doc._id));
      return doomed.length;
    });
  }
}
