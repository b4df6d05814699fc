import { randomBytes } from 'node:crypto';
import { makeEvent, type EventData, type EventType, type HotlineEvent } from '@hotline/contracts';
import { publishEvents, type EventBus } from '@hotline/event-bus';
import type { CallEventSink } from '../domain/ports';

/**
 * Publishes call events on the bus one at a time per call (Kafka keeps per-key order only for
 * records it received in order), each call with its own W3C trace so one call is one trace.
 */
export class BusCallEvents implements CallEventSink {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly traces = new Map<string, string>();

  constructor(
    private readonly bus: EventBus,
    private readonly source = 'sip-edge',
  ) {}

  emit<T extends EventType>(type: T, tenantId: string, data: EventData<T>): Promise<void> {
    const callId = (data as { callId?: string }).callId ?? '';
    const traceparent = this.traceOf(callId);
    const event = makeEvent({ type, tenantId, source: this.source, data, traceparent });
    const previous = this.chains.get(callId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => publishEvents(this.bus, [event as HotlineEvent]));
    this.chains.set(callId, next);
    void next
      .finally(() => {
        if (this.chains.get(callId) === next) {
          this.chains.delete(callId);
          if (type === 'call.ended') this.traces.delete(callId);
        }
      })
      .catch(() => undefined);
    return next;
  }

  /** Waits for everything published so far (drain). */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()].map((p) => p.catch(() => undefined)));
  }

  private traceOf(callId: string): string {
    let trace = this.traces.get(callId);
    if (!trace) {
      trace = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      this.traces.set(callId, trace);
    }
    return trace;
  }
}
