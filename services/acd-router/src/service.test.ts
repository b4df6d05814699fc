// The acd-router as `hotline up` runs it: in-process bus, embedded document store, memory live
// state, configuration read from provisioned documents. An agent logs in over the bus, a call is
// queued, the agent is rung and answers, and the decision can be read back per call.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type HotlineEvent, makeEvent, Topics } from '@hotline/contracts';
import { type DocumentStore, openEmbeddedStore } from '@hotline/document-store';
import { consumeEvents, createInProcessBus, type EventBus, publishEvents } from '@hotline/event-bus';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { createLogger, Registry, type RunningService } from '@hotline/platform';
import { agentDocument, Collections, queueDocument } from '@hotline/provisioning';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRoutingDecisions, startAcdRouter } from './index';

const tenantId = 'acme';
const meta = { tenantId, _rev: 1, createdAt: '2025-06-01T00:00:00Z', updatedAt: '2025-06-01T00:00:00Z' };

let dir: string;
let store: DocumentStore;
let live: LiveState;
let bus: EventBus;
let router: RunningService;
const seen: HotlineEvent[] = [];

async function until<T>(find: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const publish = (type: Parameters<typeof makeEvent>[0]['type'], data: unknown) =>
  publishEvents(bus, [
    makeEvent({ type, tenantId, source: 'test', data } as Parameters<typeof makeEvent>[0]),
  ]);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'acd-service-'));
  store = await openEmbeddedStore({ dir });
  live = createMemoryLiveState();
  bus = createInProcessBus({});
  seen.length = 0;
  await store.collection(Collections.queues).insert(
    queueDocument.parse({
      ...meta,
      _id: 'support',
      name: 'Support',
      strategy: 'most-skilled',
      targets: [{ afterSeconds: 0, requirements: [{ skillId: 'es', minProficiency: 2 }] }],
      ringTimeoutSeconds: 15,
    }),
  );
  await store.collection(Collections.agents).insert(
    agentDocument.parse({
      ...meta,
      _id: 'anna',
      displayName: 'Anna',
      extension: null,
      skills: [{ skillId: 'es', proficiency: 4 }],
      siteId: 'fra',
      maxConcurrentInteractions: 1,
      queueIds: ['support'],
      active: true,
      sip: { username: 'anna', realm: 'acme.example', ha1: '0'.repeat(32) },
    }),
  );
  await consumeEvents({
    bus,
    group: 'observer',
    topics: [Topics.agents, Topics.callCommands, Topics.queues],
    fromBeginning: true,
    handle: async (event) => void seen.push(event),
  });
  router = await startAcdRouter(
    {
      log: createLogger({ service: 'acd-test', level: 'warn' }),
      bus,
      store,
      live,
      metrics: new Registry(),
      siteId: 'site-1',
    },
    { tickMs: 20 },
  );
});

afterEach(async () => {
  await router.stop();
  await bus.close();
  await live.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('acd-router service', () => {
  it('logs an agent in, rings them for a queued call, connects on answer and explains the decision', async () => {
    await publish('agent.command.requested', {
      commandId: 'cmd-1',
      agentId: 'anna',
      command: 'login',
      ready: true,
      by: 'agent',
    });
    await until(() => seen.find((e) => e.type === 'agent.state.changed' && e.data.to === 'ready'));
    await publish('queue.joined', {
      callId: 'call-1',
      queueId: 'support',
      priority: 0,
      skills: [],
      position: 1,
      attached: { ani: '+4930123' },
    });
    const bridge = await until(() => seen.find((e) => e.type === 'call.command.requested'));
    expect(bridge.data).toMatchObject({
      callId: 'call-1',
      command: { action: 'bridge', target: { agentId: 'anna' }, ringTimeoutMs: 15_000 },
    });
    const commandId = (bridge.data as { commandId: string }).commandId;
    await publish('call.command.completed', {
      commandId,
      callId: 'call-1',
      action: 'bridge',
      outcome: 'done',
    });
    await until(() => seen.find((e) => e.type === 'agent.state.changed' && e.data.to === 'on-call'));
    await until(() => seen.find((e) => e.type === 'queue.left'));
    await router.stop();
    const decisions = await listRoutingDecisions(store, tenantId, 'call-1');
    expect(decisions).toMatchObject([
      {
        outcome: 'reserved',
        agentId: 'anna',
        targets: [{ expression: 'skills.es >= 2 && meets_required()', ordering: 'highest-proficiency' }],
      },
    ]);
    expect(await listRoutingDecisions(store, 'other-tenant', 'call-1')).toEqual([]);
  });

  it('tells the desktop why a state change was refused', async () => {
    await publish('agent.command.requested', {
      commandId: 'cmd-2',
      agentId: 'anna',
      command: 'break',
      by: 'agent',
    });
    const rejected = await until(() => seen.find((e) => e.type === 'agent.command.rejected'));
    expect(rejected.data).toMatchObject({ commandId: 'cmd-2', code: 'not-logged-in', state: 'logged-out' });
  });

  it('a bridge the agent rejects sends the call back to wait', async () => {
    await publish('agent.command.requested', {
      commandId: 'cmd-1',
      agentId: 'anna',
      command: 'login',
      ready: true,
      by: 'agent',
    });
    await until(() => seen.find((e) => e.type === 'agent.state.changed' && e.data.to === 'ready'));
    await publish('queue.joined', {
      callId: 'call-2',
      queueId: 'support',
      priority: 0,
      skills: [],
      position: 1,
    });
    const bridge = await until(() => seen.find((e) => e.type === 'call.command.requested'));
    await publish('call.command.completed', {
      commandId: (bridge.data as { commandId: string }).commandId,
      callId: 'call-2',
      action: 'bridge',
      outcome: 'rejected',
    });
    const ended = await until(() => seen.find((e) => e.type === 'agent.reservation.ended'));
    expect(ended.data).toMatchObject({ agentId: 'anna', outcome: 'rejected', misses: 1 });
    await until(() =>
      seen.find((e) => e.type === 'agent.state.changed' && e.data.reason === 'system:ring-no-answer'),
    );
  });
});
