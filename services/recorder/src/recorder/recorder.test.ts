import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventTypes,
  makeEvent,
  Topics,
  type EventData,
  type EventType,
  type HotlineEvent,
} from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { consumeEvents, createInProcessBus, type EventBus, type Subscription } from '@hotline/event-bus';
import { RecorderCollections, type RecordingDoc } from '../domain/recording';
import { policyId, type PolicyDoc } from '../domain/recorder-docs';
import { policyRecordingId, Recorder, recorderEventTypes } from './recorder';

const T = 't1';
let dir: string;
let store: DocumentStore;
let bus: EventBus;
let recorder: Recorder;
let published: HotlineEvent[];
let sub: Subscription;
let readyCalls: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recorder-unit-'));
  store = await openEmbeddedStore({ dir });
  bus = createInProcessBus({});
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name })));
  published = [];
  readyCalls = 0;
  sub = await consumeEvents({
    bus,
    group: 'watch',
    topics: [Topics.callCommands, Topics.recordings],
    handle: async (e) => {
      published.push(e);
    },
  });
  recorder = new Recorder({
    store,
    bus,
    log: pino({ level: 'silent' }),
    callerMedia: async () => ({ localPorts: [40000], endpoints: ['127.0.0.1:5000'] }),
    onReady: () => readyCalls++,
  });
});

