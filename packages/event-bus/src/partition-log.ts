import { parseEvent, type HotlineEvent } from '@hotline/contracts';
import type { Context } from '@opentelemetry/api';
import type { AbortWatch } from './abort-watch';
import { deepFreeze, type SharedEventSource } from './shared-event';
import { extractTraceContext } from './trace-context';

/**
 * How many of a partition's newest records keep their parsed event and trace context for the
 * groups still to read them. Groups that keep up read within this window; one further behind
 * parses for itself, so the cache stays small however long the retention is.
 */
export const SHARED_WINDOW = 512;

/** A record of a partition. Its bytes and headers never change once appended. */
export class StoredRecord implements SharedEventSource {
  private event: HotlineEvent | undefined;
  private context: Context | undefined;

  constructor(
    readonly offset: number,
    readonly key: string,
    readonly value: Buffer,
    readonly headers: Record<string, string>,
    /** The publisher's validated event (publishEvents in this process): no parse needed. */
    published?: HotlineEvent,
  ) {
    if (published) this.event = deepFreeze(published);
  }

  // Parsed and validated once for all consumer groups (or taken as published, validated by
  // makeEvent): the bytes are immutable, so every group would get an equal event anyway, and the
  // event is frozen so no group can change it for the others. A record that fails validation is
  // not cached: each group throws and dead-letters it.
  sharedEvent(): HotlineEvent {
    return (this.event ??= deepFreeze(parseEvent(this.value)));
  }

  /** The trace context the headers carry (contexts are immutable, so groups can share one). */
  traceContext(): Context {
    return (this.context ??= extractTraceContext(this.headers));
  }

  forgetShared(): void {
    this.event = undefined;
    this.context = undefined;
  }
}

/** How often (in appends) a partition drops the records every reading group is done with. */
const TRIM_EVERY = 32;

export interface PartitionRetention {
  /** Records kept at most, read or not. */
  retention: number;
  /** Records kept once every reading group has committed past them (for groups that join later). */
  keepConsumed: number;
  /**
   * The lowest next offset the groups reading this partition have committed; undefined when no
   * group reads it (then only `retention` bounds the log).
   */
  consumedUpTo: () => number | undefined;
}

/**
 * One partition of the in-process bus: an append-only log. It keeps every record a reading group
 * has not committed yet (up to `retention`, the newest), and of the records every group is done
 * with only the newest `keepConsumed`: a process under load would otherwise hold tens of
 * thousands of delivered records (their bytes and parsed events) it never reads again. Offsets
 * keep counting when old records are dropped, as in Kafka.
 */
export class PartitionLog {
  private readonly records: StoredRecord[] = [];
  private start = 0;
  private readonly waiters = new Set<() => void>();
  private sinceTrim = 0;

  constructor(private readonly options: PartitionRetention) {}

  /** Offset of the oldest record still kept. */
  get startOffset(): number {
    return this.start;
  }

  /** Offset the next appended record gets. */
  get endOffset(): number {
    return this.start + this.records.length;
  }

  append(record: {
    key: string;
    value: Buffer;
    headers: Record<string, string>;
    event?: HotlineEvent;
  }): number {
    const offset = this.endOffset;
    this.records.push(new StoredRecord(offset, record.key, record.value, record.headers, record.event));
    this.records[this.records.length - 1 - SHARED_WINDOW]?.forgetShared();
    if (this.records.length > this.options.retention) {
      this.records.shift();
      this.start += 1;
    }
    if (++this.sinceTrim >= TRIM_EVERY) {
      this.sinceTrim = 0;
      this.dropConsumed();
    }
    if (this.waiters.size > 0) {
      const waiting = [...this.waiters];
      this.waiters.clear();
      for (const wake of waiting) wake();
    }
    return offset;
  }

  private dropConsumed(): void {
    const consumed = this.options.consumedUpTo();
    if (consumed === undefined) return;
    const keepFrom = Math.min(consumed, this.endOffset - this.options.keepConsumed);
    const drop = keepFrom - this.start;
    if (drop <= 0) return;
    this.records.splice(0, drop);
    this.start += drop;
  }

  at(offset: number): StoredRecord | undefined {
    return offset < this.start ? undefined : this.records[offset - this.start];
  }

  /** Whether a group reading `offset` now should use the record's shared event and context. */
  isShared(offset: number): boolean {
    return offset >= this.endOffset - SHARED_WINDOW;
  }

  /** Resolves once a record exists at `offset` or beyond, or when the member stops. */
  waitFor(offset: number, stopping: AbortWatch): Promise<void> {
    if (offset < this.endOffset || stopping.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      // A stopping member is woken too. No named closures here: under tsx (how `hotline up`
      // runs) each costs a defineProperty per wait, and a caught-up group waits once per record.
      stopping.add(resolve, undefined);
      this.waiters.add(() => {
        stopping.remove(resolve);
        resolve();
      });
    });
  }
}
