import type { DocumentStore } from '@hotline/document-store';

/** Something holding records folded but not yet written: writes them when asked. */
export interface PendingFolds {
  flush(): Promise<void>;
}

// The ingests running in this process, by the store they write to. Reporting writes a changed
// record at most every few hundred milliseconds; a query in the same process (the API of
// `hotline up`, the real-time publisher) asks them to write first, so it reads everything
// consumed so far. A query in another process reads what was written, at most that long ago.
const running = new WeakMap<DocumentStore, Set<PendingFolds>>();

export function registerPendingFolds(store: DocumentStore, folds: PendingFolds): () => void {
  let set = running.get(store);
  if (!set) running.set(store, (set = new Set()));
  set.add(folds);
  return () => void set.delete(folds);
}

/** Writes what the ingests on this store have folded so far. */
export async function settlePendingFolds(store: DocumentStore): Promise<void> {
  const set = running.get(store);
  if (set && set.size > 0) await Promise.all([...set].map((f) => f.flush()));
}
