import type { TelemetryOptions } from '../../packages/platform/src/index';

type SpanExporter = NonNullable<TelemetryOptions['spanExporter']>;
/** A finished span as the OpenTelemetry SDK hands it to exporters. */
export type FinishedSpan = Parameters<SpanExporter['export']>[0][number];

/**
 * An in-memory span exporter (the SDK's own needs a dependency the root does not have): keeps
 * every finished span so a test can ask which trace each service's work landed in.
 */
export class SpanCollector implements SpanExporter {
  readonly spans: FinishedSpan[] = [];

  export(spans: FinishedSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.spans.push(...spans);
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}

  /** Spans of one trace. */
  ofTrace(traceId: string): FinishedSpan[] {
    return this.spans.filter((s) => s.spanContext().traceId === traceId);
  }
}
