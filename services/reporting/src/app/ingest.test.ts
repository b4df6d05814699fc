// Ingest with coalesced writes on the embedded store and memory live state: records are written
// when flushed (by the timer, a query in this process, or close), equal to the folds of all their
// facts however the events arrive, across chunk boundaries of facts and agent segments.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HotlineEvent } from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveRealtime } from '../adapters/live-realtime';
import { ReportStore } from '../adapters/report-store';
import { buildAgentDay, stateMsWithin } from '../domain/agent-timeline';
import { buildCdr } from '../domain/cdr-builder';
import { agentRealtime } from '../domain/realtime';
import { EventScript, scriptedDay, shuffled } from '../testing/call-script';
import { ReportingIngest } from './ingest';
import { createReportingQueries } from './queries';
import { registerPendingFolds } from './pending-folds';

const start = Date.parse('2026-11-27T09:00:00.000Z');
const dayOf = '2026-11-27';

/** An agent taking `calls` calls: about six state changes and offer events per call. */
function busyAgent(calls: number): HotlineEvent[] {
  const s = new EventScript('t1', start, 'busy');
  s.at(0, 'agent.state.changed', { agentId: 'a1', from: 'logged-out', to: 'ready' });
  for (let k = 0; k < calls; k++) {
    const callId = `c${k}`;
    const t = 10 + k * 100;
    s.at(t, 'agent.reserved', {
      agentId: 'a1',
      callId,
      queueId: 'q1',
      reservationId: `r${k}`,
      decisionId: `d${k}`,
      ringTimeoutMs: 20_000,
    })
      .at(t, 'agent.state.changed', { agentId: 'a1', from: 'ready', to: 'reserved', callId })
      .at(t + 1, 'agent.state.changed', { agentId: 'a1', from: 'reserved', to: 'ringing', callId })
      .at(t + 5, 'agent.reservation.ended', {
        agentId: 'a1',
        callId,
        reservationId: `r${k}`,
        outcome: 'answered',
        misses: 0,
      })
      .at(t + 5, 'agent.state.changed', { agentId: 'a1', from: 'ringing', to: 'on-call', callId })
      .at(t + 60, 'agent.state.changed', { agentId: 'a1', from: 'on-call', to: 'wrap-up', callId })
      .at(t + 80, 'agent.state.changed', { agentId: 'a1', from: 'wrap-up', to: 'ready' });
  }
  return s.events;
}

let dir: string;
let store: DocumentStore;
let live: LiveState;
let reports: ReportStore;

const changes = { queueChanged() {}, agentChanged() {} };
const ingestOf = (r: ReportStore, foldEveryMs = 3_600_000) =>
  new ReportingIngest(r, new LiveRealtime(live), changes, { foldEveryMs });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reporting-ingest-'));
  store = await openEmbeddedStore({ dir });
  live = createMemoryLiveState();
  // Small chunks, so a day of a few calls crosses many chunk boundaries.
  reports = new ReportStore(store, { chunkSize: 3, segmentChunkSize: 2 });
});

