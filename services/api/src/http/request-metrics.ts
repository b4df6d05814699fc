import { Histogram, type Registry } from '@hotline/platform';
import type { RequestHandler } from 'express';

/**
 * Request latency by method, route template and status. The route template (not the URL) is
 * the label, so ids never become label values and the series stay bounded.
 */
export function requestMetrics(registry: Registry): RequestHandler {
  const existing = registry.getSingleMetric('hotline_api_request_seconds');
  const histogram =
    (existing as Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name: 'hotline_api_request_seconds',
      help: 'Provisioning API request latency',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
