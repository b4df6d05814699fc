import { serializeEvent, topicOf, type HotlineEvent } from '@hotline/contracts';
import type { BusRecord, EventBus } from './event-bus';
import { selectorHeaders } from './event-type-filter';

export const EVENT_CONTENT_TYPE = 'application/json';

/** The bus record of an event: on its catalog topic, keyed so one call's events stay in order. */
export function eventRecord(event: HotlineEvent): BusRecord {
  return {
    topic: topicOf(event.type),
    key: event.key,
    value: serializeEvent(event),
    event,
    headers: {
      'content-type': EVENT_CONTENT_TYPE,
      ...selectorHeaders(event),
      ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    },
  };
}

/** Publishes events in order; resolves once the bus durably accepted all of them. */
export async function publishEvents(bus: EventBus, events: HotlineEvent[]): Promise<void> {
  await bus.publish(events.map(eventRecord));
}
