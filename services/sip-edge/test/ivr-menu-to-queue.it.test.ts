// Issue 5's end-to-end proof: a SIPp caller on a trunk dials the hotline through Kamailio and
// rtpengine, the real ivr-runner answers with a published menu flow, the caller presses 1 as
// RFC 4733 telephone-events (relayed to the edge by rtpengine), and the flow puts the call in the
// sales queue. Edge and runner share the harness's in-process bus, embedded store and live state.
import { randomBytes } from 'node:crypto';
import { Topics, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents, type Subscription } from '@hotline/event-bus';
import type { FlowDocumentInput } from '@hotline/flows';
import { startIvrRunner } from '@hotline/ivr-runner';
import { Registry, type RunningService } from '@hotline/platform';
import { Collections, flowVersionId, type Flow, type FlowVersion, type Hotline } from '@hotline/provisioning';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOTLINE, NUMBER, TENANT, startHarness, type Harness } from './support/edge-harness';
import { KAMAILIO, TRUNK_SIPP_PORT } from './support/media-plane';
import { sipp } from './support/sipp';

const FLOW_ID = 'sales-support-menu';
const tts = (text: string) => ({ kind: 'tts' as const, text });
const flow: FlowDocumentInput = {
  start: 'greeting',
  nodes: [
    { id: 'greeting', type: 'play', prompts: [tts('Welcome to the hotline.')], next: 'menu' },
    {
      id: 'menu',
      type: 'menu',
      prompts: [tts('Press 1 for sales, 2 for support.')],
      options: { '1': 'sales', '2': 'support' },
      invalidPrompts: [tts('Not a valid choice.')],
      onFailure: 'support',
    },
    { id: 'sales', type: 'enqueue', queueId: 'sales', priority: 10 },
    { id: 'support', type: 'enqueue', queueId: 'support', priority: 5 },
  ],
};

let h: Harness;
let runner: RunningService | undefined;
let watch: Subscription | undefined;
/** What the IVR and the queue side published (the harness itself watches only the calls topic). */
const flowEvents: HotlineEvent[] = [];

async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within ${timeoutMs} ms; saw: ${flowEvents.map((e) => e.type).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  h = await startHarness();
  const now = new Date().toISOString();
  const meta = { tenantId: TENANT, createdAt: now, updatedAt: now };
  // The harness already claims NUMBER for HOTLINE; the hotline answers with the menu flow.
  await h.store.collection<Hotline>(Collections.hotlines).insert({
    ...meta,
    _id: HOTLINE,
    name: 'Main line',
    description: '',
    numbers: [NUMBER],
    trunk: { id: 'local', maxConcurrentCalls: null },
    flowMappings: [],
    defaultFlowId: FLOW_ID,
    recording: { mode: 'none', percentage: null, allowPause: true },
    calendarId: null,
    active: true,
  });
  await h.store.collection<Flow>(Collections.flows).insert({
    ...meta,
    _id: FLOW_ID,
    name: 'Sales or support',
    description: '',
    graph: flow,
    status: 'published',
    publishedVersion: 1,
    publishedAt: now,
    validatedAt: now,
  });
  await h.store.collection<FlowVersion>(Collections.flowVersions).insert({
    ...meta,
    _id: flowVersionId(FLOW_ID, 1),
    flowId: FLOW_ID,
    version: 1,
    name: 'Sales or support',
    graph: flow,
    publishedAt: now,
    publishedBy: 'it',
  });
  watch = await consumeEvents({
    bus: h.bus,
    group: `ivr-menu-it-watch-${randomBytes(4).toString('hex')}`,
    topics: [Topics.ivr, Topics.queues],
    handle: async (event) => {
      flowEvents.push(event);
    },
  });
  runner = await startIvrRunner(
    {
      log: pino({ level: process.env.SIP_EDGE_TEST_LOG ?? 'silent' }),
      bus: h.bus,
      store: h.store,
      live: h.live,
      metrics: new Registry(),
    },
    { group: `ivr-menu-it-${randomBytes(4).toString('hex')}` },
  );
});

afterAll(async () => {
  await runner?.stop();
  await watch?.close();
  await h?.close();
});

describe('a caller through Kamailio and rtpengine with the IVR runner', () => {
  it('navigates the menu with an RFC 4733 key press and reaches the sales queue', async () => {
    // The caller presses 1 as telephone-events 1.5 s after its ACK, then waits for BYE.
    const caller = sipp({
      scenario: 'uac_menu_press_1.xml',
      remote: `${KAMAILIO.host}:${KAMAILIO.port}`,
      localPort: TRUNK_SIPP_PORT,
      mediaPort: 46100,
      service: NUMBER,
      timeoutMs: 20_000,
    });
    try {
      const offered = await h.waitFor('call.offered', (d) => d.dnis === NUMBER);
      const { callId } = offered.data;
      const ofCall = () => flowEvents.filter((e) => e.key === callId);

      const joined = await waitFor('queue.joined', () => ofCall().find((e) => e.type === 'queue.joined'));
      expect(joined.data).toMatchObject({ callId, queueId: 'sales', priority: 10 });
      expect(joined.tenantId).toBe(TENANT);
      await h.waitFor('call.answered', (d) => d.callId === callId && d.answeredBy === 'ivr');

      // Queue and IVR events travel on different topics: wait for the IVR's last node too.
      const entered = () => ofCall().flatMap((e) => (e.type === 'ivr.node.entered' ? [e.data.nodeId] : []));
      await waitFor('the sales node', () => (entered().includes('sales') ? true : undefined));
      expect(entered()).toEqual(['greeting', 'menu', 'sales']);
      const inputs = ofCall().flatMap((e) =>
        e.type === 'ivr.input.collected' ? [[e.data.digits, e.data.outcome]] : [],
      );
      expect(inputs).toEqual([['1', 'match']]);

      // The call waits in the queue (no agents here); the edge ends it and the caller sees BYE.
      const hangup = await h.command(callId, { action: 'hangup', cause: 'normal' });
      expect(hangup.outcome).toBe('done');
      await h.waitFor('call.ended', (d) => d.callId === callId);
      const run = await caller.done;
      expect(run.code, run.stdout.slice(-2000)).toBe(0);
    } finally {
      caller.kill();
      await caller.done;
    }
  }, 30_000);
});
