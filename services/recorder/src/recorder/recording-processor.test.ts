import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { RecorderCollections, type RecordingDoc } from '../domain/recording';
import { writePcap } from '../media/pcap';
import { tonePacket, toneEnergy } from '../../test/support/test-signals';
import { readWav } from '../media/wav';
import { createLocalObjectStore } from '../storage/local-object-store';
import type { ObjectStore } from '../storage/object-store';
import { objectKeyOf, RecordingProcessor } from './recording-processor';

let dir: string;
let spool: string;
let store: DocumentStore;
let objects: ObjectStore;
let now: number;
const ENDED = Date.parse('2026-11-28T10:01:00Z');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recorder-proc-'));
  spool = join(dir, 'spool');
  for (const sub of ['pcaps', 'metadata', 'tmp']) mkdirSync(join(spool, sub), { recursive: true });
  store = await openEmbeddedStore({ dir: join(dir, 'store') });
  objects = createLocalObjectStore(join(dir, 'objects'));
  now = ENDED + 1000;
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const processor = (keepSpool = false) =>
  new RecordingProcessor({
    store,
    objects,
    log: pino({ level: 'silent' }),
    spoolDir: spool,
    fileWaitMs: 5000,
    retentionDays: 30,
    keepSpool,
    maxSeconds: 3600,
    now: () => now,
  });

async function waiting(callId: string): Promise<void> {
  await store.collection<RecordingDoc>(RecorderCollections.recordings).insert({
    _id: `rec-${callId}`,
    tenantId: 't1',
    callId,
    agentId: 'a1',
    queueId: null,
    hotlineId: null,
    ani: null,
    dnis: null,
    trigger: 'policy',
    status: 'processing',
    allowPause: true,
    createdAt: '2026-11-28T10:00:00.000Z',
    updatedAt: '2026-11-28T10:01:00.000Z',
    startedAt: '2026-11-28T10:00:00.000Z',
    endedAt: new Date(ENDED).toISOString(),
    pauses: [],
    durationMs: null,
    sizeBytes: null,
    sha256: null,
    objectKey: null,
    contentType: null,
    retentionUntil: null,
    callerMedia: { localPorts: [40240], endpoints: [] },
    sidesKnown: null,
    error: null,
  });
}

/** What rtpengine leaves for one closed stretch of a call. */
function stretch(callId: string, suffix: string, closed = true): void {
  const prefix = `${callId}-${suffix}`;
  const packets = Array.from({ length: 25 }, (_, i) => [
    tonePacket(440, i, {
      ssrc: 1,
      atUs: 1_795_831_990_000_000 + i * 20_000,
      src: '127.0.0.1:42085',
      dstPort: 40240,
    }),
    tonePacket(1300, i, {
      ssrc: 2,
      atUs: 1_795_831_990_000_000 + i * 20_000,
      src: '127.0.0.1:35301',
      dstPort: 40228,
    }),
  ]).flat();
  writeFileSync(join(spool, 'pcaps', `${prefix}.pcap`), writePcap(packets));
  const meta = `${join(spool, 'pcaps', `${prefix}.pcap`)}\n\n\ncall start time: 2026-11-28T10:00:00\n`;
  if (closed) writeFileSync(join(spool, 'metadata', `rtpengine-meta-${prefix}.txt`), meta);
  else writeFileSync(join(spool, 'tmp', `rtpengine-meta-${prefix}.tmp`), meta);
}

const get = (callId: string) =>
  store.collection<RecordingDoc>(RecorderCollections.recordings).get(`rec-${callId}`);

describe('turning an ended call’s pcaps into a stored recording', () => {
  it('stores a stereo WAV with its checksum, size and retention, and clears the spool', async () => {
    await waiting('call-a');
    stretch('call-a', '0123456789abcdef');
    // A call whose id starts the same is not this call.
    stretch('call-a-2', 'fedcba9876543210');
    expect(await processor().poll()).toBe(1);
    const doc = (await get('call-a'))!;
    expect(doc).toMatchObject({
      status: 'available',
      contentType: 'audio/wav',
      durationMs: 500,
      sidesKnown: true,
    });
    expect(doc.objectKey).toBe(objectKeyOf(doc));
    expect(doc.retentionUntil).toBe('2026-12-28T10:00:00.000Z');
    const stored = await buffer((await objects.get(doc.objectKey!)).body);
    expect(stored.length).toBe(doc.sizeBytes);
    const [left, right] = readWav(stored).channels;
    expect(toneEnergy(left!, 440)).toBeGreaterThan(100 * toneEnergy(left!, 1300));
    expect(toneEnergy(right!, 1300)).toBeGreaterThan(100 * toneEnergy(right!, 440));
    expect(existsSync(join(spool, 'pcaps', 'call-a-0123456789abcdef.pcap'))).toBe(false);
    expect(existsSync(join(spool, 'pcaps', 'call-a-2-fedcba9876543210.pcap'))).toBe(true);
  });

  it('waits while rtpengine is still writing a stretch', async () => {
    await waiting('call-b');
    stretch('call-b', '0123456789abcdef');
    stretch('call-b', '1123456789abcdef', false);
    expect(await processor().poll()).toBe(0);
    expect((await get('call-b'))!.status).toBe('processing');
  });

  it('gives up with a clear error when no pcap appeared in time', async () => {
    await waiting('call-c');
    const p = processor();
    expect(await p.poll()).toBe(0);
    now = ENDED + 6000;
    expect(await p.poll()).toBe(1);
    expect(await get('call-c')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/wrote no pcap for call call-c/),
    });
  });

  it('marks a recording whose pcap is not a pcap as failed, and goes on with the others', async () => {
    await waiting('call-d');
    writeFileSync(join(spool, 'pcaps', 'call-d-0123456789abcdef.pcap'), 'garbage');
    writeFileSync(join(spool, 'metadata', 'rtpengine-meta-call-d-0123456789abcdef.txt'), '');
    await waiting('call-e');
    stretch('call-e', '0123456789abcdef');
    await processor().poll();
    expect(await get('call-d')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/not a pcap|too short/),
    });
    expect((await get('call-e'))!.status).toBe('available');
  });
});
