// The ivr-runner on real Kafka, FerretDB and Redis: a caller (played by a scripted SIP edge on
// the call-commands topic) navigates a menu and reaches a queue, and the instance that started
// the call is dropped mid-flow: a fresh instance continues from live state.
import { randomUUID } from 'node:crypto';
import { makeEvent, Topics, type HotlineEvent } from '@hotline/contracts';
import { openMongoStore, type DocumentStore } from '@hotline/document-store';
import {
  consumeEvents,
  createKafkaBus,
  publishEvents,
  type EventBus,
  type Subscription,
} from '@hotline/event-bus';
import type { CallFlowState, FlowDocumentInput } from '@hotline/flows';
import { createRedisLiveState, type LiveState } from '@hotline/live-state';
import { createLogger, Registry, type RunningService } from '@hotline/platform';
import {
  Collections,
  flowVersionId,
  type Flow,
  type FlowVersion,
  type Hotline,
  type NumberClaim,
} from '@hotline/provisioning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIvrRunner } from '../src/index';

const brokers = (process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const mongoUrl = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const redisUrl = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';
const run = randomUUID().slice(0, 8);
const tenantId = `ivr-it-${run}`;
const dnis = '+4930555000';
const log = createLogger({ service: 'ivr-it', level: process.env.IVR_IT_LOG ?? 'warn' });
const fastKafka = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 300,
  maxWaitTimeMs: 200,
  drainTimeoutMs: 1_000,
  joinTimeoutMs: 30_000,
  backoff: { initialMs: 20, maxMs: 100 },
};

const tts = (text: string) => ({ kind: 'tts' as const, text });
const flow: FlowDocumentInput = {
  start: 'welcome',
  nodes: [
    { id: 'welcome', type: 'play', prompts: [tts('Welcome.')], next: 'menu' },
    {
      id: 'menu',
      type: 'menu',
      prompts: [tts('Press 1 for sales, 2 for support.')],
      options: { '1': 'sales', '2': 'support' },
      invalidPrompts: [tts('Not a valid choice.')],
      onFailure: 'support',
    },
    { id: 'sales', type: 'enqueue', queueId: 'sales', priority: 10, attach: { ani: 'call.ani' } },
    { id: 'support', type: 'enqueue', queueId: 'support', priority: 5 },
  ],
};

let store: DocumentStore;
let live: LiveState;
const buses: EventBus[] = [];
const subscriptions: Subscription[] = [];
const runners: RunningService[] = [];
/** What the scripted callers key, per call, one entry per collect; none scripted: no answer yet. */
const script = new Map<string, string[]>();
const seen: HotlineEvent[] = [];

async function kafka(name: string): Promise<EventBus> {
  const bus = await createKafkaBus({ brokers, clientId: `${name}-${run}`, ...fastKafka });
  buses.push(bus);
  return bus;
}

async function ivrInstance(name: string): Promise<{ bus: EventBus; runner: RunningService }> {
  const bus = await kafka(name);
  const runner = await startIvrRunner(
    { log, bus, store, live, metrics: new Registry() },
    { group: `ivr-${run}` },
  );
  runners.push(runner);
  return { bus, runner };
}

async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ofCall = (callId: string) => seen.filter((e) => e.key === callId);
const commandsOf = (callId: string) =>
  ofCall(callId).flatMap((e) => (e.type === 'call.command.requested' ? [e.data.command.action] : []));

beforeAll(async () => {
  store = await openMongoStore({ url: mongoUrl, dbName: `ivr_it_${run}` });
  live = await createRedisLiveState({ url: redisUrl, keyPrefix: `ivr-it-${run}:` });
  const now = new Date().toISOString();
  const meta = { tenantId, createdAt: now, updatedAt: now };
  await store
    .collection<NumberClaim>(Collections.numberClaims)
    .insert({ _id: dnis, tenantId, hotlineId: 'main', claimedAt: now });
  await store.collection<Hotline>(Collections.hotlines).insert({
    ...meta,
    _id: 'main',
    name: 'Main line',
    description: '',
    numbers: [dnis],
    trunk: { id: 'carrier', maxConcurrentCalls: null },
    flowMappings: [],
    defaultFlowId: `menu-${run}`,
    recording: { mode: 'none', percentage: null, allowPause: true },
    calendarId: null,
    active: true,
  });
  await store.collection<Flow>(Collections.flows).insert({
    ...meta,
    _id: `menu-${run}`,
    name: 'Menu',
    description: '',
    graph: flow,
    status: 'published',
    publishedVersion: 1,
    publishedAt: now,
    validatedAt: now,
  });
  await store.collection<FlowVersion>(Collections.flowVersions).insert({
    ...meta,
    _id: flowVersionId(`menu-${run}`, 1),
    flowId: `menu-${run}`,
    version: 1,
    name: 'Menu',
    graph: flow,
    publishedAt: now,
    publishedBy: 'it',
  });

  // The SIP edge's part, scripted: every command of our calls completes; collects take the script.
  const edge = await kafka('edge');
  await edge.ensureTopics(
    [Topics.calls, Topics.callCommands, Topics.queues, Topics.ivr].map((name) => ({ name })),
  );
  subscriptions.push(
    await consumeEvents({
      bus: edge,
      group: `edge-${run}`,
      topics: [Topics.callCommands, Topics.queues, Topics.ivr],
      handle: async (event) => {
        if (event.tenantId !== tenantId) return;
        seen.push(event);
        if (event.type !== 'call.command.requested' || event.data.command.action === 'music-on-hold') return;
        const { commandId, callId, command } = event.data;
        const digits = command.action === 'collect' ? script.get(callId)?.shift() : undefined;
        // A collect with nothing scripted: the caller has not pressed anything yet.
        if (command.action === 'collect' && digits === undefined) return;
        await publishEvents(edge, [
          makeEvent({
            type: 'call.command.completed',
            tenantId,
            source: 'sip-edge',
            data: {
              commandId,
              callId,
              action: command.action,
              outcome: 'done',
              ...(digits ? { digits } : {}),
            },
          }),
        ]);
      },
    }),
  );
});

