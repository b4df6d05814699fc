import { Topics } from '@hotline/contracts';
import express from 'express';
import {
  Lifecycle,
  createLogger,
  createMetrics,
  startOpsServer,
  startTelemetry,
  type CommonSettings,
  type Env,
  type Logger,
  type ReadinessCheck,
  type ServiceModule,
  type TelemetryOptions,
} from '@hotline/platform';
import type { Adapters } from './adapters';

export interface ProcessOptions {
  /** Name in logs, metrics and traces: the service, or "hotline" for all-in-one. */
  name: string;
  shape: 'serve' | 'up';
  config: CommonSettings;
  /** The environment the settings came from; services with their own settings parse it. */
  env?: Env;
  services: ServiceModule[];
  connect: (log: Logger) => Promise<Adapters>;
  /** Tests pass their own; the real one exits the process. */
  exit?: (code: number) => void;
  installSignalHandlers?: boolean;
  /** Tests read spans back: every span of the process also goes to this exporter. */
  spanExporter?: TelemetryOptions['spanExporter'];
}

export interface RunningProcess {
  lifecycle: Lifecycle;
  port: number;
  log: Logger;
  adapters: Adapters;
}

/**
 * The composition root both shapes share: telemetry, logs, metrics, adapters, the ops listener
 * (/healthz, /readyz, /metrics) and every service, each registered with one lifecycle.
 */
export async function runProcess(options: ProcessOptions): Promise<RunningProcess> {
  const { config } = options;
  const telemetry = startTelemetry({
    serviceName: options.name,
    exporter: config.HOTLINE_TRACES,
    otlpEndpoint: config.HOTLINE_OTLP_ENDPOINT,
    ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}),
  });
  const log = createLogger({
    service: options.name,
    level: config.HOTLINE_LOG_LEVEL,
    logPii: config.HOTLINE_LOG_PII,
  });
  const metrics = createMetrics({ service: options.name, site: config.HOTLINE_SITE_ID });
  const lifecycle = new Lifecycle({
    log,
    shutdownTimeoutMs: config.HOTLINE_SHUTDOWN_TIMEOUT_MS,
    ...(options.exit ? { exit: options.exit } : {}),
  });
  lifecycle.add({ name: 'telemetry', stop: () => telemetry.shutdown() });

  const adapters = await options.connect(log);
  await adapters.bus.ensureTopics(Object.values(Topics).map((name) => ({ name })));
  // Stopped last (registered first): services still publish while they drain.
  lifecycle.add({ name: 'live-state', stop: () => adapters.live.close() });
  lifecycle.add({ name: 'document-store', stop: () => adapters.store.close() });
  lifecycle.add({ name: 'event-bus', stop: () => adapters.bus.close() });

  const app = express();
  // Services append their own checks once started (read per request by /readyz).
  const checks: ReadinessCheck[] = [
    { name: 'event-bus', check: () => adapters.bus.ensureTopics([]) },
    { name: 'document-store', check: () => adapters.store.ping() },
    { name: 'live-state', check: () => adapters.live.ping() },
  ];
  const ops = await startOpsServer({
    host: config.HOTLINE_HTTP_HOST,
    port: config.HOTLINE_HTTP_PORT,
    service: options.name,
    lifecycle,
    metrics,
    app,
    checks,
  });
  lifecycle.add({ name: 'http', stop: () => ops.close() });

  for (const service of options.services) {
    const running = await service.start({
      siteId: config.HOTLINE_SITE_ID,
      log: log.child({ component: service.name }),
      metrics,
      bus: adapters.bus,
      store: adapters.store,
      live: adapters.live,
      http: app,
      shape: options.shape,
      ...(options.env ? { env: options.env } : {}),
    });
    lifecycle.add(running);
    if (running.checks) checks.push(...running.checks);
  }

  if (options.installSignalHandlers !== false) lifecycle.installSignalHandlers();
  lifecycle.markRunning();
  log.info(
    {
      shape: options.shape,
      services: options.services.map((s) => s.name),
      port: ops.port,
      site: config.HOTLINE_SITE_ID,
    },
    'hotline process ready',
  );
  return { lifecycle, port: ops.port, log, adapters };
}
