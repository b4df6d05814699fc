import { Topics } from '@hotline/contracts';
import { consumeEvents, publishEvents } from '@hotline/event-bus';
import { performHttpLookup } from '@hotline/flows';
import { createIdempotencyGuard } from '@hotline/live-state';
import {
  Counter,
  loadConfig,
  type RunningService,
  type ServiceDeps,
  type ServiceModule,
} from '@hotline/platform';
import { createLiveCallStates } from './adapters/live-call-states';
import { createStoreFlowCatalog } from './adapters/store-flow-catalog';
import { applyCallbackProgress, callbackProgressTypes } from './adapters/callback-progress';
import { createStoreOutcomes } from './adapters/store-outcomes';
import { createStoreTenantConfig } from './adapters/store-tenant-config';
import { CallRunner, ivrEventTypes } from './domain/call-runner';
import { ivrSettings } from './settings';

export const consumerGroup = 'ivr-runner';

/**
 * Runs IVR flows for calls: consumes call events (offered, command completions, ended, sent back
 * to IVR), steps each call's flow, and drives media only through call-control commands to the SIP
 * edge. Per-call state lives in live state, so any instance continues any call.
 */
export const service: ServiceModule = {
  name: 'ivr-runner',
  settings: ivrSettings,
  async start(deps: ServiceDeps) {
    const settings = loadConfig(ivrSettings, deps.env ?? {}, { ownedPrefixes: [] });
    const running = await startIvrRunner(deps, { allowedHosts: settings.HOTLINE_IVR_ALLOWED_HOSTS });
    deps.log.info({ shape: deps.shape }, 'service started');
    return running;
  },
};

export interface IvrRunnerOptions {
  /** Consumer group on the calls topic; instances of one deployment share it. */
  group?: string;
  /** Hosts every tenant's CRM lookups may reach. */
  allowedHosts?: readonly string[];
  clock?: () => Date;
}

export async function startIvrRunner(
  deps: Pick<ServiceDeps, 'log' | 'bus' | 'store' | 'live' | 'metrics'>,
  options: IvrRunnerOptions = {},
): Promise<RunningService> {
  const { log, bus, store, live, metrics } = deps;
  const handled = new Counter({
    name: 'hotline_ivr_events_total',
    help: 'Call events the IVR handled, by what came of them',
    labelNames: ['type', 'outcome'],
    registers: [metrics],
  });
  const runner = new CallRunner({
    states: createLiveCallStates(live),
    flows: createStoreFlowCatalog(store),
    tenants: createStoreTenantConfig(store, { allowedHosts: options.allowedHosts ?? [] }),
    outcomes: createStoreOutcomes(store),
    sink: { publish: (events) => publishEvents(bus, events) },
    http: (request, allowedHosts) => performHttpLookup(request, { allowedHosts }),
    clock: options.clock ?? (() => new Date()),
    log,
  });
  let inFlight = 0;
  const subscription = await consumeEvents({
    bus,
    group: options.group ?? consumerGroup,
    topics: [Topics.calls],
    types: ivrEventTypes,
    dedupe: createIdempotencyGuard(live, { prefix: 'idem', ttlMs: 24 * 3600_000 }),
    handle: async (event) => {
      inFlight++;
      try {
        handled.inc({ type: event.type, outcome: await runner.handle(event) });
      } finally {
        inFlight--;
      }
    },
  });
  // How each callback request goes, from the ACD (the queues topic: everything else on it is
  // passed over unread).
  const progress = await consumeEvents({
    bus,
    group: `${options.group ?? consumerGroup}.callbacks`,
    topics: [Topics.queues],
    types: callbackProgressTypes,
    handle: async (event) => {
      handled.inc({ type: event.type, outcome: await applyCallbackProgress(store, event) });
    },
  });
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= Promise.all([subscription.close(), progress.close()]).then(() => undefined));
  return {
    name: 'ivr-runner',
    // Calls need no draining: their state is in live state and another instance continues them.
    drain: close,
    activeWork: () => inFlight,
    stop: async () => {
      await close();
      log.info('service stopped');
    },
  };
}

export { CallRunner, type CallRunnerDeps, type HandleOutcome } from './domain/call-runner';
export { createLiveCallStates } from './adapters/live-call-states';
export { createStoreFlowCatalog } from './adapters/store-flow-catalog';
export {
  createStoreTenantConfig,
  ivrSettingsCollection,
  type IvrSettingsDoc,
} from './adapters/store-tenant-config';
export { createStoreOutcomes } from './adapters/store-outcomes';
export {
  applyCallbackProgress,
  callbackProgressTypes,
  type CallbackRequestDoc,
  type CallbackStatus,
} from './adapters/callback-progress';
