// One group commit of an embedded collection: the writes that queued up while the previous
// commit was being synced, checked one after another and then appended and synced together.
//
// Each write is checked (revision, duplicate `_id`, unique indexes) against the durable state
// plus the writes accepted before it in this batch, exactly as if they had run one at a time.
// Nothing here touches the collection's memory: the batch only records what it would change,
// and the collection applies that once the batch's lines are synced (or drops it if the append
// fails), so reads never see a write that is not durable.
//
// A crash in the middle of a batch's append can leave a prefix of its lines on disk (the torn
// last one is dropped at load). Since the writes were checked in order, each against the ones
// before it, any prefix is a state the writes run one at a time would also have passed through;
// none of them had resolved, so no caller was told otherwise.
import type { StoredDoc } from './document-store';
import type { UniqueIndex } from './unique-index';

export class WriteBatch {
  /** Journal lines of the accepted writes, in order. */
  readonly lines: string[] = [];
  /** Accepted changes in order: the document's id and its new version (null: deleted). */
  readonly changes: [string, StoredDoc | null][] = [];
  /** Each document this batch changed, as it stands after the batch (null: deleted). */
  private readonly staged = new Map<string, StoredDoc | null>();
  /** Per unique index, the keys whose owner this batch changed (null: no owner any more). */
  private readonly owners: Map<string, string | null>[];

  constructor(
    private readonly docs: ReadonlyMap<string, StoredDoc>,
    private readonly unique: readonly UniqueIndex[],
  ) {
    this.owners = unique.map(() => new Map());
  }

  /** The document as the batch's earlier writes left it. */
  get(id: string): StoredDoc | undefined {
    const staged = this.staged.get(id);
    return staged === undefined ? this.docs.get(id) : (staged ?? undefined);
  }

  /** Every document as the batch's earlier writes left them. */
  *all(): Iterable<StoredDoc> {
    for (const [id, doc] of this.docs) if (!this.staged.has(id)) yield doc;
    for (const doc of this.staged.values()) if (doc) yield doc;
  }

  private ownerOf(i: number, key: string): string | undefined {
    const changed = this.owners[i]!.get(key);
    return changed === undefined ? this.unique[i]!.ownerOf(key) : (changed ?? undefined);
  }

  /** The first unique index `doc` would break, given the batch's earlier writes. */
  conflict(doc: StoredDoc): UniqueIndex | undefined {
    return this.unique.find((index, i) =>
      index.keysOf(doc).some((key) => {
        const owner = this.ownerOf(i, key);
        return owner !== undefined && owner !== doc._id;
      }),
    );
  }

  /** Records a checked write: `next` replaces `previous` (either may be absent). */
  stage(previous: StoredDoc | undefined, next: StoredDoc | null, id: string, line: string): void {
    // Same steps as UniqueIndex.remove then add, on the batch's view of the owners.
    this.unique.forEach((index, i) => {
      const owners = this.owners[i]!;
      if (previous) {
        for (const key of index.keysOf(previous)) {
          if (this.ownerOf(i, key) === previous._id) owners.set(key, null);
        }
      }
      if (next) for (const key of index.keysOf(next)) owners.set(key, next._id);
    });
    this.staged.set(id, next);
    this.changes.push([id, next]);
    this.lines.push(line);
  }
}
