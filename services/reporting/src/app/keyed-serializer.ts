/**
 * Runs tasks with the same key one after another (others in parallel). A call's events arrive on
 * several partitions at once (the agent topic is keyed by agent); rebuilding its record one at a
 * time keeps this process from writing an older rebuild over a newer one.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
