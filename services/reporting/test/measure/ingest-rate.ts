// How fast one reporting consumer folds events on FerretDB + Redis, one event at a time (the rate
// of one partition). Bounded: six scripted days of 64 events. Run:
//   npx tsx services/reporting/test/measure/ingest-rate.ts
import { randomUUID } from 'node:crypto';
import { openMongoStore } from '@hotline/document-store';
import { createRedisLiveState } from '@hotline/live-state';
import type * as LiveRealtimeModule from '../../src/adapters/live-realtime';
import type * as ReportStoreModule from '../../src/adapters/report-store';
import type * as IngestModule from '../../src/app/ingest';
import { scriptedDay } from '../../src/testing/call-script';

// REPORTING_SRC=<dir>: another copy of src/, as in ingest.measure.ts.
const src = process.env.REPORTING_SRC ?? '../../src';
const { LiveRealtime } = (await import(`${src}/adapters/live-realtime`)) as typeof LiveRealtimeModule;
const { ReportStore } = (await import(`${src}/adapters/report-store`)) as typeof ReportStoreModule;
const { ReportingIngest } = (await import(`${src}/app/ingest`)) as typeof IngestModule;

const mongoUrl = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const redisUrl = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';
const run = randomUUID().slice(0, 8);
const store = await openMongoStore({ url: mongoUrl, dbName: `rep_measure_${run}` });
const live = await createRedisLiveState({ url: redisUrl, keyPrefix: `rep-measure-${run}:` });
const reports = new ReportStore(store);
await reports.ensureIndexes();
const ingest = new ReportingIngest(reports, new LiveRealtime(live), { queueChanged() {}, agentChanged() {} });
const start = Date.parse('2026-11-27T09:00:00Z');
const events = [0, 1, 2, 3, 4, 5].flatMap((i) => scriptedDay('t1', start + i * 1000, `p${i}`).events);
const t0 = performance.now();
for (const e of events) await ingest.handle(e);
// Records are written coalesced: what is still pending is part of the work.
await (ingest as { close?: () => Promise<void> }).close?.();
const ms = performance.now() - t0;
console.log(
  `${events.length} events in ${ms.toFixed(0)} ms: ${((events.length * 1000) / ms).toFixed(1)} events/s, ` +
    `${(ms / events.length).toFixed(1)} ms each`,
);
await reports.wipe(['t1']);
await live.close();
await store.close();