afterEach(async () => {
  await sub.close();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let clock = Date.parse('2026-11-28T10:00:00Z');
function event<T extends EventType>(type: T, data: EventData<T>): HotlineEvent<T> {
  clock += 1000;
  return makeEvent({ type, tenantId: T, source: 'test', data, occurredAt: new Date(clock) });
}

async function tenantPolicy(mode: 'all' | 'none' | 'on-demand'): Promise<void> {
  await store.collection<PolicyDoc>(RecorderCollections.policies).insert({
    _id: policyId(T),
    tenantId: T,
    scope: 'tenant',
    queueId: null,
    policy: { mode, percentage: null, allowPause: true },
  });
}

async function until<R>(probe: () => R | undefined): Promise<R> {
  for (let i = 0; i < 200; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not met');
}

const recordings = () => store.collection<RecordingDoc>(RecorderCollections.recordings);
const ofType = (type: EventType) => published.filter((e) => e.type === type);

async function offerAndBridge(callId: string): Promise<void> {
  await recorder.handle(
    event('call.offered', {
      callId,
      legId: 'l1',
      direction: 'inbound',
      ani: '+15550122',
      dnis: '+15550100',
      siteId: 's1',
    }),
  );
  await recorder.handle(
    event('call.bridged', { callId, legIds: ['l1', 'l2'], agentId: 'agent-1', queueId: 'q1' }),
  );
}

/** The edge's answer to a record command. */
async function edgeDid(
  commandId: string,
  callId: string,
  outcome: 'done' | 'failed' = 'done',
): Promise<void> {
  await recorder.handle(event('call.command.completed', { commandId, callId, action: 'record', outcome }));
}

async function requested(
  callId: string,
  commandId: string,
  op: 'start' | 'pause' | 'resume' | 'stop',
  recordingId: string,
) {
  await recorder.handle(
    event('call.command.requested', {
      commandId,
      callId,
      requestedBy: 'api',
      command: { action: 'record', op, recordingId },
    }),
  );
}

describe('recording by policy', () => {
  it('asks the edge to record a call once an agent is bridged, when the tenant records all', async () => {
    await tenantPolicy('all');
    await offerAndBridge('call-1');
    const command = await until(() => ofType('call.command.requested')[0]);
    expect(command.data).toMatchObject({
      callId: 'call-1',
      requestedBy: 'recorder',
      command: { action: 'record', op: 'start', recordingId: policyRecordingId('call-1') },
    });
    const doc = await recordings().get(policyRecordingId('call-1'));
    expect(doc).toMatchObject({
      status: 'starting',
      agentId: 'agent-1',
      queueId: 'q1',
      ani: '+15550122',
      trigger: 'policy',
    });
  });

  it('records nothing when no policy asks for it', async () => {
    await tenantPolicy('on-demand');
    await offerAndBridge('call-2');
    await new Promise((r) => setTimeout(r, 30));
    expect(ofType('call.command.requested')).toHaveLength(0);
    expect(await recordings().count({})).toBe(0);
  });

  it('sends one command however often the bridge event is delivered', async () => {
    await tenantPolicy('all');
    await offerAndBridge('call-3');
    await recorder.handle(
      event('call.bridged', { callId: 'call-3', legIds: ['l1', 'l2'], agentId: 'agent-1' }),
    );
    await until(() => ofType('call.command.requested')[0]);
    await new Promise((r) => setTimeout(r, 30));
    expect(ofType('call.command.requested')).toHaveLength(1);
  });

  it('follows start, pause, resume and the call’s end with one recording.* event each', async () => {
    await tenantPolicy('all');
    await offerAndBridge('call-4');
    const start = await until(() => ofType('call.command.requested')[0]);
    if (start.type !== 'call.command.requested') throw new Error('unreachable');
    const id = policyRecordingId('call-4');
    await edgeDid(start.data.commandId, 'call-4');
    await requested('call-4', 'cmd-p', 'pause', id);
    await edgeDid('cmd-p', 'call-4');
    await requested('call-4', 'cmd-r', 'resume', id);
    await edgeDid('cmd-r', 'call-4');
    await recorder.handle(
      event('call.ended', { callId: 'call-4', cause: 'caller-hangup', by: 'caller', durationMs: 9000 }),
    );

    const types = await until(() => (published.length >= 5 ? published.map((e) => e.type) : undefined));
    expect(types).toEqual([
      'call.command.requested',
      'recording.started',
      'recording.paused',
      'recording.paused',
      'recording.stopped',
    ]);
    const stopped = ofType('recording.stopped')[0]!;
    // Started at +3 s, paused +5 → +7 s, ended +8 s: 3 s recorded.
    expect(stopped.data).toMatchObject({ reason: 'call-ended', durationMs: 3000 });
    const doc = await recordings().get(id);
    expect(doc).toMatchObject({ status: 'processing', callerMedia: { localPorts: [40000] } });
    expect(doc!.pauses).toHaveLength(1);
    expect(doc!.pauses[0]!.to).not.toBeNull();
    expect(readyCalls).toBe(1);
  });

  it('marks the recording failed when the edge could not start it', async () => {
    await tenantPolicy('all');
    await offerAndBridge('call-5');
    const start = await until(() => ofType('call.command.requested')[0]);
    if (start.type !== 'call.command.requested') throw new Error('unreachable');
    await edgeDid(start.data.commandId, 'call-5', 'failed');
    expect(await recordings().get(policyRecordingId('call-5'))).toMatchObject({ status: 'failed' });
    expect(ofType('recording.started')).toHaveLength(0);
  });
});

describe('recording on demand', () => {
  it('applies a start whose outcome arrived before its request (two topics, no order between them)', async () => {
    await tenantPolicy('on-demand');
    await offerAndBridge('call-6');
    await edgeDid('cmd-s', 'call-6');
    expect(await recordings().count({})).toBe(0);
    await requested('call-6', 'cmd-s', 'start', 'rec-demand-1');
    const doc = await recordings().get('rec-demand-1');
    expect(doc).toMatchObject({
      status: 'recording',
      trigger: 'on-demand',
      callId: 'call-6',
      agentId: 'agent-1',
    });
    const started = await until(() => ofType('recording.started')[0]);
    expect(started.data).toMatchObject({ recordingId: 'rec-demand-1', trigger: 'on-demand' });
  });

  it('ignores a pause for a recording it never started', async () => {
    await requested('call-7', 'cmd-x', 'pause', 'rec-unknown');
    await edgeDid('cmd-x', 'call-7');
    expect(await recordings().count({})).toBe(0);
    expect(ofType('recording.paused')).toHaveLength(0);
  });
});

// The recorder's group is handed only recorderEventTypes (the bus commits the rest unread): every
// other event, and every call command but recording's, must be one the recorder leaves alone.
describe('the event types the recorder subscribes to', () => {
  const selectors: readonly string[] = recorderEventTypes;
  // Command events are taken by action: the test below.
  const passedOver = eventTypes.filter((t) => !selectors.includes(t) && !t.startsWith('call.command.'));
  // Any use of the store or the bus fails the test.
  const untouchable = <T extends object>(what: string) =>
    new Proxy({} as T, {
      get: (_target, name) => {
        throw new Error(`the recorder used ${what}.${String(name)}`);
      },
    });
  const recorder = () =>
    new Recorder({
      store: { collection: () => untouchable('a collection') } as unknown as DocumentStore,
      bus: untouchable('the bus'),
      log: pino({ level: 'silent' }),
      callerMedia: () => Promise.reject(new Error('asked for media')),
    });
  const event = (type: string, data: object) =>
    ({ type, tenantId: 't1', source: 'test', data }) as unknown as HotlineEvent;

  it.each(passedOver)('%s is left alone', async (type) => {
    await expect(recorder().handle(event(type, { callId: 'c1' }))).resolves.toBeUndefined();
  });

  it.each(['answer', 'play', 'bridge', 'hangup'])(
    'a %s command, asked or done, is left alone',
    async (action) => {
      await expect(
        recorder().handle(
          event('call.command.requested', { callId: 'c1', commandId: 'k1', command: { action } }),
        ),
      ).resolves.toBeUndefined();
      await expect(
        recorder().handle(
          event('call.command.completed', { callId: 'c1', commandId: 'k1', action, outcome: 'done' }),
        ),
      ).resolves.toBeUndefined();
    },
  );
});
