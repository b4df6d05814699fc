// CPU cost of the in-process event path that `hotline up` runs every service on: making and
// publishing an event, and delivering it to each consumer group through consumeEvents.
//
//   npx tsx packages/event-bus/test/measure/in-process-delivery.measure.ts [events=4000]
//
// "baseline" is the event path as it was before the shared-parse change (a copy of the old
// src/ and of contracts' events.ts in ./baseline/, kept only for this comparison); "current" is
// src/. Both run alternately in one child process per variant (plain, and with the idempotency
// guard on the memory live state), so machine load hits both alike; the least CPU of the rounds
// is kept. The OpenTelemetry set-up is the one `hotline up` gets with HOTLINE_TRACES=none: NodeSDK
// registers the AsyncLocalStorage context manager and the W3C propagator, no tracer provider
// (MEASURE_CONTEXT=none leaves the context manager out, to show what AsyncLocalStorage costs).
//
// Columns (process CPU, user + system, GC included):
// - publish: makeEvent + publishEvents of one event, no consumer;
// - delivery: per event and group, six groups reading calls+agents+queues from the beginning;
// - live: per event made, published and handled by six caught-up groups before the next one
//   (each group waits for every record, as in `hotline up`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { makeEvent, Topics, type HotlineEvent } from '@hotline/contracts';
import { createIdempotencyGuard, createMemoryLiveState } from '../../../live-state/src/index';
import type { EventBus } from '../../src/event-bus';

interface Impl {
  createInProcessBus: (options: { retention?: number }) => EventBus;
  publishEvents: (bus: EventBus, events: HotlineEvent[]) => Promise<void>;
  consumeEvents: (options: {
    bus: EventBus;
    group: string;
    topics: string[];
    fromBeginning?: boolean;
    handle: (event: HotlineEvent) => Promise<void>;
    dedupe?: ReturnType<typeof createIdempotencyGuard>;
  }) => Promise<unknown>;
}

interface Result {
  publishUs: number;
  deliveryUs: number;
  liveUs: number;
}

const GROUPS = 6;
const ROUNDS = 3;
const TOPICS = [Topics.calls, Topics.agents, Topics.queues];

async function loadImpl(name: string): Promise<Impl> {
  if (name === 'current') {
    const bus = await import('../../src/in-process-bus');
    const pub = await import('../../src/event-publisher');
    const con = await import('../../src/event-consumer');
    return { ...bus, ...pub, ...con } as unknown as Impl;
  }
  // The code as it was before this measurement's optimisations (a copy kept beside this script).
  const base = './baseline/';
  const bus = await import(`${base}in-process-bus.ts`);
  const pub = await import(`${base}event-publisher.ts`);
  const con = await import(`${base}event-consumer.ts`);
  const events = await import(`${base}contracts-events.ts`);
  return {
    ...bus,
    ...con,
    // The baseline makes events with its own makeEvent too.
    publishEvents: pub.publishEvents,
    makeEvent: events.makeEvent,
  } as unknown as Impl;
}

