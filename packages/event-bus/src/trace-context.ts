import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

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
 * Runs a handler inside the trace context its record carried. It starts from the root context,
 * not the consumer loop's, so one record's trace never leaks into the next.
 */
export function runInTraceContext<T>(headers: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  return context.with(propagation.extract(ROOT_CONTEXT, headers), fn);
}
