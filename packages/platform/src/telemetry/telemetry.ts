import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export interface TelemetryOptions {
  serviceName: string;
  exporter: 'none' | 'otlp' | 'console';
  otlpEndpoint?: string;
  /** Tests hand in an in-memory exporter to read spans back. */
  spanExporter?: SpanExporter;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry once per process. Trace context always propagates (W3C traceparent, in
 * Kafka headers and HTTP), even when no spans are exported, so one call stays one trace.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const processors: SpanProcessor[] = [];
  if (options.spanExporter) processors.push(new SimpleSpanProcessor({ exporter: options.spanExporter }));
  if (options.exporter === 'otlp') {
    processors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: `${options.otlpEndpoint ?? 'http://127.0.0.1:4318'}/v1/traces`,
        }),
      }),
    );
  } else if (options.exporter === 'console') {
    processors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  }
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: processors,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [],
    autoDetectResources: false,
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