afterEach(async () => {
  await live.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('coalesced ingest', () => {
  it("stores an agent's day equal to the fold of all its events, in order or not, across chunks", async () => {
    const events = busyAgent(6);
    const want = buildAgentDay('t1', 'a1', dayOf, events);
    for (const [seed, list] of [
      [0, events],
      [5, shuffled([...events, ...events.slice(4, 12)], 5)],
    ] as const) {
      await reports.wipe(['t1']);
      const ingest = ingestOf(reports);
      for (const e of list) await ingest.handle(e);
      await ingest.close();
      expect({ seed, day: await reports.agentDay('t1', 'a1', dayOf) }).toEqual({ seed, day: want });
    }
    // Full chunks of two before the open segment are sealed; the rest rides in the day's head.
    expect(await reports.agentSegments.count({ tenantId: 't1' })).toBe(
      Math.floor((want.segments.length - 1) / 2),
    );
  });

  it("stores an agent's day equal to the full fold when events of one instant arrive in any order", async () => {
    // Each call's offer and its state change share an instant; fed with the larger id first at
    // every instant, the open fold takes back that instant's events and folds them again.
    const events = busyAgent(8);
    const instants = new Map<string, HotlineEvent[]>();
    for (const e of events) instants.set(e.occurredAt, [...(instants.get(e.occurredAt) ?? []), e]);
    const feed = [...instants.values()].flatMap((same) => [...same].sort((a, b) => (a.id < b.id ? 1 : -1)));
    expect(
      feed.some(
        (e, i) =>
          i > 0 && e.occurredAt === feed[i - 1]?.occurredAt && e.id < (feed[i - 1] as HotlineEvent).id,
      ),
    ).toBe(true);
    const ingest = ingestOf(reports);
    for (const [i, e] of feed.entries()) {
      await ingest.handle(e);
      // Written now and then, so writes see folds that were taken back after they were written.
      if (i % 5 === 4) await ingest.flush();
    }
    await ingest.close();
    const want = buildAgentDay('t1', 'a1', dayOf, events);
    expect(await reports.agentDay('t1', 'a1', dayOf)).toEqual(want);
    // The summary real-time figures read sums the closed segments the same way.
    const closed = stateMsWithin(
      want.segments.filter((seg) => seg.to !== null),
      -Infinity,
      Infinity,
      0,
    );
    expect(await new LiveRealtime(live).agentDay('t1', 'a1')).toMatchObject({
      closedMs: closed,
      calls: want.calls,
    });
  });

  it('rewrites earlier segment chunks when a late event changes the start of the day', async () => {
    const events = busyAgent(4);
    const ingest = ingestOf(reports);
    for (const e of events.slice(1)) await ingest.handle(e);
    await ingest.flush();
    await ingest.handle(events[0] as HotlineEvent);
    await ingest.close();
    expect(await reports.agentDay('t1', 'a1', dayOf)).toEqual(buildAgentDay('t1', 'a1', dayOf, events));
  });

  it('writes nothing until flushed, then every CDR and agent day; close flushes what is pending', async () => {
    const day = scriptedDay('t1', start);
    const ingest = ingestOf(reports);
    for (const e of day.events) await ingest.handle(e);
    expect(ingest.pending()).toBeGreaterThan(0);
    expect(await reports.cdr('t1', day.callIds.full)).toBeNull();
    await ingest.close();
    expect(ingest.pending()).toBe(0);
    const events = day.events.filter((e) => (e.data as { callId?: string }).callId === day.callIds.full);
    expect(await reports.cdr('t1', day.callIds.full)).toEqual(buildCdr('t1', day.callIds.full, events));
    const a2 = buildAgentDay(
      't1',
      'a2',
      dayOf,
      day.events.filter((e) => (e.data as { agentId?: string }).agentId === 'a2'),
    );
    expect(await new LiveRealtime(live).agentDay('t1', 'a2')).toMatchObject({
      calls: 2,
      current: a2.current,
    });
  });

  it('writes on its timer without being asked', async () => {
    const ingest = ingestOf(reports, 10);
    const day = scriptedDay('t1', start);
    for (const e of day.events) await ingest.handle(e);
    const deadline = Date.now() + 2_000;
    while (ingest.pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(ingest.pending()).toBe(0);
    expect(await reports.cdr('t1', day.callIds.quick)).toMatchObject({ outcome: 'answered' });
    await ingest.close();
  });

  it('is flushed by a query in the same process before it reads', async () => {
    const ingest = ingestOf(reports);
    const unregister = registerPendingFolds(store, ingest);
    const day = scriptedDay('t1', start);
    for (const e of day.events) await ingest.handle(e);
    const q = createReportingQueries({ store, live, now: () => start + 900_000 });
    expect(await q.cdr('t1', day.callIds.quick)).toMatchObject({ outcome: 'answered', talkSec: 90 });
    expect((await q.realtimeAgent('t1', 'a2'))?.today).toMatchObject({ calls: 2, talkMs: 210_000 });
    unregister();
    await ingest.close();
  });

  it("refolds an agent's day from the store when another instance added a fact", async () => {
    const events = busyAgent(3);
    const a = ingestOf(reports);
    const b = ingestOf(new ReportStore(store, { chunkSize: 3, segmentChunkSize: 2 }));
    const half = Math.floor(events.length / 2);
    for (const [i, e] of events.entries()) await (i % 5 === 2 ? b : a).handle(e);
    await b.close();
    await a.close();
    await a.handle(events[half] as HotlineEvent);
    await a.close();
    expect(await reports.agentDay('t1', 'a1', dayOf)).toEqual(buildAgentDay('t1', 'a1', dayOf, events));
  });

  it("gives the same real-time agent figures from a day's summary as from its segments", async () => {
    const events = busyAgent(3);
    const ingest = ingestOf(reports);
    for (const e of events) await ingest.handle(e);
    await ingest.close();
    const summary = await new LiveRealtime(live).agentDay('t1', 'a1');
    const full = buildAgentDay('t1', 'a1', dayOf, events);
    for (const now of [start + 150_000, start + 7_200_000, start + 86_400_000 * 2])
      expect(agentRealtime(summary!, now)).toEqual(agentRealtime(full, now));
  });
});
