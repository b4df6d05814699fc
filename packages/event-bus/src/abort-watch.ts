/**
 * One listener on an AbortSignal for a member's whole life. Each wait or attempt registers a
 * plain callback here instead of adding and removing its own EventTarget listener, which showed
 * up per delivered record in profiles of `hotline up`.
 */
export class AbortWatch {
  private readonly callbacks = new Map<(value: never) => void, unknown>();
  // A plain field: AbortSignal#aborted validates its receiver on every read (once per record).
  private isAborted: boolean;

  constructor(readonly signal: AbortSignal) {
    this.isAborted = signal.aborted;
    signal.addEventListener(
      'abort',
      () => {
        this.isAborted = true;
        const waiting = [...this.callbacks];
        this.callbacks.clear();
        for (const [callback, value] of waiting) (callback as (value: unknown) => void)(value);
      },
      { once: true },
    );
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  /**
   * Calls `callback(value)` once when the signal aborts, unless removed first. Taking the value
   * lets a caller register a promise's own resolve function instead of a closure per wait.
   */
  add<T>(callback: (value: T) => void, value: T): void {
    this.callbacks.set(callback, value);
  }

  remove(callback: (value: never) => void): void {
    this.callbacks.delete(callback);
  }
}
