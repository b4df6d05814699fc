import { Topics } from '@hotline/contracts';
import { consumeEvents } from '@hotline/event-bus';
import { createIdempotencyGuard } from '@hotline/live-state';
import {
  Counter,
  Histogram,
  loadConfig,
  type RunningService,
  type ServiceDeps,
  type ServiceModule,
} from '@hotline/platform';
import { Acd } from './app/acd';
import { busSink } from './app/event-sink';
import { openDecisionStore } from './adapters/decision-store';
import { createLiveAcdStore } from './adapters/live-acd-store';
import { ProvisioningConfig } from './adapters/provisioning-config';
import { acdEventTypes, handleEvent } from './consumer';
import type { ConfigSource } from './domain/ports';
import { acdSettings } from './settings';

export const consumerGroup = 'acd-router';

/**
 * Decides which agent gets which waiting call, for every tenant, from any number of instances:
 * consumes queue, call, agent and config events, keeps agents and queues in live state, reserves
 * with one atomic script, and explains every decision (stored per call in the document store).
 */
export const service: ServiceModule = {
  name: 'acd-router',
  settings: acdSettings,
  async start(deps: ServiceDeps) {
    const settings = loadConfig(acdSettings, deps.env ?? {}, { ownedPrefixes: [] });
    const running = await startAcdRouter(deps, {
      tickMs: settings.HOTLINE_ACD_TICK_MS,
      retryMs: settings.HOTLINE_ACD_RETRY_MS,
      callbackRingTimeoutMs: settings.HOTLINE_ACD_CALLBACK_RING_TIMEOUT_MS,
      callbackMaxAttempts: settings.HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS,
      callbackRetryMs: settings.HOTLINE_ACD_CALLBACK_RETRY_MS,
    });
    deps.log.info({ shape: deps.shape }, 'service started');
    return running;
  },
};

export interface AcdRouterOptions {
  group?: string;
  tickMs?: number;
  retryMs?: number;
  /** Callbacks (F-IVR-6): see AcdOptions. */
  callbackRingTimeoutMs?: number;
  callbackMaxAttempts?: number;
  callbackRetryMs?: number;
  /** Configuration other than the provisioned documents (tests). */
  config?: ConfigSource & { invalidate?: (tenantId: string, resource: string, id: string) => void };
  instance?: string;
}

export async function startAcdRouter(
  deps: Pick<ServiceDeps, 'log' | 'bus' | 'store' | 'live' | 'metrics' | 'siteId'>,
  options: AcdRouterOptions = {},
): Promise<RunningService> {
  const { log, bus, store, live, metrics } = deps;
  const decisionsMade = new Counter({
    name: 'hotline_acd_decisions_total',
    help: 'Routing decisions, by outcome and trigger',
    labelNames: ['outcome', 'trigger'],
    registers: [metrics],
  });
  const queuedToReserved = new Histogram({
    name: 'hotline_acd_queued_to_reserved_seconds',
    help: 'Time from a call joining its queue to its reservation for an agent',
    buckets: [0.005, 0.05, 0.5, 2, 5, 15, 30, 60, 120, 300],
    registers: [metrics],
  });
  const handled = new Counter({
    name: 'hotline_acd_events_total',
    help: 'Events the ACD handled, by what came of them',
    labelNames: ['type', 'outcome'],
    registers: [metrics],
  });
  const config =
    options.config ??
    new ProvisioningConfig(store, {
      onInvalid: (resource, id, error) =>
        log.warn({ resource, id, err: error }, 'provisioned document not usable'),
    });
  const decisions = await openDecisionStore(store, {
    onError: (error) => log.warn({ err: error }, 'decision not stored'),
  });
  const acd = new Acd({
    store: createLiveAcdStore(live),
    config,
    events: busSink(bus),
    decisions,
    instance: options.instance ?? `${deps.siteId}:${process.pid}`,
    ...(options.retryMs ? { retryMs: options.retryMs } : {}),
    ...(options.callbackRingTimeoutMs ? { callbackRingTimeoutMs: options.callbackRingTimeoutMs } : {}),
    ...(options.callbackMaxAttempts ? { callbackMaxAttempts: options.callbackMaxAttempts } : {}),
    ...(options.callbackRetryMs ? { callbackRetryMs: options.callbackRetryMs } : {}),
    log,
    observe: (d) => {
      decisionsMade.inc({ outcome: d.outcome, trigger: d.trigger });
      if (d.outcome === 'reserved') queuedToReserved.observe(d.waitMs / 1000);
    },
  });
  let inFlight = 0;
  const subscription = await consumeEvents({
    bus,
    group: options.group ?? consumerGroup,
    topics: [Topics.queues, Topics.calls, Topics.agents, Topics.config, Topics.ivr],
    types: acdEventTypes,
    dedupe: createIdempotencyGuard(live, { prefix: 'idem', ttlMs: 24 * 3600_000 }),
    handle: async (event) => {
      inFlight++;
      try {
        const outcome = await handleEvent(acd, event, {
          configChanged: (tenantId, resource, id) => {
            if ('invalidate' in config && typeof config.invalidate === 'function')
              config.invalidate(tenantId, resource, id);
          },
        });
        handled.inc({ type: event.type, outcome });
      } finally {
        inFlight--;
      }
    },
  });
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    acd
      .tick()
      .catch((error: unknown) => log.error({ err: error }, 'timer round failed'))
      .finally(() => {
        ticking = false;
      });
  }, options.tickMs ?? 200);
  ticker.unref();
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= subscription.close());
  return {
    name: 'acd-router',
    // Nothing to hand over: calls and agents are in live state, timers are shared.
    drain: close,
    activeWork: () => inFlight,
    stop: async () => {
      clearInterval(ticker);
      await close();
      await decisions.close();
      log.info('service stopped');
    },
  };
}

export { Acd, type AcdOptions, callbackCallId, callerKeyFor, queueStatus, type QueueStatus } from './app/acd';
export {
  validateTargetExpression,
  compileExpression,
  type ExpressionValidation,
} from './domain/target-expression';
export { listRoutingDecisions, decisionsCollection } from './adapters/decision-store';
export type { RoutingDecision } from './domain/decision';
export { createLiveAcdStore } from './adapters/live-acd-store';
export { queueConfigOf, agentProfileOf, targetExpression } from './adapters/provisioning-mapping';
export type { QueueConfig, AgentProfile, RoutingTarget, Ordering } from './domain/types';
