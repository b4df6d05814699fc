import { ContractError, parseEvent, type HotlineEvent } from '@hotline/contracts';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { defaultIsRetryable } from './delivery-policy';
import type { DeliveredRecord, EventBus, Subscription } from './event-bus';

const tracer = trace.getTracer('@hotline/event-bus');

/**
 * Remembers which events a consumer group has handled, so a redelivered event (at-least-once)
 * changes nothing the second time.
 */
export interface IdempotencyGuard {
  seen(group: string, eventId: string): Promise<boolean>;
  remember(group: string, eventId: string): Promise<void>;
}

export interface ConsumeEventsOptions {
  bus: EventBus;
  group: string;
  topics: string[];
  fromBeginning?: boolean;
  handle: (event: HotlineEvent, meta: DeliveredRecord) => Promise<void>;
  dedupe?: IdempotencyGuard;
  /** Attempts before a failing event is dead-lettered. Default: the bus default (3). */
  maxAttempts?: number;
  /** Default: Topics.deadLetter. */
  deadLetterTopic?: string;
}

/**
 * Subscribes with validation: a record that is not a valid event of the catalog is dead-lettered
 * at once (its bytes will not get better on retry) and the consumer moves on.
 */
export function consumeEvents(options: ConsumeEventsOptions): Promise<Subscription> {
  const { bus, group, handle, dedupe } = options;
  return bus.subscribe({
    group,
    topics: options.topics,
    fromBeginning: options.fromBeginning,
    maxAttempts: options.maxAttempts,
    deadLetterTopic: options.deadLetterTopic,
    isRetryable: (err) => !(err instanceof ContractError) && defaultIsRetryable(err),
    handler: async (record) => {
      const event = parseEvent(record.value);
      if (dedupe && (await dedupe.seen(group, event.id))) return;
      // One span per handled event, a child of the trace the record carried (one call is one
      // trace): what each consumer group did with the call shows up in it. Events this handler
      // publishes carry the span as their parent.
      await tracer.startActiveSpan(
        `${event.type} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': bus.kind === 'kafka' ? 'kafka' : 'in-process',
            'messaging.destination.name': record.topic,
            'messaging.consumer.group.name': group,
            'messaging.message.id': event.id,
            'hotline.event.type': event.type,
            'hotline.event.key': event.key,
          },
        },
        async (span) => {
          try {
            await handle(event, record);
          } catch (err) {
            span.recordException(err instanceof Error ? err : String(err));
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        },
      );
      // Only after the handler succeeded: a crash in between redelivers, and the handler runs again.
      await dedupe?.remember(group, event.id);
    },
  });
}
