// MongoDB's order of values, as far as the stored JSON values need it: missing and null first,
// then numbers, strings, objects, arrays, booleans (BSON type order); strings by code point,
// which is what MongoDB's binary UTF-8 comparison amounts to.
import { valuesAtPath } from './field-path';

function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (typeof value === 'object') return 4;
  if (typeof value === 'boolean') return 8;
  return 9;
}

// UTF-16 code units put surrogates (U+D800–DFFF) below U+E000–FFFF; code points put them above.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

export function compareValues(a: unknown, b: unknown): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    return compareStrings(JSON.stringify(a), JSON.stringify(b));
  }
  return 0;
}

/**
 * The value a document sorts by on `path`: for an array, its smallest element ascending and its
 * largest descending (MongoDB); a missing field sorts as null.
 */
export function sortKey(doc: unknown, path: string, direction: 1 | -1): unknown {
  const candidates = valuesAtPath(doc, path).filter((v) => !Array.isArray(v));
  let key: unknown = null;
  let first = true;
  for (const value of candidates) {
    const v = value === undefined ? null : value;
    if (first || compareValues(v, key) * direction < 0) key = v;
    first = false;
  }
  return key;
}

/** Sorts documents by the given keys in order (the caller appends the `_id` tie-break). */
export function sortDocuments<T>(docs: T[], keys: readonly [string, 1 | -1][]): T[] {
  const decorated = docs.map((doc) => ({ doc, keys: keys.map(([path, dir]) => sortKey(doc, path, dir)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(x.keys[i], y.keys[i]);
      if (c !== 0) return c * keys[i]![1];
    }
    return 0;
  });
  return decorated.map((d) => d.doc);
}
