// Fact chunks and agent-day chunks on FerretDB (the MongoDB adapter): two reporting instances
// keeping facts of the same records, each with its own cache, end with every fact kept once and
// the records equal to the folds of all of them.
import { randomUUID } from 'node:crypto';
import { openMongoStore, type DocumentStore } from '@hotline/document-store';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveRealtime } from '../src/adapters/live-realtime';
import { ReportStore, subjectKeys } from '../src/adapters/report-store';
import { ReportingIngest, subjectsOf } from '../src/app/ingest';
import { buildAgentDay } from '../src/domain/agent-timeline';
import { buildCdr } from '../src/domain/cdr-builder';
import { scriptedDay, shuffled } from '../src/testing/call-script';

const mongoUrl = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const run = randomUUID().slice(0, 8);
const tenantId = `chunks-${run}`;
const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 9 * 3_600_000;
const today = new Date(start).toISOString().slice(0, 10);

let store: DocumentStore;
let live: LiveState;

beforeAll(async () => {
  store = await openMongoStore({
    url: mongoUrl,
    dbName: `rep_chunks_${run}`,
    serverSelectionTimeoutMS: 3_000,
  });
  await store.ping().catch((err: unknown) => {
    throw new Error(`FerretDB/MongoDB not reachable at ${mongoUrl}: run bash infra/local/ferretdb.sh start`, {
      cause: err,
    });
  });
  live = createMemoryLiveState();
});

afterAll(async () => {
  await new ReportStore(store).wipe([tenantId]);
  await live?.close();
  await store?.close();
});

describe('chunked facts on FerretDB', () => {
  it('keeps every fact once and folds the same records when two instances write the same records', async () => {
    const day = scriptedDay(tenantId, start);
    const events = shuffled([...day.events, ...day.events.slice(5, 25)], 11);
    const small = { chunkSize: 2, segmentChunkSize: 2 };
    const changes = { queueChanged() {}, agentChanged() {} };
    const [a, b] = [new ReportStore(store, small), new ReportStore(store, small)].map(
      (r) => new ReportingIngest(r, new LiveRealtime(live), changes, { foldEveryMs: 60_000 }),
    ) as [ReportingIngest, ReportingIngest];
    // Alternating instances: each one's cached facts and revisions go stale at almost every event.
    for (const [i, e] of events.entries()) await (i % 2 === 0 ? a : b).handle(e);
    // Whichever kept a record's last fact had all of them (its write was checked against the
    // latest chunk); the other one's fold has fewer and does not replace it.
    await a.close();
    await b.close();

    const reports = new ReportStore(store);
    const ofCall = (id: string) => day.events.filter((e) => (e.data as { callId?: string }).callId === id);
    const subject = subjectKeys.call(day.callIds.full);
    const kept = await reports.facts(tenantId, subject);
    expect(kept.map((e) => e.id).sort()).toEqual(
      day.events
        .filter((e) => subjectsOf(e).includes(subject))
        .map((e) => e.id)
        .sort(),
    );
    expect(await reports.cdr(tenantId, day.callIds.full)).toEqual(
      buildCdr(tenantId, day.callIds.full, ofCall(day.callIds.full)),
    );
    const ofAgent = day.events.filter((e) => (e.data as { agentId?: string }).agentId === 'a2');
    expect(await reports.agentDay(tenantId, 'a2', today)).toEqual(
      buildAgentDay(tenantId, 'a2', today, ofAgent),
    );
  });
});