afterAll(async () => {
  for (const s of subscriptions) await s.close();
  for (const r of runners) await r.stop();
  for (const b of buses) await b.close();
  await live?.close();
  for (const name of [
    Collections.numberClaims,
    Collections.hotlines,
    Collections.flows,
    Collections.flowVersions,
  ]) {
    await store?.collection(name).deleteMany({});
  }
  await store?.close();
});

function offer(callId: string): HotlineEvent {
  return makeEvent({
    type: 'call.offered',
    tenantId,
    source: 'sip-edge',
    data: { callId, legId: `${callId}-a`, direction: 'inbound', ani: '+4917012345', dnis, siteId: 'site-1' },
  });
}

describe('ivr-runner on Kafka, FerretDB and Redis', () => {
  it('takes a caller from the offered call through the menu into the chosen queue', async () => {
    const callId = `c1-${run}`;
    script.set(callId, ['1']);
    const { bus } = await ivrInstance('ivr-a');
    await publishEvents(bus, [offer(callId)]);
    const joined = await waitFor('queue.joined', () => ofCall(callId).find((e) => e.type === 'queue.joined'));
    expect(joined.data).toMatchObject({ queueId: 'sales', priority: 10, attached: { ani: '+4917012345' } });
    // Commands, IVR events and queue events travel on three topics: wait for the slowest.
    await waitFor('music on hold', () => (commandsOf(callId).includes('music-on-hold') ? true : undefined));
    expect(commandsOf(callId)).toEqual(['answer', 'play', 'collect', 'music-on-hold']);
    const entered = () =>
      ofCall(callId).flatMap((e) => (e.type === 'ivr.node.entered' ? [e.data.nodeId] : []));
    await waitFor('the queue node', () => (entered().includes('sales') ? true : undefined));
    expect(entered()).toEqual(['welcome', 'menu', 'sales']);
  });

  it('continues a call on a fresh instance after the one running it is dropped mid-flow', async () => {
    const callId = `c2-${run}`;
    // Hold the caller's keys back until the first instance is gone.
    script.set(callId, []);
    const first = runners[0]!;
    await publishEvents(buses[0]!, [offer(callId)]);
    await waitFor('the menu prompt', () => (commandsOf(callId).includes('collect') ? true : undefined));
    await first.stop();
    const saved = JSON.parse((await live.get(`ivr:call:${callId}`))!) as CallFlowState;
    expect(saved).toMatchObject({
      nodeId: 'menu',
      status: 'running',
      waiting: { kind: 'command', action: 'collect' },
    });

    await ivrInstance('ivr-b');
    // The caller presses 7 (invalid) — the completion of the collect the first instance asked for.
    const collect = ofCall(callId).findLast((e) => e.type === 'call.command.requested')!;
    script.set(callId, ['2']);
    await publishEvents(buses[0]!, [
      makeEvent({
        type: 'call.command.completed',
        tenantId,
        source: 'sip-edge',
        data: {
          commandId: (collect.data as { commandId: string }).commandId,
          callId,
          action: 'collect',
          outcome: 'done',
          digits: '7',
        },
      }),
    ]);
    const joined = await waitFor('queue.joined', () => ofCall(callId).find((e) => e.type === 'queue.joined'));
    expect(joined.data).toMatchObject({ queueId: 'support' });
    const inputs = () =>
      ofCall(callId).flatMap((e) =>
        e.type === 'ivr.input.collected' ? [[e.data.digits, e.data.outcome]] : [],
      );
    await waitFor('both inputs', () => (inputs().length >= 2 ? true : undefined));
    expect(inputs()).toEqual([
      ['7', 'no-match'],
      ['2', 'match'],
    ]);
    // The state is saved after the step's events are published.
    let final: CallFlowState | undefined;
    const deadline = Date.now() + 5_000;
    while (final?.status !== 'queued' && Date.now() < deadline) {
      final = JSON.parse((await live.get(`ivr:call:${callId}`))!) as CallFlowState;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(final).toMatchObject({ status: 'queued', path: ['welcome', 'menu', 'support'] });
  });
});
