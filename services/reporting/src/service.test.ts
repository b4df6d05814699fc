// Reporting as `hotline up` runs it (in-process bus, embedded store, memory live state): a
// scripted day of calls goes in, and the CDRs, intervals, real-time figures, screen pop and the
// HTTP reports come out; events arriving shuffled and twice give the same records.

import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HotlineEvent } from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { createInProcessBus, publishEvents, type EventBus } from '@hotline/event-bus';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { createLogger, HotlineError, problemHandler, Registry, type RunningService } from '@hotline/platform';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportStore } from './adapters/report-store';
import { subjectsOf } from './app/ingest';
import { buildCdr } from './domain/cdr-builder';
import {
  createReportingQueries,
  realtimeChannel,
  reportsRouter,
  startReporting,
  type Authorize,
} from './index';
import { scriptedDay, shuffled, waitingCall } from './testing/call-script';

const tenantId = 'acme';
const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 9 * 3_600_000;
const now = () => start + 900_000;
const log = createLogger({ service: 'reporting-test', level: 'silent' });

let dir: string;
let store: DocumentStore;
let live: LiveState;
let bus: EventBus;
let reporting: RunningService;

async function until<T>(find: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const queries = () => createReportingQueries({ store, live, now });

/** Until every event given is kept and no handler is still rebuilding from them. */
async function settled(events: HotlineEvent[]): Promise<void> {
  const expected = new Set(events.flatMap((e) => subjectsOf(e).map((s) => `${e.id}|${s}`))).size;
  const reports = new ReportStore(store);
  await until(async () => (await reports.factCount(tenantId)) === expected && reporting.activeWork?.() === 0);
}

async function publishDay(): Promise<void> {
  const events = scriptedDay(tenantId, start).events;
  await publishEvents(bus, events);
  await settled(events);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reporting-'));
  store = await openEmbeddedStore({ dir });
  live = createMemoryLiveState();
  bus = createInProcessBus({});
  reporting = await startReporting(
    { log, bus, store, live, metrics: new Registry() },
    { publishEveryMs: 20, foldEveryMs: 20 },
  );
});

