import type { DocumentStore } from '@hotline/document-store';
import type { EventBus } from '@hotline/event-bus';
import type { LiveState } from '@hotline/live-state';
import { Counter, Gauge, type Logger, type Registry } from '@hotline/platform';
import { Router } from 'express';
import { agentStateRoutes } from './agent-state-routes';
import { callCommandRoutes } from './call-command-routes';
import { withCallbackContext } from './callback-context';
import { callReadRoutes } from './call-read-routes';
import { CallTracker } from './call-tracker';
import type { ActiveRecordings, DeskDeps, DeskSettings } from './desk-deps';
import { emptyReadModel, type DeskReadModel } from './desk-read-model';
import { LiveFeed } from './live/live-feed';
import { LiveHub } from './live/live-hub';
import { liveRoutes } from './live/live-routes';
import { meRoutes } from './me-routes';
import { wallboardRoutes } from './wallboard-routes';
import { wrapUpRoutes } from './wrap-up-routes';

export interface DeskOptions {
  store: DocumentStore;
  bus: EventBus;
  live: LiveState;
  log: Logger;
  metrics?: Registry;
  jwtSecret: string;
  /** Reporting's queries; until they are wired every realtime view is empty. */
  readModel?: DeskReadModel;
  settings: DeskSettings & { maxClientsPerTenant: number };
  /** Fixes the broadcast consumer group (tests); default unique per process. */
  group?: string;
  /** Which recording a stop/pause/resume is about, when the command does not say. */
  recordings?: ActiveRecordings;
}

/** The agent and supervisor desk: its routes, its live channel and what feeds them. */
export interface Desk {
  readonly routes: Router;
  readonly hub: LiveHub;
  readonly tracker: CallTracker;
  readonly feed: LiveFeed;
  start(): Promise<void>;
  /** Ends every live stream (they would hold shutdown open forever); clients reconnect elsewhere. */
  drain(): void;
  stop(): Promise<void>;
}

export function createDesk(options: DeskOptions): Desk {
  const { log } = options;
  const readModel = withCallbackContext(options.readModel ?? emptyReadModel, options.store);
  const tracker = new CallTracker();
  // The hub and the feed know each other through these two hooks only.
  let feed: LiveFeed | null = null;
  const hub = new LiveHub(options.settings.maxClientsPerTenant, {
    tenantActive: (t) => feed?.tenantActive(t),
    tenantIdle: (t) => feed?.tenantIdle(t),
  });
  feed = new LiveFeed({
    bus: options.bus,
    live: options.live,
    hub,
    tracker,
    readModel,
    log,
    ...(options.group ? { group: options.group } : {}),
  });
  const closed = options.metrics ? liveMetrics(options.metrics, hub) : null;
  const deps: DeskDeps = {
    store: options.store,
    ...(options.recordings ? { recordings: options.recordings } : {}),
    bus: options.bus,
    readModel,
    tracker,
    hub,
    feed,
    settings: options.settings,
    jwtSecret: options.jwtSecret,
    log,
    observeClose: (reason) => closed?.inc({ reason }),
  };
  const routes = Router();
  for (const r of [
    meRoutes,
    agentStateRoutes,
    wrapUpRoutes,
    callCommandRoutes,
    callReadRoutes,
    wallboardRoutes,
    liveRoutes,
  ]) {
    routes.use(r(deps));
  }
  let heartbeat: NodeJS.Timeout | undefined;
  const started = feed;
  return {
    routes,
    hub,
    tracker,
    feed: started,
    async start() {
      await started.start();
      heartbeat = setInterval(() => hub.pingAll(), options.settings.heartbeatMs);
      heartbeat.unref();
    },
    drain() {
      hub.closeAll('shutting_down', 'this server is shutting down; reconnect');
    },
    async stop() {
      clearInterval(heartbeat);
      hub.closeAll('shutting_down', 'this server is shutting down; reconnect');
      await started.stop();
    },
  };
}

/** Live desks connected now, and streams ended by why (slow_consumer is the one to watch). */
function liveMetrics(registry: Registry, hub: LiveHub): Counter<'reason'> {
  if (!registry.getSingleMetric('hotline_api_live_clients')) {
    new Gauge({
      name: 'hotline_api_live_clients',
      help: 'Live channel (SSE) streams open on this API process',
      registers: [registry],
      collect() {
        this.set(hub.clients);
      },
    });
  }
  return (
    (registry.getSingleMetric('hotline_api_live_closed_total') as Counter<'reason'> | undefined) ??
    new Counter({
      name: 'hotline_api_live_closed_total',
      help: 'Live channel streams ended, by reason (disconnected, slow_consumer, token_expired, shutting_down)',
      labelNames: ['reason'] as const,
      registers: [registry],
    })
  );
}
