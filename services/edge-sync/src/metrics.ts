import { Counter, Gauge, Histogram, type Registry } from '@hotline/platform';

export interface EdgeSyncMetrics {
  targets: Gauge<'role' | 'state'>;
  changes: Counter<'role' | 'action'>;
  reloads: Counter<'method' | 'outcome'>;
  reloadSeconds: Histogram<'method'>;
  lastSync: Gauge;
  watchRestarts: Counter<'role'>;
  eventFailures: Counter;
}

export function edgeSyncMetrics(registry: Registry): EdgeSyncMetrics {
  const registers = [registry];
  return {
    targets: new Gauge({
      name: 'hotline_edge_sync_targets',
      help: 'Targets Kamailio lists, by role (call-control, media) and state (active, draining)',
      labelNames: ['role', 'state'],
      registers,
    }),
    changes: new Counter({
      name: 'hotline_edge_sync_changes_total',
      help: 'Targets added, drained, reactivated or removed',
      labelNames: ['role', 'action'],
      registers,
    }),
    reloads: new Counter({
      name: 'hotline_edge_sync_reloads_total',
      help: 'Kamailio reloads asked for, by RPC method and outcome (ok; busy: asked to try later; failed)',
      labelNames: ['method', 'outcome'],
      registers,
    }),
    reloadSeconds: new Histogram({
      name: 'hotline_edge_sync_reload_seconds',
      help: 'How long Kamailio took to answer a reload',
      labelNames: ['method'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2],
      registers,
    }),
    lastSync: new Gauge({
      name: 'hotline_edge_sync_last_sync_timestamp_seconds',
      help: 'When the lists were last brought in step with the pods (Unix time)',
      registers,
    }),
    watchRestarts: new Counter({
      name: 'hotline_edge_sync_watch_restarts_total',
      help: 'Pod watches restarted after an error from the Kubernetes API',
      labelNames: ['role'],
      registers,
    }),
    eventFailures: new Counter({
      name: 'hotline_edge_sync_event_failures_total',
      help: 'Kubernetes Events that could not be recorded',
      registers,
    }),
  };
}