afterEach(async () => {
  await reporting.stop();
  await bus.close();
  await live.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('reporting over the bus', () => {
  it('builds the same records from shuffled, duplicated events as from ordered ones', async () => {
    const day = scriptedDay(tenantId, start);
    await publishEvents(bus, shuffled([...day.events, ...day.events.slice(10, 30)], 3));
    // The fold is pure, so what the bus produced must be what the ordered events give.
    const expected = Object.values(day.callIds).map((id) =>
      buildCdr(
        tenantId,
        id,
        day.events.filter((e) => (e.data as { callId?: string }).callId === id),
      ),
    );
    for (const want of expected) {
      await until(async () => {
        const got = await queries().cdr(tenantId, want.callId);
        return got?.eventCount === want.eventCount;
      });
      const {
        disposition: _d,
        dispositionNotes: _n,
        ...stored
      } = (await queries().cdr(tenantId, want.callId))!;
      expect(stored).toEqual(want);
    }
  });

  it("shows today's queue figures, waiting calls and agents in real time, and pushes changes", async () => {
    const pushed: unknown[] = [];
    const unsubscribe = await live.subscribe(realtimeChannel(tenantId), (m) => pushed.push(JSON.parse(m)));
    const events = [...scriptedDay(tenantId, start).events, ...waitingCall(tenantId, start)];
    await publishEvents(bus, events);
    const q = queries();
    await settled(events);
    const queues = await q.realtimeQueues(tenantId);
    expect(queues.find((r) => r.queueId === 'sales')).toMatchObject({
      waiting: 1,
      longestWaitMs: 900_000 - 802_000,
      oldestJoinedAt: new Date(start + 802_000).toISOString(),
      offered: 3,
      answered: 2,
      abandoned: 0,
      serviceLevelPct: 50,
      slThresholdSec: 20,
      agentsByState: expect.objectContaining({ ready: 2, 'not-ready': 1 }),
      updatedAt: new Date(start + 802_000).toISOString(),
    });
    expect(queues.find((r) => r.queueId === 'support')).toMatchObject({
      offered: 2,
      abandoned: 1,
      waiting: 0,
    });
    expect(await q.waitingCalls(tenantId)).toEqual([
      {
        callId: 'c-waiting',
        queueId: 'sales',
        joinedAt: new Date(start + 802_000).toISOString(),
        ani: '+4915100009',
        position: 1,
      },
    ]);
    const a2 = (await q.realtimeAgents(tenantId)).find((a) => a.agentId === 'a2');
    expect(a2).toMatchObject({
      state: 'ready',
      since: new Date(start + 420_000).toISOString(),
      today: { calls: 2, talkMs: 210_000, holdMs: 30_000, wrapMs: 50_000 },
    });
    await until(async () => pushed.some((m) => (m as { kind: string }).kind === 'queue'));
    await until(async () => pushed.some((m) => (m as { kind: string }).kind === 'agent'));
    await unsubscribe();
  });

  it("pops the caller's context with the IVR's data and the caller's earlier calls", async () => {
    await publishDay();
    const pop = await queries().callContext(tenantId, 'c-quick');
    expect(pop).toMatchObject({
      callId: 'c-quick',
      ani: '+4915100001',
      dnis: '+4930999000',
      hotlineId: 'hl-main',
      queueId: 'sales',
      waitMs: 10_000,
      history: [{ callId: 'c-full', outcome: 'answered', queueIds: ['sales'], durationSec: 250 }],
    });
    expect((await queries().callContext(tenantId, 'c-full'))?.attached).toEqual({
      crm: 'vip',
      note: '=HYPERLINK("x")',
    });
    expect(await queries().callContext('other-tenant', 'c-quick')).toBeNull();
  });

  it('pages CDRs newest first with a cursor and filters by agent', async () => {
    await publishDay();
    const range = { from: new Date(start).toISOString(), to: new Date(start + 3_600_000).toISOString() };
    const first = await queries().cdrs(tenantId, { ...range, limit: 3 });
    expect(first.items.map((c) => c.callId)).toEqual(['c-voicemail', 'c-callback', 'c-abandoned']);
    const second = await queries().cdrs(tenantId, { ...range, limit: 3, cursor: first.nextCursor ?? '' });
    expect(second.items.map((c) => c.callId)).toEqual(['c-quick', 'c-full']);
    expect(second.nextCursor).toBeNull();
    const byA3 = await queries().cdrs(tenantId, { ...range, limit: 10, agentId: 'a3' });
    expect(byA3.items.map((c) => c.callId)).toEqual(['c-full']);
  });
});

describe('the reports HTTP API', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let base: string;

  beforeEach(async () => {
    // Stands in for the API's authenticate + authorize: the test names tenant and role in headers.
    const authorize: Authorize = (req, roles) => {
      const role = req.get('x-role') as (typeof roles)[number];
      if (!roles.includes(role)) throw new HotlineError('forbidden', 'role');
      return { tenantId: req.get('x-tenant') ?? '' };
    };
    const app = express();
    app.use(reportsRouter(queries(), authorize, now));
    app.use(problemHandler(() => undefined));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await publishDay();
  });

  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const get = (p: string, role = 'supervisor') =>
    fetch(`${base}${p}`, { headers: { 'x-role': role, 'x-tenant': tenantId } });
  const range = `from=${new Date(start).toISOString()}&to=${new Date(start + 3_600_000).toISOString()}`;

  it('serves a CDR and its list as JSON and CSV', async () => {
    const one = await get('/v1/reports/cdrs/c-full');
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ callId: 'c-full', talkSec: 180, disposition: null });
    const csv = await get(`/v1/reports/cdrs?${range}&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^call_id,started_at,/);
  });

  it('serves quarter-hour intervals of one queue', async () => {
    const res = await get(`/v1/reports/intervals?size=15m&${range}&queueId=sales`);
    const body = (await res.json()) as { items: { queueId: string; offered: number }[] };
    expect(body.items).toEqual([
      expect.objectContaining({ queueId: 'sales', offered: 2, serviceLevelPct: 50 }),
    ]);
  });

  it('serves real-time queues and agents', async () => {
    const queues = (await (await get('/v1/reports/realtime/queues')).json()) as {
      items: { queueId: string }[];
    };
    expect(queues.items.map((q) => q.queueId)).toEqual(['sales', 'support']);
    const agents = (await (await get('/v1/reports/realtime/agents')).json()) as {
      items: { agentId: string }[];
    };
    expect(agents.items.map((a) => a.agentId)).toEqual(['a1', 'a2', 'a3']);
  });

  it('names every bad query parameter in one 422', async () => {
    const res = await get('/v1/reports/intervals?size=1h&from=yesterday&queueId=a%20b');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: { field: string }[] };
    const fields = problem.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['from', 'queueId', 'size']);
  });

  it('refuses a range backwards or too long for its interval size', async () => {
    const res = await get(`/v1/reports/intervals?size=15m&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect(res.status).toBe(422);
  });

  it('answers 404 for a call of another tenant and 403 for an agent', async () => {
    const other = await fetch(`${base}/v1/reports/cdrs/c-full`, {
      headers: { 'x-role': 'supervisor', 'x-tenant': 'other' },
    });
    expect(other.status).toBe(404);
    expect((await get('/v1/reports/cdrs', 'agent')).status).toBe(403);
  });
});
