// Optimistic concurrency: a change computed from what was read commits only if nothing changed
// meanwhile (AcdStore.commit); on a conflict the whole read-compute-commit starts over.

export class Conflict extends Error {}

const maxConflicts = 8;

export async function retrying(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fn();
      return;
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= maxConflicts) throw error;
    }
  }
}
