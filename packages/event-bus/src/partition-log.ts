export interface StoredRecord {
  offset: number;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * One partition of the in-process bus: an append-only log keeping its newest `retention`
 * records. Offsets keep counting when old records are dropped, as in Kafka.
 */
export class PartitionLog {
  private readonly records: StoredRecord[] = [];
  private start = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly retention: number) {}

  /** Offset of the oldest record still kept. */
  get startOffset(): number {
    return this.start;
  }

  /** Offset the next appended record gets. */
  get endOffset(): number {
    return this.start + this.records.length;
  }

  append(record: Omit<StoredRecord, 'offset'>): number {
    const offset = this.endOffset;
    this.records.push({ ...record, offset });
    if (this.records.length > this.retention) {
      this.records.shift();
      this.start += 1;
    }
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
    return offset;
  }

  at(offset: number): StoredRecord | undefined {
    return offset < this.start ? undefined : this.records[offset - this.start];
  }

  /** Resolves once a record exists at `offset` or beyond, or when the signal aborts. */
  waitFor(offset: number, signal: AbortSignal): Promise<void> {
    if (offset < this.endOffset || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
