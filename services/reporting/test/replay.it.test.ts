// Replay on real Kafka, FerretDB and Redis: reporting folds a scripted day live, its figures are
// read; then every store of reporting is wiped and the topics are read again from the start by a
// new consumer group. CDRs, intervals and real-time figures must come out exactly the same: they
// are all derived from the same stored events, never counted up as events pass.
import { randomUUID } from 'node:crypto';
import { topicOf, type HotlineEvent } from '@hotline/contracts';
import { openMongoStore, type DocumentStore } from '@hotline/document-store';
import { createKafkaBus, eventRecord, type EventBus } from '@hotline/event-bus';
import { createRedisLiveState, type LiveState } from '@hotline/live-state';
import { createLogger, Registry } from '@hotline/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveRealtime } from '../src/adapters/live-realtime';
import { ReportStore } from '../src/adapters/report-store';
import { subjectsOf } from '../src/app/ingest';
import { createReportingQueries, reportingTopics, startReporting } from '../src/index';
import { scriptedDay, waitingCall } from '../src/testing/call-script';

const brokers = (process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const mongoUrl = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const redisUrl = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';
const run = randomUUID().slice(0, 8);
const tenantId = `rep-it-${run}`;
const log = createLogger({ service: 'reporting-it', level: process.env.REPORTING_IT_LOG ?? 'warn' });
const fastKafka = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 300,
  maxWaitTimeMs: 100,
  drainTimeoutMs: 1_000,
  joinTimeoutMs: 30_000,
  backoff: { initialMs: 20, maxMs: 100 },
};
/** This run's own topics, one per standard topic. */
const topicName = (standard: string) => `${standard}.rep-it-${run}`;
const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 9 * 3_600_000;
const now = () => start + 900_000;

let store: DocumentStore;
let live: LiveState;
let publisher: EventBus;

function all(): HotlineEvent[] {
  return [...scriptedDay(tenantId, start).events, ...waitingCall(tenantId, start)];
}

async function until<T>(
  what: string,
  find: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything reporting can tell about the day, read the way the API reads it. */
async function figures() {
  const q = createReportingQueries({ store, live, now });
  const range = {
    from: new Date(start - 3_600_000).toISOString(),
    to: new Date(start + 3_600_000).toISOString(),
  };
  return {
    cdrs: (await q.cdrs(tenantId, { ...range, limit: 100 })).items,
    quarterHours: await q.intervals(tenantId, { size: '15m', ...range }),
    days: await q.intervals(tenantId, { size: 'day', ...range }),
    queues: await q.realtimeQueues(tenantId),
    agents: await q.realtimeAgents(tenantId),
    waiting: await q.waitingCalls(tenantId),
    pop: await q.callContext(tenantId, 'c-quick'),
  };
}

/** Runs reporting under a consumer group until the whole day is folded, and reads the figures. */
async function foldWith(group: string, publishFirst: HotlineEvent[], publishAfter: HotlineEvent[]) {
  const bus = await createKafkaBus({ brokers, clientId: `${group}-${run}`, ...fastKafka });
  const reporting = await startReporting(
    { log, bus, store, live, metrics: new Registry() },
    {
      group: `${group}-${run}`,
      topics: reportingTopics.map(topicName),
      fromBeginning: true,
      publishEveryMs: 20,
      foldEveryMs: 20,
    },
  );
  try {
    const publish = (list: HotlineEvent[]) =>
      publisher.publish(list.map((e) => ({ ...eventRecord(e), topic: topicName(topicOf(e.type)) })));
    await publish(publishFirst);
    await publish(publishAfter);
    // Folded once every event is kept and no handler is still rebuilding from them.
    const expected = new Set(all().flatMap((e) => subjectsOf(e).map((s) => `${e.id}|${s}`))).size;
    const reports = new ReportStore(store);
    await until(
      `${group}: the day folded`,
      async () => (await reports.factCount(tenantId)) === expected && reporting.activeWork?.() === 0,
    );
    return await figures();
  } finally {
    await reporting.stop();
    await bus.close();
  }
}

beforeAll(async () => {
  store = await openMongoStore({ url: mongoUrl, dbName: `rep_it_${run}`, serverSelectionTimeoutMS: 3_000 });
  await store.ping().catch((err: unknown) => {
    throw new Error(`FerretDB/MongoDB not reachable at ${mongoUrl}: run bash infra/local/ferretdb.sh start`, {
      cause: err,
    });
  });
  live = await createRedisLiveState({ url: redisUrl, keyPrefix: `rep-it-${run}:` });
  await live.ping().catch((err: unknown) => {
    throw new Error(`Redis not reachable at ${redisUrl}: run bash infra/local/redis.sh start`, {
      cause: err,
    });
  });
  publisher = await createKafkaBus({ brokers, clientId: `rep-it-pub-${run}`, ...fastKafka });
  await publisher.ensureTopics(reportingTopics.map((t) => ({ name: topicName(t), partitions: 3 })));
});

afterAll(async () => {
  await publisher?.close();
  await live?.close();
  await store?.close();
});

describe('reporting replayed from the start', () => {
  it('rebuilds exactly the same CDRs, intervals and real-time figures after its stores are wiped', async () => {
    const events = all();
    const half = Math.floor(events.length / 2);
    const first = await foldWith('reporting-live', events.slice(0, half), events.slice(half));
    expect(first.cdrs).toHaveLength(6);
    expect(first.quarterHours.find((r) => r.queueId === 'sales')).toMatchObject({ offered: 3, answered: 2 });
    expect(first.queues.find((r) => r.queueId === 'sales')).toMatchObject({ waiting: 1, offered: 3 });
    expect(first.pop?.history.map((h) => h.callId)).toEqual(['c-full']);

    await new ReportStore(store).wipe([tenantId]);
    await new LiveRealtime(live).wipe(tenantId);
    const wiped = await figures();
    expect([wiped.cdrs, wiped.quarterHours, wiped.queues, wiped.agents, wiped.waiting]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);

    const replayed = await foldWith('reporting-replay', [], []);
    expect(replayed).toEqual(first);
  });
});
