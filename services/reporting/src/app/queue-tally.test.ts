// Real-time queue figures come from running sums that move by each call's change, not from a scan
// of the day's calls. They must be exactly what the full aggregation over every call's facts
// gives, after any prefix of a day fed out of order and with redeliveries, including an abandon,
// a transfer, a callback, a call still waiting and a wait exactly at the service-level threshold.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HotlineEvent } from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { Collections } from '@hotline/provisioning';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyContribution, LiveRealtime } from '../adapters/live-realtime';
import { ReportStore } from '../adapters/report-store';
import { buildCdr } from '../domain/cdr-builder';
import { utcDay } from '../domain/event-order';
import { intervalFacts } from '../domain/interval-facts';
import { emptyStateMs } from '../domain/agent-timeline';
import { queueRealtime, type QueueRealtime } from '../domain/realtime';
import { scriptedDay, shuffled, waitingCall } from '../testing/call-script';
import { ReportingIngest } from './ingest';
import { createReportingQueries } from './queries';
import { registerPendingFolds } from './pending-folds';

const start = Date.parse('2026-11-27T09:00:00.000Z');
const now = start + 3_600_000;
const today = utcDay(now);

let dir: string;
let store: DocumentStore;
let live: LiveState;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reporting-tally-'));
  store = await openEmbeddedStore({ dir });
  live = createMemoryLiveState();
});

afterEach(async () => {
  await live.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function provisionSl(queueId: string, seconds: number): Promise<void> {
  const queues = store.collection<{
    _id: string;
    tenantId: string;
    serviceLevelSeconds: number;
    _rev: number;
  }>(Collections.queues);
  const current = await queues.get(queueId);
  if (current) await queues.replace({ ...current, serviceLevelSeconds: seconds }, current._rev);
  else await queues.insert({ _id: queueId, tenantId: 't1', serviceLevelSeconds: seconds });
}

/** Today's figures of every queue, aggregated from scratch over the folds of the events given. */
async function recomputed(events: readonly HotlineEvent[]): Promise<QueueRealtime[]> {
  const byCall = new Map<string, HotlineEvent[]>();
  for (const e of events) {
    const callId = (e.data as { callId?: string }).callId;
    if (callId && !e.type.startsWith('agent.state')) byCall.set(callId, [...(byCall.get(callId) ?? []), e]);
  }
  const cdrs = [...byCall].map(([callId, list]) => buildCdr('t1', callId, list));
  const queueIds = new Set(cdrs.flatMap((c) => c.queueIds));
  const out: QueueRealtime[] = [];
  const sl = new Map(
    (
      await store
        .collection<{ _id: string; serviceLevelSeconds: number; _rev: number }>(Collections.queues)
        .find({})
    ).map((q) => [q._id, q.serviceLevelSeconds]),
  );
  for (const queueId of [...queueIds].sort()) {
    const inQueue = cdrs.filter((c) =>
      intervalFacts(c).some((f) => f.queueId === queueId && utcDay(f.at) === today),
    );
    const waitingJoinedAt = cdrs.flatMap((c) => {
      const last = c.queues.at(-1);
      return c.status === 'active' && last?.outcome === 'waiting' && last.queueId === queueId
        ? [last.joinedAt]
        : [];
    });
    const figures = queueRealtime({
      queueId,
      todayFacts: inQueue.flatMap((c) => intervalFacts(c)).filter((f) => f.queueId === queueId),
      waitingJoinedAt,
      agentsByState: emptyStateMs(),
      slThresholdSec: sl.get(queueId) ?? 20,
      updatedAt:
        [...inQueue.map((c) => c.lastEventAt), ...waitingJoinedAt].sort().at(-1) ?? new Date(0).toISOString(),
      now,
    });
    out.push(figures);
  }
  return out;
}

const withoutAgents = (list: QueueRealtime[]) => list.map(({ agentsByState: _a, ...rest }) => rest);

describe('real-time queue sums', () => {
  it('equal the full aggregation after every flush of a shuffled day with redeliveries', async () => {
    const day = scriptedDay('t1', start);
    const events = [...day.events, ...waitingCall('t1', start)];
    // The quick call waits exactly 10 s: at a 10 s threshold it is within the service level.
    await provisionSl('sales', 10);
    const feed = shuffled([...events, ...events.slice(3, 20), ...events.slice(40, 45)], 11);
    const reports = new ReportStore(store, { chunkSize: 3 });
    const rt = new LiveRealtime(live);
    const ingest = new ReportingIngest(
      reports,
      rt,
      { queueChanged() {}, agentChanged() {} },
      { foldEveryMs: 3_600_000 },
    );
    const unregister = registerPendingFolds(store, ingest);
    const queries = createReportingQueries({ store, live, now: () => now });
    const fed: HotlineEvent[] = [];
    let checks = 0;
    for (let i = 0; i < feed.length; i++) {
      fed.push(feed[i] as HotlineEvent);
      await ingest.handle(feed[i] as HotlineEvent);
      if (i % 7 !== 6 && i !== feed.length - 1) continue;
      // Real-time reads do not force pending records out (a polled wallboard must not): flush.
      await ingest.flush();
      const got = withoutAgents(await queries.realtimeQueues('t1'));
      expect({ i, got }).toEqual({ i, got: withoutAgents(await recomputed(fed)) });
      for (const q of got)
        expect(await rt.queueSumsScanned('t1', today, q.queueId)).toEqual(
          Object.fromEntries(
            Object.entries(await rt.queueSums('t1', today, q.queueId))
              .filter(([f, v]) => !f.startsWith('updatedAt') && v !== '0')
              .map(([f, v]) => [f, Number(v)]),
          ),
        );
      checks++;
    }
    expect(checks).toBeGreaterThan(5);
    const sales = (await queries.realtimeQueue('t1', 'sales')) as QueueRealtime;
    expect(sales).toMatchObject({ offered: 3, answered: 2, waiting: 1, serviceLevelPct: 50 });
    // One second less and the quick call is out of the service level too.
    await provisionSl('sales', 9);
    expect(withoutAgents(await queries.realtimeQueues('t1'))).toEqual(
      withoutAgents(await recomputed(events)),
    );
    expect((await queries.realtimeQueue('t1', 'sales')).serviceLevelPct).toBe(0);
    const support = await queries.realtimeQueue('t1', 'support');
    expect(support).toMatchObject({ offered: 2, abandoned: 1, answered: 0 });
    unregister();
    await ingest.close();
  });

  it('moves by the difference when a call is folded again, and not at all for the same entry', async () => {
    const keys = ['calls', 'sums'];
    const run = (callId: string, c: string, atMs: number) =>
      live.run(applyContribution, keys, [callId, c, atMs, new Date(atMs).toISOString(), 60_000]);
    expect(await run('c1', 'offered=1', 1000)).toBe(true);
    expect(await run('c2', 'answered=1,offered=1,w:12=1', 3000)).toBe(true);
    expect(await run('c1', 'abandoned=1,offered=1', 2000)).toBe(true);
    expect(await run('c1', 'abandoned=1,offered=1', 2500)).toBe(false);
    expect(await live.hgetall('sums')).toEqual({
      offered: '2',
      answered: '1',
      abandoned: '1',
      'w:12': '1',
      updatedAtMs: '3000',
      updatedAt: new Date(3000).toISOString(),
    });
  });
});
