// Where the ACD's events go: the bus in production, a list in tests and in the benchmark.

import { type EventData, type EventType, type HotlineEvent, makeEvent } from '@hotline/contracts';
import { type EventBus, publishEvents } from '@hotline/event-bus';

export interface EventSink {
  publish(events: HotlineEvent[]): Promise<void>;
}

export function busSink(bus: EventBus): EventSink {
  return { publish: (events) => (events.length === 0 ? Promise.resolve() : publishEvents(bus, events)) };
}

/** Keeps what was published, for tests. */
export class MemorySink implements EventSink {
  readonly events: HotlineEvent[] = [];
  async publish(events: HotlineEvent[]): Promise<void> {
    this.events.push(...events);
  }
  ofType<T extends EventType>(type: T): EventData<T>[] {
    return this.events.filter((e) => e.type === type).map((e) => e.data as EventData<T>);
  }
  clear(): void {
    this.events.length = 0;
  }
}

/** Collects one operation's events so they are published together, in order. */
export class Outbox {
  readonly events: HotlineEvent[] = [];
  constructor(
    private readonly tenantId: string,
    private readonly now: number,
    private readonly traceparent?: string,
  ) {}
  add<T extends EventType>(type: T, data: EventData<T>): void {
    this.events.push(
      makeEvent<EventType>({
        type,
        tenantId: this.tenantId,
        source: 'acd-router',
        data,
        occurredAt: new Date(this.now),
        ...(this.traceparent ? { traceparent: this.traceparent } : {}),
      } as Parameters<typeof makeEvent<EventType>>[0]),
    );
  }
}
