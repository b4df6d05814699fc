import { ContractError, type HotlineEvent } from '@hotline/contracts';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { defaultIsRetryable } from './delivery-policy';
import type { DeliveredRecord, EventBus, Subscription } from './event-bus';
import { commandActionOf, selects, type EventSelector } from './event-type-filter';
import { eventOf } from './shared-event';

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
  /**
   * Handles one validated event. Treat the event as read-only: on the in-process bus every group
   * gets the same deep-frozen object (parsed once per record), so a write throws there.
   */
  handle: (event: HotlineEvent, meta: DeliveredRecord) => Promise<void>;
  dedupe?: IdempotencyGuard;
  /** Attempts before a failing event is dead-lettered. Default: the bus default (3). */
  maxAttempts?: number;
  /** Default: Topics.deadLetter. */
  deadLetterTopic?: string;
  /** A group whose lag does not hold up a call: see SubscribeOptions.background. */
  background?: boolean;
  /**
   * The event types (or call command events of one action) `handle` does something with. Records
   * of others are committed without a delivery (no parse, no idempotency check, no span): see
   * SubscribeOptions.types. Default: all.
   */
  types?: readonly EventSelector[];
}

/**
 * Subscribes with validation: a record that is not a valid event of the catalog is dead-lettered
 * at once (its bytes will not get better on retry) and the consumer moves on.
 */
export function consumeEvents(options: ConsumeEventsOptions): Promise<Subscription> {
  const { bus, group, handle, dedupe } = options;
  const messagingSystem = bus.kind === 'kafka' ? 'kafka' : 'in-process';
  const wanted = options.types ? new Set<string>(options.types) : undefined;
  // A record without the type header reaches the handler whatever its type: decided here.
  const handles = (event: HotlineEvent) => !wanted || selects(wanted, event.type, commandActionOf(event));

  // One span per handled event, a child of the trace the record carried (one call is one trace):
  // what each consumer group did with the call shows up in it. Events the handler publishes carry
  // the span as their parent.
  const handleInSpan = (event: HotlineEvent, record: DeliveredRecord): Promise<void> => {
    const parent = context.active();
    const span = tracer.startSpan(`${event.type} process`, { kind: SpanKind.CONSUMER }, parent);
    // Nothing records it (no tracer provider, as `hotline up` runs with HOTLINE_TRACES=none, or
    // not sampled): the span is a stand-in carrying the parent's trace, so the active context
    // already propagates the same trace id; attributes and a context of its own are skipped.
    if (!span.isRecording()) return handle(event, record);
    // Set after the start (the parent-based sampler the platform configures reads none of them).
    span.setAttributes({
      'messaging.system': messagingSystem,
      'messaging.destination.name': record.topic,
      'messaging.consumer.group.name': group,
      'messaging.message.id': event.id,
      'hotline.event.type': event.type,
      'hotline.event.key': event.key,
    });
    return context.with(trace.setSpan(parent, span), handle, undefined, event, record).then(
      () => span.end(),
      (err: unknown) => {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      },
    );
  };

  return bus.subscribe({
    group,
    topics: options.topics,
    fromBeginning: options.fromBeginning,
    maxAttempts: options.maxAttempts,
    ...(options.background ? { background: true } : {}),
    deadLetterTopic: options.deadLetterTopic,
    isRetryable: (err) => !(err instanceof ContractError) && defaultIsRetryable(err),
    // eventOf throws ContractError for a record that is no valid event; the bus treats a throw
    // like a rejection, so it is dead-lettered at once either way.
    ...(options.types ? { types: options.types } : {}),
    handler: dedupe
      ? async (record, shared) => {
          const event = eventOf(record, shared);
          if (!handles(event)) return;
          if (await dedupe.seen(group, event.id)) return;
          await handleInSpan(event, record);
          // Only after the handler succeeded: a crash in between redelivers, and the handler runs again.
          await dedupe.remember(group, event.id);
        }
      : (record, shared) => {
          const event = eventOf(record, shared);
          return handles(event) ? handleInSpan(event, record) : Promise.resolve();
        },
  });
}
