// The index definitions of one embedded collection, kept beside its journal so unique indexes
// hold again after a restart. Fields are stored as [path, direction] pairs: a JSON object would
// reorder integer-like keys, and a compound index's field order is part of its definition.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IndexSpec } from './document-store';
import { syncDirectory } from './journal';

interface SavedIndex {
  name: string;
  fields: [string, 1 | -1][];
  unique: boolean;
}

export async function readIndexSpecs(path: string): Promise<IndexSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const saved = (JSON.parse(text) as { indexes: SavedIndex[] }).indexes;
  return saved.map((s) => ({ name: s.name, fields: Object.fromEntries(s.fields), unique: s.unique }));
}

export async function writeIndexSpecs(path: string, specs: IndexSpec[]): Promise<void> {
  const saved: SavedIndex[] = specs.map((s) => ({
    name: s.name,
    fields: Object.entries(s.fields),
    unique: Boolean(s.unique),
  }));
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ indexes: saved }, null, 2)}\n`, { flush: true });
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}
