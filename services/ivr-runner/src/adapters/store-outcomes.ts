import { DuplicateKeyError, type DocumentStore, type StoredDoc } from '@hotline/document-store';
import type { OutcomeStore } from '../domain/ports';

/** Voicemails, callbacks and survey answers, one document each under the id the engine gave it. */
export function createStoreOutcomes(store: DocumentStore): OutcomeStore {
  return {
    async store(tenantId, effect) {
      const collection = store.collection<StoredDoc & Record<string, unknown>>(effect.collection);
      try {
        await collection.insert({ ...effect.document, tenantId, _id: effect.id });
      } catch (err) {
        // A replayed step stores the same document again: the first copy stands.
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
    },
  };
}
