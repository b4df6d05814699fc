import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents, type Subscription } from '@hotline/event-bus';
import { problemHandler, Registry, type RunningService } from '@hotline/platform';
import { kamailio } from '../../sip-edge/test/support/agents';
import {
  AGENT_PASSWORD,
  NUMBER,
  REALM,
  startHarness,
  TENANT,
  type Harness,
} from '../../sip-edge/test/support/edge-harness';
import { KAMAILIO, root, TRUNK_PHONE_PORT } from '../../sip-edge/test/support/media-plane';
import { sipp } from '../../sip-edge/test/support/sipp';
import { TestPhone } from '../../sip-edge/test/support/test-phone';
import {
  createRecordingLibrary,
  policyId,
  RecorderCollections,
  recorderSettingsFrom,
  recordingsRouter,
  service,
  type PolicyDoc,
  type RecordingDoc,
  type RecordingLibrary,
} from '../src/index';
import { longestSilence, toneEnergy } from './support/test-signals';
import { readWav } from '../src/media/wav';

// A real call through Kamailio and rtpengine, recorded by policy: the recorder asks sip-edge to
// record (call.command.requested), rtpengine writes pcaps into its spool, the recorder turns
// them into a stereo WAV in object storage. Run under `flock /tmp/hotline-sip.lock` (fixed
// SIP ports, one Kamailio).

let h: Harness;
let recorder: RunningService;
let library: RecordingLibrary;
let dir: string;
const phones: TestPhone[] = [];
const recordingEvents: HotlineEvent[] = [];
let watch: Subscription;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'recorder-it-'));
  const env = {
    HOTLINE_RECORDER_SPOOL_DIR: `${root}.local/rtpengine/recordings`,
    HOTLINE_RECORDER_LOCAL_DIR: join(dir, 'objects'),
    HOTLINE_RECORDER_POLL_MS: '200',
    HOTLINE_RECORDER_FILE_WAIT_MS: '10000',
  };
  recorder = await service.start({
    siteId: 'site-1',
    log: pino({ level: process.env.RECORDER_TEST_LOG ?? 'silent' }),
    metrics: new Registry(),
    bus: h.bus,
    store: h.store,
    live: h.live,
    http: express(),
    shape: 'up',
    env,
  });
  library = createRecordingLibrary({ store: h.store, settings: recorderSettingsFrom(env) });
  watch = await consumeEvents({
    bus: h.bus,
    group: 'recorder-it-watch',
    topics: [Topics.recordings],
    handle: async (e) => {
      recordingEvents.push(e);
    },
  });
  await h.store.collection<PolicyDoc>(RecorderCollections.policies).insert({
    _id: policyId(TENANT),
    tenantId: TENANT,
    scope: 'tenant',
    queueId: null,
    policy: { mode: 'all', percentage: null, allowPause: true },
  });
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.close()));
  await watch?.close();
  await recorder?.stop();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined> | T | null | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a bridged call recorded by policy', () => {
  let recording: RecordingDoc;
  let callId: string;

  it('is recorded to a stereo WAV: the caller’s tone on the left, the agent’s on the right, the pause silent', async () => {
    await h.provisionAgent('agent-r1', 'agentr1');
    const register = await sipp({
      scenario: 'agent_register.xml',
      remote: kamailio,
      localPort: 5492,
      mediaPort: 46820,
      service: 'agentr1',
      extra: ['-key', 'realm', REALM, '-au', 'agentr1', '-ap', AGENT_PASSWORD],
      timeoutMs: 8000,
    }).done;
    expect(register.code, register.stdout.slice(-1000)).toBe(0);
    const caller = await TestPhone.open(TRUNK_PHONE_PORT);
    const agent = await TestPhone.open(5492);
    phones.push(caller, agent);
    const agentAnswered = agent.answerNext(100);
    const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
    callId = (await h.waitFor('call.offered')).data.callId;
    const bridged = await h.command(callId, {
      action: 'bridge',
      target: { type: 'agent', agentId: 'agent-r1' },
      ringTimeoutMs: 8000,
    });
    expect(bridged.outcome).toBe('done');
    await Promise.all([answered, agentAnswered]);
    caller.sendTone(440);
    agent.sendTone(1300);

    // The policy ("all" for the tenant) starts the recording once the agent is bridged.
    const started = await until('recording.started', () =>
      recordingEvents.find((e) => e.type === 'recording.started' && e.data.callId === callId),
    );
    if (started.type !== 'recording.started') throw new Error('unreachable');
    expect(started.data.trigger).toBe('policy');
    const recordingId = started.data.recordingId;
    await sleep(800);
    // The agent pauses for a card number (as the desk API would ask), then resumes.
    expect((await h.command(callId, { action: 'record', op: 'pause', recordingId })).outcome).toBe('done');
    await sleep(800);
    expect((await h.command(callId, { action: 'record', op: 'resume', recordingId })).outcome).toBe('done');
    await sleep(800);
    caller.stopTone();
    agent.stopTone();
    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);

    recording = await until('the stored recording', async () => {
      const doc = await h.store.collection<RecordingDoc>(RecorderCollections.recordings).get(recordingId);
      if (doc?.status === 'failed') throw new Error(`recording failed: ${doc.error}`);
      return doc?.status === 'available' ? doc : null;
    });
    expect(recording.sidesKnown).toBe(true);
    expect(recording.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(recording.pauses).toHaveLength(1);
    // 0.8 + 0.8 (paused, silent) + 0.8 s, plus the command round trips (slow on a busy machine).
    expect(recording.durationMs).toBeGreaterThan(2000);
    expect(recording.durationMs).toBeLessThan(6000);

    const audio = await library.audio(TENANT, recordingId, {});
    const wav = readWav(await buffer(audio.body!));
    const [left, right] = wav.channels as [Int16Array, Int16Array];
    expect(wav.sampleRate).toBe(8000);
    expect(toneEnergy(left, 440)).toBeGreaterThan(50 * toneEnergy(left, 1300));
    expect(toneEnergy(right, 1300)).toBeGreaterThan(50 * toneEnergy(right, 440));
    // The pause: rtpengine wrote nothing for ~0.8 s, so both channels hold silence there.
    expect(longestSilence(left)).toBeGreaterThan(0.5 * 8000);
    expect(longestSilence(right)).toBeGreaterThan(0.5 * 8000);

    const types = recordingEvents.filter((e) => e.key === callId).map((e) => e.type);
    expect(types).toEqual(['recording.started', 'recording.paused', 'recording.paused', 'recording.stopped']);
  });

  it('serves a byte range of the WAV over HTTP (206) with its ETag', async () => {
    const app = express();
    app.use(
      recordingsRouter(library, (req) => {
        if (req.header('x-role') !== 'supervisor')
          throw Object.assign(new Error('forbidden'), { status: 403 });
        return { tenantId: TENANT, kind: 'user', id: 'sup-1' };
      }),
    );
    app.use(problemHandler(() => undefined));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const response = await fetch(`${base}/v1/recordings/${recording._id}/audio`, {
        headers: { range: 'bytes=0-99', 'x-role': 'supervisor' },
      });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes 0-99/${recording.sizeBytes}`);
      expect(response.headers.get('etag')).toBe(`"${recording.sha256}"`);
      expect(response.headers.get('content-type')).toBe('audio/wav');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes).toHaveLength(100);
      expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
    } finally {
      server.close();
    }
  });
});
