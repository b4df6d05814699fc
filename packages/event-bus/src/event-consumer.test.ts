import { makeEvent, Topics } from '@hotline/contracts';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableTracePropagation } from '../test/support/trace-propagation';
import { waitFor } from '../test/support/wait-for';
import type { DeliveredRecord } from './event-bus';
import { consumeEvents } from './event-consumer';
import { publishEvents } from './event-publisher';
import { createInProcessBus } from './in-process-bus';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALL_SPAN = '00f067aa0ba902b7';

const offered = () =>
  makeEvent({
    type: 'call.offered',
    tenantId: 'acme',
    source: 'test',
    traceparent: `00-${TRACE}-${CALL_SPAN}-01`,
    data: {
      callId: 'c-1',
      legId: 'l-1',
      direction: 'inbound',
      ani: '+4930123',
      dnis: '+4930999',
      siteId: 'fra',
    },
  });

// The handler publishes an untraced agent event while it handles the call's event: the header that
// record gets shows which span was active in the handler.
const agentEvent = () =>
  makeEvent({
    type: 'agent.state.changed',
    tenantId: 'acme',
    source: 'test',
    data: { agentId: 'a-1', from: 'ready', to: 'reserved' },
  });

async function handleOneCall(options: { fail?: boolean } = {}): Promise<DeliveredRecord> {
  const bus = createInProcessBus({ partitions: 1, backoff: { initialMs: 1, maxMs: 1 } });
  const published: DeliveredRecord[] = [];
  await bus.subscribe({
    group: 'reader',
    topics: [Topics.agents],
    handler: async (record) => {
      published.push(record);
    },
  });
  let attempts = 0;
  await consumeEvents({
    bus,
    group: 'acd',
    topics: [Topics.calls],
    maxAttempts: 1,
    handle: async () => {
      attempts += 1;
      await publishEvents(bus, [agentEvent()]);
      if (options.fail) throw new Error('agent unreachable');
    },
  });

  await publishEvents(bus, [offered()]);

  await waitFor(() => published.length === 1 && attempts === 1, 'the record published by the handler');
  await bus.close();
  return published[0]!;
}

describe('consumeEvents without a tracer provider (hotline up with HOTLINE_TRACES=none)', () => {
  let undo = () => {};
  beforeAll(() => (undo = enableTracePropagation()));
  afterAll(() => undo());

  it("keeps what the handler publishes in the consumed event's trace", async () => {
    const record = await handleOneCall();

    expect(record.headers.traceparent).toBe(`00-${TRACE}-${CALL_SPAN}-01`);
  });
});

describe('consumeEvents with a tracer provider', () => {
  const exporter = new InMemorySpanExporter();
  let undo = () => {};
  beforeAll(() => {
    undo = enableTracePropagation();
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    );
  });
  afterAll(() => {
    trace.disable();
    undo();
  });

  it('records one consumer span per handled event, a child of the record, parent of what it publishes', async () => {
    exporter.reset();
    const record = await handleOneCall();

    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'call.offered process');
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(span.parentSpanContext?.spanId).toBe(CALL_SPAN);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'in-process',
      'messaging.consumer.group.name': 'acd',
      'hotline.event.type': 'call.offered',
      'hotline.event.key': 'c-1',
    });
    expect(record.headers.traceparent).toBe(`00-${TRACE}-${span.spanContext().spanId}-01`);
  });

  it('marks the span of a failed handling as an error and still ends it', async () => {
    exporter.reset();
    await handleOneCall({ fail: true });

    await waitFor(
      () => exporter.getFinishedSpans().some((s) => s.name === 'call.offered process'),
      'the failed span',
    );
    const span = exporter.getFinishedSpans().find((s) => s.name === 'call.offered process');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });
});
