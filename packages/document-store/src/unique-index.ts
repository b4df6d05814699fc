// A unique index of the embedded store, kept in memory. Keys follow MongoDB: a field reached
// through arrays contributes each element (a multikey index), a missing field counts as null,
// and a compound index takes every combination of its fields' values.
import type { IndexSpec, StoredDoc } from './document-store';
import { valuesAtPath } from './field-path';

function keyPart(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  // JSON keeps the type apart (1 vs "1") and writes -0 as 0, which MongoDB also treats as equal.
  return JSON.stringify(value);
}

function fieldParts(doc: StoredDoc, path: string): string[] {
  const values = valuesAtPath(doc, path).filter((v) => !Array.isArray(v));
  // An empty array is indexed as one null-like key, like a missing field.
  return values.length === 0 ? ['z'] : [...new Set(values.map(keyPart))];
}

export class UniqueIndex {
  private readonly owners = new Map<string, string>();
  private readonly paths: string[];

  constructor(readonly spec: IndexSpec) {
    this.paths = Object.keys(spec.fields);
  }

  keysOf(doc: StoredDoc): string[] {
    let keys = [''];
    for (const path of this.paths) {
      const parts = fieldParts(doc, path);
      keys = keys.flatMap((prefix) => parts.map((part) => `${prefix}\u0000${part}`));
    }
    return keys;
  }

  /** The id of the document holding `key`, if any. */
  ownerOf(key: string): string | undefined {
    return this.owners.get(key);
  }

  /** Whether storing `doc` would share a key with a document other than itself. */
  conflicts(doc: StoredDoc): boolean {
    return this.keysOf(doc).some((key) => {
      const owner = this.owners.get(key);
      return owner !== undefined && owner !== doc._id;
    });
  }

  add(doc: StoredDoc): void {
    for (const key of this.keysOf(doc)) this.owners.set(key, doc._id);
  }

  remove(doc: StoredDoc): void {
    for (const key of this.keysOf(doc)) {
      if (this.owners.get(key) === doc._id) this.owners.delete(key);
    }
  }
}

/** Two specs describe the same index (same fields in the same order, same uniqueness). */
export function sameIndex(a: IndexSpec, b: IndexSpec): boolean {
  const fa = Object.entries(a.fields);
  const fb = Object.entries(b.fields);
  return (
    Boolean(a.unique) === Boolean(b.unique) &&
    fa.length === fb.length &&
    fa.every(([path, dir], i) => fb[i]?.[0] === path && fb[i]?.[1] === dir)
  );
}
