import { randomBytes } from 'node:crypto';
import { isSpanContextValid, SpanKind, trace, type Attributes } from '@opentelemetry/api';

const tracer = trace.getTracer('@hotline/platform');

export interface RootSpan {
  /** W3C traceparent naming this span: what the unit's events carry, so others join its trace. */
  traceparent: string;
  end(attributes?: Attributes): void;
}

/**
 * Starts a new trace for one unit of work that outlives any request (a call: offered to ended).
 * Without a registered OpenTelemetry SDK the traceparent is still a fresh, valid one, so the
 * unit stays one trace across services even when nothing is exported.
 */
export function startRootSpan(name: string, attributes: Attributes = {}): RootSpan {
  const span = tracer.startSpan(name, { root: true, kind: SpanKind.SERVER, attributes });
  const context = span.spanContext();
  if (!isSpanContextValid(context)) {
    return {
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      end: () => undefined,
    };
  }
  const sampled = (context.traceFlags & 1) === 1 ? '01' : '00';
  return {
    traceparent: `00-${context.traceId}-${context.spanId}-${sampled}`,
    end: (more) => {
      if (more) span.setAttributes(more);
      span.end();
    },
  };
}
