import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';

// W3C trace context travels in record headers (`traceparent`, `tracestate`), the same carrier
// HTTP uses. Without a registered propagator (no OpenTelemetry SDK) both helpers change nothing.

/**
 * The record's headers plus the active trace context. An active span is the closer parent, so it
 * wins over a `traceparent` the caller set; with no span active the caller's header stays.
 */
export function withTraceHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return { ...headers, ...carrier };
}

/**
 * The trace context a record's headers carry, on top of the root context rather than the
 * consumer loop's, so one record's trace never leaks into the next.
 */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}
