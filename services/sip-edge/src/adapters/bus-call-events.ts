import { makeEvent, type EventData, type EventType, type HotlineEvent } from '@hotline/contracts';
import { publishEvents, type EventBus } from '@hotline/event-bus';
import { startRootSpan, type RootSpan } from '@hotline/platform';
import type { CallEventSink } from '../domain/ports';

/**
 * Publishes call events on the bus one at a time per call (Kafka keeps per-key order only for
 * records it received in order), each call with its own W3C trace so one call is one trace: the
 * call's root span, from its first event to call.ended, which every service's work joins.
 */
export class BusCallEvents implements CallEventSink {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly traces = new Map<string, RootSpan>();

  constructor(
    private readonly bus: EventBus,
    private readonly source = 'sip-edge',
  ) {}

  emit<T extends EventType>(type: T, tenantId: string, data: EventData<T>): Promise<void> {
    const callId = (data as { callId?: string }).callId ?? '';
    const traceparent = this.traceOf(callId, tenantId);
    const event = makeEvent({ type, tenantId, source: this.source, data, traceparent });
    // After the call's previous event, whether or not that one made it (two promises per event:
    // this runs for every call event, on the thread that carries every call).
    const publish = (): Promise<void> => publishEvents(this.bus, [event as HotlineEvent]);
    const previous = this.chains.get(callId) ?? Promise.resolve();
    const next = previous.then(publish, publish);
    this.chains.set(callId, next);
    const root = type === 'call.ended' ? this.traces.get(callId) : undefined;
    const settled = (): void => {
      root?.end();
      if (this.chains.get(callId) === next) {
        this.chains.delete(callId);
        if (type === 'call.ended') this.traces.delete(callId);
      }
    };
    void next.then(settled, settled);
    return next;
  }

  /** Waits for everything published so far (drain). */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()].map((p) => p.catch(() => undefined)));
  }

  private traceOf(callId: string, tenantId: string): string {
    let trace = this.traces.get(callId);
    if (!trace) {
      trace = startRootSpan('call', { 'hotline.call.id': callId, 'hotline.tenant.id': tenantId });
      this.traces.set(callId, trace);
    }
    return trace.traceparent;
  }
}
