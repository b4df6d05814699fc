import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** A Prometheus registry per process, with Node's default metrics and the service labels. */
export function createMetrics(labels: { service: string; site: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}
