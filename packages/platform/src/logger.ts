import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level?: string;
  /** When false (the default), everything under `pii` is replaced before it is written. */
  logPii?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/**
 * JSON logs with a constant message and key/value fields. Phone numbers, digits and free text
 * from callers or agents go only under `pii.*`, which is redacted unless HOTLINE_LOG_PII is on.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: options.logPii ? [] : { paths: ['pii', '*.pii'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        // Ties log lines to the trace they were written in.
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { traceId, spanId };
      },
    },
    options.destination,
  );
}

/** A child logger for one call: every line carries the call and tenant ids. */
export function callLogger(log: Logger, call: { callId: string; tenantId: string }): Logger {
  return log.child({ callId: call.callId, tenantId: call.tenantId });
}
