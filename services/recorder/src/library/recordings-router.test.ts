import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { HotlineError, problemHandler } from '@hotline/platform';
import { Collections, type AuditEntry, type Role } from '@hotline/provisioning';
import { RecorderCollections, type RecordingDoc } from '../domain/recording';
import { stereoWav } from '../media/wav';
import { recorderSettingsFrom } from '../settings';
import { createLocalObjectStore } from '../storage/local-object-store';
import type { ObjectStore } from '../storage/object-store';
import { createRecordingLibrary, type RecordingLibrary } from './recording-library';
import { recordingsRouter } from './recordings-router';
import { createHash } from 'node:crypto';

let dir: string;
let store: DocumentStore;
let objects: ObjectStore;
let library: RecordingLibrary;
let server: Server;
let base: string;
let wav: Buffer;

function doc(id: string, over: Partial<RecordingDoc> = {}): Omit<RecordingDoc, '_rev'> {
  return {
    _id: id,
    tenantId: 't1',
    callId: `call-${id}`,
    agentId: 'agent-1',
    queueId: 'q1',
    hotlineId: null,
    ani: '+15550122',
    dnis: '+15550100',
    trigger: 'policy',
    status: 'available',
    allowPause: true,
    createdAt: '2026-11-28T10:00:00.000Z',
    updatedAt: '2026-11-28T10:01:00.000Z',
    startedAt: '2026-11-28T10:00:00.000Z',
    endedAt: '2026-11-28T10:01:00.000Z',
    pauses: [],
    durationMs: 1000,
    sizeBytes: wav.length,
    sha256: createHash('sha256').update(wav).digest('hex'),
    objectKey: `t1/2026/11/28/${id}.wav`,
    contentType: 'audio/wav',
    retentionUntil: '2027-02-26T10:00:00.000Z',
    callerMedia: null,
    sidesKnown: true,
    error: null,
    ...over,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recordings-api-'));
  store = await openEmbeddedStore({ dir: join(dir, 'store') });
  objects = createLocalObjectStore(join(dir, 'objects'));
  library = createRecordingLibrary({ store, settings: recorderSettingsFrom({}), objects });
  wav = stereoWav(
    Int16Array.from({ length: 8000 }, (_, i) => i),
    new Int16Array(8000),
  );
  const app = express();
  app.use(express.json());
  // The API's authorize, as far as the router relies on it: the x-role header is the caller's role.
  app.use(
    recordingsRouter(library, (req, roles: readonly Role[]) => {
      const role = req.header('x-role') as Role;
      if (!roles.includes(role)) throw new HotlineError('forbidden', `needs ${roles.join(', ')}`);
      return { tenantId: 't1', kind: 'user', id: `user-${role}` };
    }),
  );
  app.use(problemHandler(() => undefined));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/recordings`;
});

// Each test starts from the same three recordings and an empty audit log.
beforeEach(async () => {
  await store.collection(RecorderCollections.recordings).deleteMany({});
  await store.collection(Collections.auditLog).deleteMany({});
  for (const [id, over] of [
    ['rec-a', {}],
    ['rec-b', { agentId: 'agent-2', startedAt: '2026-11-28T11:00:00.000Z' }],
    ['rec-other', { tenantId: 't2' }],
  ] as const) {
    const d = doc(id, over);
    await store.collection<RecordingDoc>(RecorderCollections.recordings).insert(d);
    await objects.put(d.objectKey!, wav, 'audio/wav');
  }
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Page {
  items: { id: string }[];
  next: string | null;
}
const page = async (r: Response) => (await r.json()) as Page;
const problem = async (r: Response) => (await r.json()) as { detail: string };

const as = (role: string, init: RequestInit = {}) => ({
  ...init,
  headers: { ...(init.headers as object), 'x-role': role },
});
const audit = () => store.collection<AuditEntry>(Collections.auditLog).find({}, { sort: { at: 1 } });

describe('recordings API', () => {
  it('lets a supervisor search by agent and time, within the tenant only', async () => {
    const all = await page(await fetch(base, as('supervisor')));
    expect(all.items.map((r) => r.id)).toEqual(['rec-b', 'rec-a']);
    const byAgent = await page(await fetch(`${base}?agentId=agent-1`, as('supervisor')));
    expect(byAgent.items.map((r) => r.id)).toEqual(['rec-a']);
    const byTime = await page(await fetch(`${base}?from=2026-11-28T10:30:00Z`, as('supervisor')));
    expect(byTime.items.map((r) => r.id)).toEqual(['rec-b']);
    const paged = await page(await fetch(`${base}?limit=1`, as('supervisor')));
    expect(paged.next).toBe('1');
  });

  it('refuses agents', async () => {
    const response = await fetch(base, as('agent'));
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answers a bad query with a clear 400', async () => {
    const response = await fetch(`${base}?from=yesterday`, as('supervisor'));
    expect(response.status).toBe(400);
    expect((await problem(response)).detail).toMatch(/from must be an ISO date-time/);
  });

  it('hides another tenant’s recording as not found', async () => {
    expect((await fetch(`${base}/rec-other`, as('supervisor'))).status).toBe(404);
  });

  it('plays a byte range (206) and says 416 for one past the end', async () => {
    const partial = await fetch(
      `${base}/rec-a/audio`,
      as('supervisor', { headers: { range: 'bytes=44-47' } }),
    );
    expect(partial.status).toBe(206);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(wav.subarray(44, 48));
    const whole = await fetch(`${base}/rec-a/audio`, as('supervisor'));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(wav);
    const beyond = await fetch(
      `${base}/rec-a/audio`,
      as('supervisor', { headers: { range: `bytes=${wav.length}-` } }),
    );
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${wav.length}`);
  });

  it('answers 304 to a player that has the same audio (ETag)', async () => {
    const first = await fetch(`${base}/rec-a/audio`, as('supervisor'));
    await first.arrayBuffer();
    const again = await fetch(
      `${base}/rec-a/audio`,
      as('supervisor', { headers: { 'if-none-match': first.headers.get('etag')! } }),
    );
    expect(again.status).toBe(304);
  });

  it('exports after checking the checksum, and refuses audio changed in storage', async () => {
    const exported = await fetch(`${base}/rec-a/export`, as('supervisor', { method: 'POST' }));
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(
      /attachment; filename="recording-2026-11-28-rec-a.wav"/,
    );
    expect(Buffer.from(await exported.arrayBuffer())).toEqual(wav);

    const tampered = Buffer.from(wav);
    tampered[100] = (tampered[100]! + 1) % 256;
    writeFileSync(join(dir, 'objects', 'objects', 't1', '2026', '11', '28', 'rec-a.wav'), tampered);
    const refused = await fetch(`${base}/rec-a/audio?download=1`, as('supervisor'));
    expect(refused.status).toBe(500);
    expect((await problem(refused)).detail).toMatch(/integrity check/);
  });

  it('lets only a tenant admin delete, removing the audio too', async () => {
    expect((await fetch(`${base}/rec-a`, as('supervisor', { method: 'DELETE' }))).status).toBe(403);
    expect((await fetch(`${base}/rec-a`, as('tenant-admin', { method: 'DELETE' }))).status).toBe(204);
    expect((await fetch(`${base}/rec-a`, as('tenant-admin'))).status).toBe(404);
    expect(await objects.head('t1/2026/11/28/rec-a.wav')).toBeNull();
  });

  it('writes every access to the audit log: who, what, which recording', async () => {
    await (await fetch(`${base}/rec-a`, as('supervisor'))).json();
    await (await fetch(`${base}/rec-a/audio`, as('supervisor'))).arrayBuffer();
    await fetch(`${base}/rec-b`, as('tenant-admin', { method: 'DELETE' }));
    const entries = (await audit()).map((e) => [e.actor.id, e.action, e.resourceId]);
    expect(entries).toEqual([
      ['user-supervisor', 'recording.read', 'rec-a'],
      ['user-supervisor', 'recording.played', 'rec-a'],
      ['user-tenant-admin', 'recording.deleted', 'rec-b'],
    ]);
  });
});

