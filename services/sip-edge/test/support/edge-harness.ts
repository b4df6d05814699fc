import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';

import {
  makeEvent,
  Topics,
  type CallCommand,
  type EventData,
  type EventType,
  type HotlineEvent,
} from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import {
  consumeEvents,
  createInProcessBus,
  publishEvents,
  type EventBus,
  type Subscription,
} from '@hotline/event-bus';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { loadConfig, Registry } from '@hotline/platform';
import { Collections, sipHa1, type Agent, type NumberClaim } from '@hotline/provisioning';
import { startSipEdge, type SipEdge } from '../../src/edge/start-sip-edge';
import { sipEdgeSettings } from '../../src/settings';
import { assertMediaPlane } from './media-plane';

export const TENANT = 't1';
export const REALM = 't1.example';
export const NUMBER = '+15550100';
export const HOTLINE = 'hotline-1';
export const AGENT_PASSWORD = 'agent-password-123';

export interface Harness {
  edge: SipEdge;
  /** Where the edge renders prompts (HOTLINE_SIP_PROMPT_DIR). */
  promptDir: string;
  bus: EventBus;
  store: DocumentStore;
  live: LiveState;
  events: HotlineEvent[];
  /** Waits for an event matching `match` (already seen or arriving). */
  waitFor<T extends EventType>(
    type: T,
    match?: (data: EventData<T>) => boolean,
    timeoutMs?: number,
  ): Promise<HotlineEvent<T>>;
  /** Sends a call-control command and resolves its completion. */
  command(
    callId: string,
    command: CallCommand,
    timeoutMs?: number,
  ): Promise<EventData<'call.command.completed'>>;
  /** Publishes a command without waiting. Returns its id. */
  send(callId: string, command: CallCommand): Promise<string>;
  provisionAgent(agentId: string, username: string, extension?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * sip-edge on its default ports, wired to real Kamailio and rtpengine (started by scripts/test.sh),
 * with the all-in-one adapters (in-process bus, embedded store, memory live state). The test plays
 * the IVR runner: it watches call events and sends commands.
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  await assertMediaPlane();
  const dir = mkdtempSync(join(tmpdir(), 'sip-edge-it-'));
  const bus = createInProcessBus({});
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name })));
  const store = await openEmbeddedStore({ dir: join(dir, 'store') });
  const live = createMemoryLiveState();
  const log = pino({ level: process.env.SIP_EDGE_TEST_LOG ?? 'silent' });
  const settings = loadConfig(
    sipEdgeSettings,
    { HOTLINE_SIP_PROMPT_DIR: join(dir, 'prompts'), ...env },
    { ownedPrefixes: [] },
  );
  await store.collection<NumberClaim>(Collections.numberClaims).insert({
    _id: NUMBER,
    tenantId: TENANT,
    hotlineId: HOTLINE,
    claimedAt: new Date().toISOString(),
  });
  const edge = await startSipEdge(
    { log, bus, store, live, metrics: new Registry(), siteId: 'site-1', shape: 'up' },
    settings,
    { commandGroup: `sip-edge-it-${randomBytes(4).toString('hex')}` },
  );
  // The SIP, DTMF and directory ports are fixed (Kamailio's config names them): if another
  // sip-edge holds them (hotline up, a second test run), say so now rather than fail obscurely.
  for (const check of edge.checks) {
    if (check.name === 'sip-edge.kamailio') continue;
    try {
      await check.check();
    } catch (err) {
      await edge.stop().catch(() => undefined);
      throw new Error(
        `${check.name}: ${(err as Error).message} (is another hotline up or test run holding them?)`,
      );
    }
  }

  const events: HotlineEvent[] = [];
  const waiters = new Set<() => void>();
  // A sip-edge stopped by the test before (or a takeover test's dead instance) leaves Kamailio's
  // dispatcher marking this address inactive until its OPTIONS probe succeeds again: calls placed
  // before then get 503. Wait until Kamailio routes to us.
  await dispatcherActive(
    settings.HOTLINE_SIP_KAMAILIO_RPC,
    settings.HOTLINE_SIP_EDGE_TOKEN,
    settings.HOTLINE_SIP_PORT,
  );
  const sub: Subscription = await consumeEvents({
    bus,
    group: `sip-edge-it-watch-${randomBytes(4).toString('hex')}`,
    topics: [Topics.calls],
    handle: async (event) => {
      events.push(event);
      for (const w of [...waiters]) w();
    },
  });

  const waitFor: Harness['waitFor'] = (type, match, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const find = () =>
        events.find((e) => e.type === type && (!match || match(e.data as EventData<typeof type>))) as
          HotlineEvent<typeof type> | undefined;
      const found = find();
      if (found) return resolve(found);
      const check = () => {
        const hit = find();
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${type} within ${timeoutMs} ms; saw: ${events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      waiters.add(check);
    });

  const send: Harness['send'] = async (callId, command) => {
    const commandId = `cmd-${randomBytes(6).toString('hex')}`;
    await publishEvents(bus, [
      makeEvent({
        type: 'call.command.requested',
        tenantId: TENANT,
        source: 'sip-edge-test',
        data: { commandId, callId, requestedBy: 'ivr-runner', command },
      }),
    ]);
    return commandId;
  };

  return {
    edge,
    promptDir: join(dir, 'prompts'),
    bus,
    store,
    live,
    events,
    waitFor,
    send,
    async command(callId, command, timeoutMs = 15_000) {
      const commandId = await send(callId, command);
      const done = await waitFor('call.command.completed', (d) => d.commandId === commandId, timeoutMs);
      return done.data;
    },
    async provisionAgent(agentId, username, extension) {
      const now = new Date().toISOString();
      await store.collection<Agent>(Collections.agents).insert({
        _id: agentId,
        tenantId: TENANT,
        createdAt: now,
        updatedAt: now,
        displayName: agentId,
        extension: extension ?? null,
        skills: [],
        siteId: 'site-1',
        maxConcurrentInteractions: 1,
        queueIds: [],
        active: true,
        sip: { username, realm: REALM, ha1: sipHa1(username, REALM, AGENT_PASSWORD) },
      });
    },
    async close() {
      await sub.close();
      await edge.drain?.().catch(() => undefined);
      await edge.stop().catch(() => undefined);
      await bus.close();
      await store.close();
      await live.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls Kamailio's dispatcher.list until a destination on `port` is active (flags A…). */
async function dispatcherActive(rpcUrl: string, token: string | undefined, port: number): Promise<void> {
  if (rpcUrl === 'none') return;
  const started = Date.now();
  let last = '';
  while (Date.now() - started < 15_000) {
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { 'X-Hotline-Edge-Token': token } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'dispatcher.list', id: 1 }),
      });
      last = await res.text();
      const result = (JSON.parse(last) as { result?: DispatcherList }).result;
      const targets = (result?.RECORDS ?? []).flatMap((r) => r.SET.TARGETS.map((t) => t.DEST));
      if (targets.some((d) => d.URI.endsWith(`:${port}`) && d.FLAGS.startsWith('A'))) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `Kamailio's dispatcher never marked the edge on port ${port} active: ${last.slice(0, 400)}`,
  );
}

interface DispatcherList {
  RECORDS?: Array<{ SET: { TARGETS: Array<{ DEST: { URI: string; FLAGS: string } }> } }>;
}