/** A realistic mix: a call offered, queued and answered by an agent whose state changes. */
function eventsOf(
  n: number,
  make: typeof makeEvent,
  traceparent: (i: number) => string,
): Array<() => HotlineEvent> {
  const out: Array<() => HotlineEvent> = [];
  for (let i = 0; out.length < n; i += 1) {
    const callId = `call-${i}`;
    const agentId = `agent-${i % 50}`;
    const tp = traceparent(i);
    const common = { tenantId: 'acme', source: 'measure', traceparent: tp };
    out.push(
      () =>
        make({
          ...common,
          type: 'call.offered',
          data: {
            callId,
            legId: `${callId}-a`,
            direction: 'inbound',
            ani: '+15550001111',
            dnis: '+15550002222',
            siteId: 'site-1',
            hotlineId: 'support',
          },
        }),
      () =>
        make({
          ...common,
          type: 'queue.joined',
          data: {
            callId,
            queueId: 'sales',
            priority: 5,
            skills: [{ skill: 'en', minLevel: 2 }],
            position: 1,
          },
        }),
      () =>
        make({
          ...common,
          type: 'agent.state.changed',
          data: { agentId, from: 'ready', to: 'reserved', callId },
        }),
      () =>
        make({
          ...common,
          type: 'call.answered',
          data: { callId, legId: `${callId}-b`, answeredBy: 'agent', agentId },
        }),
    );
  }
  return out.slice(0, n);
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function runOnce(impl: Impl, n: number, dedupe: boolean) {
  const make = ((impl as unknown as { makeEvent?: typeof makeEvent }).makeEvent ??
    makeEvent) as typeof makeEvent;
  const hex = (i: number, len: number) => i.toString(16).padStart(len, '0');
  const events = eventsOf(n, make, (i) => `00-${hex(i + 1, 32)}-${hex(i + 1, 16)}-01`);
  const bus = impl.createInProcessBus({ retention: n + 1 });
  await bus.ensureTopics(TOPICS.map((name) => ({ name })));

  // Publish: make (validate) + serialize + append, one event per publish as services do.
  const p0 = cpuMicros();
  for (const next of events) await impl.publishEvents(bus, [next()]);
  const publishCpu = cpuMicros() - p0;

  // Deliver: every group reads all three topics from the beginning with a trivial handler.
  const live = createMemoryLiveState();
  const guard = dedupe ? createIdempotencyGuard(live, { prefix: 'idem', ttlMs: 86_400_000 }) : undefined;
  let delivered = 0;
  let allDone = () => {};
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const total = n * GROUPS;
  const d0 = cpuMicros();
  for (let g = 0; g < GROUPS; g += 1) {
    await impl.consumeEvents({
      bus,
      group: `group-${g}`,
      topics: TOPICS,
      fromBeginning: true,
      ...(guard ? { dedupe: guard } : {}),
      handle: async () => {
        delivered += 1;
        if (delivered === total) allDone();
      },
    });
  }
  await done;
  const deliverCpu = cpuMicros() - d0;
  await bus.close();

  // Live: as in `hotline up`, the groups are caught up and waiting; each event is made,
  // published and handled by all six groups before the next (each group waits once per record).
  const liveBus = impl.createInProcessBus({ retention: n + 1 });
  await liveBus.ensureTopics(TOPICS.map((name) => ({ name })));
  let handled = 0;
  for (let g = 0; g < GROUPS; g += 1) {
    await impl.consumeEvents({
      bus: liveBus,
      group: `live-${g}`,
      topics: TOPICS,
      ...(guard ? { dedupe: guard } : {}),
      handle: async () => {
        handled += 1;
      },
    });
  }
  const l0 = cpuMicros();
  for (const next of events) {
    await impl.publishEvents(liveBus, [next()]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const liveCpu = cpuMicros() - l0;
  if (handled !== total) throw new Error(`live run handled ${handled} of ${total}`);
  await liveBus.close();
  await live.close();
  return { publishUs: publishCpu / n, deliveryUs: deliverCpu / total, liveUs: liveCpu / n };
}

async function child(n: number, dedupe: boolean): Promise<void> {
  if (process.env.MEASURE_CONTEXT !== 'none')
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // MEASURE_ONLY=current leaves the baseline out (for a CPU profile of one path).
  // Without the baseline copy (it may be deleted once its numbers are written down) only
  // the current path is measured.
  const hasBaseline = existsSync(fileURLToPath(new URL('./baseline/', import.meta.url)));
  const names = process.env.MEASURE_ONLY
    ? [process.env.MEASURE_ONLY]
    : hasBaseline
      ? ['baseline', 'current']
      : ['current'];
  const impls: Record<string, Impl> = {};
  for (const name of names) impls[name] = await loadImpl(name);
  for (const impl of Object.values(impls)) await runOnce(impl, Math.min(3_000, n), dedupe); // JIT warm-up
  // The machine is shared: both paths run alternately in one process, and the least of each
  // path's runs is the one least disturbed by other load.
  const best: Record<string, Result> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, impl] of Object.entries(impls)) {
      const r = await runOnce(impl, n, dedupe);
      const b = best[name];
      best[name] = b
        ? {
            publishUs: Math.min(b.publishUs, r.publishUs),
            deliveryUs: Math.min(b.deliveryUs, r.deliveryUs),
            liveUs: Math.min(b.liveUs, r.liveUs),
          }
        : r;
    }
  }
  process.stdout.write(JSON.stringify(best));
}

async function main(): Promise<void> {
  const [flag, nArg, dedupeArg] = process.argv.slice(2);
  if (flag === '--child') return child(Number(nArg), dedupeArg === 'dedupe');
  const n = Number(flag ?? 4_000);
  const self = fileURLToPath(import.meta.url);
  console.log(
    `${n} events x ${ROUNDS} rounds (least CPU kept), ${GROUPS} consumer groups on calls+agents+queues, in-process bus (4 partitions)`,
  );
  console.log(
    'variant                      publish µs/event   delivery µs/(event·group)   publish+6 deliveries   live µs/event',
  );
  for (const dedupe of [false, true]) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, self, '--child', String(n), dedupe ? 'dedupe' : 'plain'],
      { encoding: 'utf8' },
    );
    const results = JSON.parse(out) as Record<string, Result>;
    for (const [name, r] of Object.entries(results)) {
      const label = `${name}${dedupe ? ' + idempotency guard' : ''}`.padEnd(28);
      console.log(
        `${label} ${r.publishUs.toFixed(1).padStart(16)}   ${r.deliveryUs.toFixed(1).padStart(25)}   ${(r.publishUs + GROUPS * r.deliveryUs).toFixed(1).padStart(20)}   ${r.liveUs.toFixed(1).padStart(13)}`,
      );
    }
  }
}

await main();