describe('the running recording of a call', () => {
  it('is found for pause and resume, and none once it is stored', async () => {
    const recordings = store.collection<RecordingDoc>(RecorderCollections.recordings);
    await recordings.insert(doc('rec-live', { callId: 'call-live', status: 'paused', allowPause: false }));
    expect(await library.active('t1', 'call-live')).toMatchObject({ id: 'rec-live', allowPause: false });
    expect(await library.active('t1', 'call-rec-a')).toBeNull();
    expect(await library.active('t2', 'call-live')).toBeNull();
  });
});

describe('retention', () => {
  it('deletes expired recordings in bounded batches, and a second sweep finds nothing', async () => {
    const recordings = store.collection<RecordingDoc>(RecorderCollections.recordings);
    for (const id of ['old-1', 'old-2', 'old-3']) {
      const d = doc(id, { retentionUntil: '2026-01-01T00:00:00.000Z' });
      await recordings.insert(d);
      await objects.put(d.objectKey!, wav, 'audio/wav');
    }
    const now = new Date('2026-12-01T00:00:00Z');
    expect(await library.sweepRetention(now, 2)).toBe(2);
    expect(await library.sweepRetention(now, 2)).toBe(1);
    expect(await library.sweepRetention(now, 2)).toBe(0);
    expect(await recordings.count({})).toBe(3);
    expect(await objects.head('t1/2026/11/28/old-1.wav')).toBeNull();
    expect(await objects.head('t1/2026/11/28/rec-a.wav')).not.toBeNull();
    expect((await audit()).filter((e) => e.action === 'recording.expired')).toHaveLength(3);
  });
});

describe('recording policies API', () => {
  const put = (role: string, path: string, body: unknown) =>
    fetch(`${base.replace('/recordings', '/recording-policies')}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-role': role },
      body: JSON.stringify(body),
    });

  it('lets a tenant admin set the tenant and a queue policy, and a supervisor read them', async () => {
    const tenant = await put('tenant-admin', '/tenant', {
      policy: { mode: 'percentage', percentage: 20, allowPause: true },
      retentionDays: 365,
    });
    expect(tenant.status).toBe(200);
    expect(await tenant.json()).toMatchObject({ scope: 'tenant', retentionDays: 365 });
    expect((await put('tenant-admin', '/queues/q1', { policy: { mode: 'all' } })).status).toBe(200);
    const read = await fetch(
      `${base.replace('/recordings', '/recording-policies')}/queues/q1`,
      as('supervisor'),
    );
    expect(await read.json()).toMatchObject({
      scope: 'queue',
      queueId: 'q1',
      policy: { mode: 'all', allowPause: true },
    });
    expect((await audit()).map((e) => e.resourceId)).toEqual(['t1:tenant', 't1:queue:q1']);
  });

  it('refuses a supervisor’s write and an inconsistent policy, naming the field', async () => {
    expect((await put('supervisor', '/tenant', { policy: { mode: 'all' } })).status).toBe(403);
    const bad = await put('tenant-admin', '/tenant', { policy: { mode: 'percentage' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toMatch(/policy\/percentage/);
  });
});
