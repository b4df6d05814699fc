// How MongoDB resolves a dotted path against a document, which filters, sorts and unique
// indexes of the embedded store all follow: an array met on the way is entered element by
// element ("phones.kind" reaches the kind of every phone), an array at the end of the path is
// reached both as itself and as each of its elements ("tags": "x" means "tags contains x").

/** Marks a path that ends at a document lacking the field (MongoDB's "missing"). */
export const MISSING = undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(value: unknown, parts: readonly string[], at: number, out: unknown[]): void {
  if (at === parts.length) {
    out.push(value);
    if (Array.isArray(value)) out.push(...(value as unknown[]));
    return;
  }
  const part = parts[at]!;
  if (Array.isArray(value)) {
    // A numeric part indexes the array ("phones.0.kind"); otherwise each sub-document is asked.
    // Nested arrays are not entered implicitly, as in MongoDB.
    if (/^\d+$/.test(part)) {
      const index = Number(part);
      if (index < value.length) collect(value[index], parts, at + 1, out);
      for (const element of value) {
        if (isObject(element) && Object.hasOwn(element, part)) collect(element[part], parts, at + 1, out);
      }
      return;
    }
    for (const element of value) if (isObject(element)) collect(element, parts, at, out);
    return;
  }
  if (isObject(value) && Object.hasOwn(value, part)) {
    collect(value[part], parts, at + 1, out);
    return;
  }
  out.push(MISSING);
}

/** Every value `path` reaches in `doc`; `undefined` stands for a missing field. */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}
