// What one consumed event costs reporting on the embedded store (the `hotline up` shape): a
// synthetic UTC day of `agents` agents answering `calls` calls each, every call 18 events over the
// call, queue, agent and recording topics, fed one at a time in occurrence order. Prints CPU per
// event (user + system, so the store's fdatasync threads count too), events/s, bytes handed to the
// store, and the cost of the day's first tenth against its last tenth: a cost that grows with the
// day shows there. Bounded (default 20 agents x 40 calls = 14 400 events). Run:
//   npx tsx services/reporting/test/measure/ingest.measure.ts [agents] [calls]
// MEASURE_PARTITIONS=16 feeds the events concurrently (one in flight per partition, as the
// in-process bus delivers); MEASURE_PUSH=1 also reads the queues' real-time figures as pushes do.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HotlineEvent } from '@hotline/contracts';
import {
  openEmbeddedStore,
  type Collection,
  type DocumentStore,
  type StoredDoc,
} from '@hotline/document-store';
import { createMemoryLiveState } from '@hotline/live-state';
import type * as LiveRealtimeModule from '../../src/adapters/live-realtime';
import type * as ReportStoreModule from '../../src/adapters/report-store';
import type * as IngestModule from '../../src/app/ingest';
import type * as QueriesModule from '../../src/app/queries';
import { EventScript } from '../../src/testing/call-script';

// REPORTING_SRC=<dir> measures another copy of src/, relative to this file; for the code before
// the fact chunks (commit cb1677a), copied next to src/:
//   for f in $(git ls-tree -r --name-only cb1677a services/reporting/src); do
//     o=services/reporting/.measure-old/${f#services/reporting/}; mkdir -p $(dirname $o)
//     git show cb1677a:$f > $o; done
//   REPORTING_SRC=../../.measure-old/src npx tsx services/reporting/test/measure/ingest.measure.ts
const src = process.env.REPORTING_SRC ?? '../../src';
const { LiveRealtime } = (await import(`${src}/adapters/live-realtime`)) as typeof LiveRealtimeModule;
const { ReportStore } = (await import(`${src}/adapters/report-store`)) as typeof ReportStoreModule;
const { ReportingIngest } = (await import(`${src}/app/ingest`)) as typeof IngestModule;
const { createReportingQueries } = (await import(`${src}/app/queries`)) as typeof QueriesModule;

const agents = Number(process.argv[2] ?? 10);
const callsPerAgent = Number(process.argv[3] ?? 40);
/**
 * MEASURE_PUSH=1: at every 250 ms of the events' clock, read every queue's real-time figures
 * once, as the real-time publisher does for a tenant whose agents changed (timed apart).
 */
const pushes = process.env.MEASURE_PUSH === '1';
const push = { count: 0, ms: 0, firstMs: 0, firstCount: 0 };
/** MEASURE_PARTITIONS=16: events fed concurrently, one in flight per partition (see below). */
const partitions = Number(process.env.MEASURE_PARTITIONS ?? 1);
const tenantId = 't-measure';
const dayStart = Date.parse('2026-11-27T00:30:00Z');

function syntheticDay(): HotlineEvent[] {
  const s = new EventScript(tenantId, dayStart, 'measure');
  for (let a = 0; a < agents; a++)
    s.at(a, 'agent.state.changed', { agentId: `a${a}`, from: 'logged-out', to: 'ready' });
  for (let k = 0; k < callsPerAgent; k++) {
    for (let a = 0; a < agents; a++) {
      const agentId = `a${a}`;
      const callId = `c${k}-${a}`;
      const queueId = `q${a % 3}`;
      const t = 60 + k * 600 + a * 7;
      const rid = `r-${callId}`;
      s.at(t, 'call.offered', {
        callId,
        legId: `${callId}-caller`,
        direction: 'inbound',
        ani: `+49151${String(a * 1000 + k).padStart(7, '0')}`,
        dnis: '+4930999000',
        siteId: 'site-1',
        hotlineId: 'hl-main',
      })
        .at(t + 1, 'call.answered', { callId, legId: `${callId}-caller`, answeredBy: 'ivr' })
        .at(t + 1, 'ivr.node.entered', {
          callId,
          flowId: 'main',
          flowVersion: 1,
          nodeId: 'welcome',
          nodeType: 'play',
        })
        .at(t + 5, 'ivr.node.entered', {
          callId,
          flowId: 'main',
          flowVersion: 1,
          nodeId: 'q',
          nodeType: 'enqueue',
        })
        .at(t + 5, 'queue.joined', { callId, queueId, priority: 5, skills: [], position: 1 })
        .at(t + 8, 'agent.reserved', {
          agentId,
          callId,
          queueId,
          reservationId: rid,
          decisionId: `d-${callId}`,
          ringTimeoutMs: 20_000,
        })
        .at(t + 8, 'agent.state.changed', { agentId, from: 'ready', to: 'reserved', callId })
        .at(t + 9, 'agent.state.changed', { agentId, from: 'reserved', to: 'ringing', callId })
        .at(t + 14, 'call.answered', { callId, legId: `${callId}-${agentId}`, answeredBy: 'agent', agentId })
        .at(t + 14, 'call.bridged', {
          callId,
          legIds: [`${callId}-caller`, `${callId}-${agentId}`],
          agentId,
          queueId,
        })
        .at(t + 14, 'agent.reservation.ended', {
          agentId,
          callId,
          reservationId: rid,
          outcome: 'answered',
          misses: 0,
        })
        .at(t + 14, 'queue.left', { callId, queueId, reason: 'reserved', waitMs: 9_000 })
        .at(t + 14, 'agent.state.changed', { agentId, from: 'ringing', to: 'on-call', callId })
        .at(t + 14, 'recording.started', { callId, recordingId: `rec-${callId}`, trigger: 'policy' })
        .at(t + 200, 'call.ended', { callId, cause: 'caller-hangup', by: 'caller', durationMs: 200_000 })
        .at(t + 200, 'recording.stopped', {
          callId,
          recordingId: `rec-${callId}`,
          reason: 'call-ended',
          durationMs: 186_000,
        })
        .at(t + 200, 'agent.state.changed', { agentId, from: 'on-call', to: 'wrap-up', callId })
        .at(t + 230, 'agent.state.changed', { agentId, from: 'wrap-up', to: 'ready' });
    }
  }
  return s.events.sort((x, y) => Date.parse(x.occurredAt) - Date.parse(y.occurredAt));
}

/** Counts what the store is asked to write: the string fields dominate every reporting document. */
function countingStore(
  inner: DocumentStore,
  counter: { bytes: number; writes: number; by: Record<string, number> },
): DocumentStore {
  const size = (doc: object) => {
    let n = 0;
    for (const v of Object.values(doc)) n += typeof v === 'string' ? v.length : 16;
    return n;
  };
  return {
    kind: inner.kind,
    ping: () => inner.ping(),
    close: () => inner.close(),
    collection<T extends StoredDoc>(name: string): Collection<T> {
      const c = inner.collection<T>(name);
      return Object.assign(Object.create(c) as Collection<T>, {
        insert: (doc: Omit<T, '_rev'>) => {
          counter.by[name] = (counter.by[name] ?? 0) + size(doc);
          counter.bytes += size(doc);
          counter.writes++;
          return c.insert(doc);
        },
        replace: (doc: T, rev: number) => {
          counter.by[name] = (counter.by[name] ?? 0) + size(doc);
          counter.bytes += size(doc);
          counter.writes++;
          return c.replace(doc, rev);
        },
      });
    },
  };
}

/**
 * CPU time of the main thread alone (Linux: /proc, in clock ticks of 10 ms), so time the thread
 * waits for a core on a busy machine does not count as it does in event-loop utilization.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

const events = syntheticDay();
const dir = await mkdtemp(path.join(tmpdir(), 'reporting-measure-'));
const inner = await openEmbeddedStore({ dir });
const counter = { bytes: 0, writes: 0, by: {} as Record<string, number> };
const store = countingStore(inner, counter);
const live = createMemoryLiveState();
const reports = new ReportStore(store, {
  ...(process.env.REPORTING_CHUNK ? { chunkSize: Number(process.env.REPORTING_CHUNK) } : {}),
  ...(process.env.REPORTING_SEGMENTS ? { segmentChunkSize: Number(process.env.REPORTING_SEGMENTS) } : {}),
});
await reports.ensureIndexes();
// Coalesced writes are driven by the events' own clock, not the wall clock: the feed runs a day
// in seconds, so a wall-clock timer would coalesce far more than at 100 calls/s in real time.
// A flush whenever the events' time passes a 250 ms boundary writes what a timer would.
const ingest = new ReportingIngest(
  reports,
  new LiveRealtime(live),
  { queueChanged() {}, agentChanged() {} },
  { foldEveryMs: 3_600_000 },
) as InstanceType<typeof ReportingIngest> & { flush?: () => Promise<void>; close?: () => Promise<void> };

const queries = createReportingQueries({ store, live, now: () => clock });
let clock = dayStart;
const readFigures = async (at: number) => {
  clock = at;
  if (!pushes) return;
  const t0 = performance.now();
  await queries.realtimeQueues(tenantId);
  push.ms += performance.now() - t0;
  push.count++;
};

const tenth = Math.floor(events.length / 10);
const slices: { cpuMs: number; wallMs: number; bytes: number }[] = [];
let sliceCpu = process.cpuUsage();
let sliceWall = performance.now();
let sliceBytes = 0;
const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuMs();
const elu0 = performance.eventLoopUtilization();
const wall0 = performance.now();
let bucket = 0;
let done = 0;
const afterEvent = () => {
  done++;
  if (done === tenth) Object.assign(push, { firstMs: push.ms, firstCount: push.count });
  if (done % tenth === 0 && slices.length < 10) {
    const c = process.cpuUsage(sliceCpu);
    slices.push({
      cpuMs: (c.user + c.system) / 1000,
      wallMs: performance.now() - sliceWall,
      bytes: counter.bytes - sliceBytes,
    });
    sliceCpu = process.cpuUsage();
    sliceWall = performance.now();
    sliceBytes = counter.bytes;
  }
};
if (partitions <= 1) {
  for (const event of events) {
    const at = Math.floor(Date.parse(event.occurredAt) / 250);
    if (at !== bucket) {
      await ingest.flush?.();
      await readFigures(Date.parse(event.occurredAt));
    }
    bucket = at;
    await ingest.handle(event);
    afterEvent();
  }
} else {
  // As the in-process bus delivers: one consumer per partition, one event in flight per
  // partition, all partitions at once; a call's events share its partition, an agent's theirs.
  const lanes: HotlineEvent[][] = Array.from({ length: partitions }, () => []);
  for (const event of events) {
    const data = event.data as { callId?: string; agentId?: string };
    const key = event.type.startsWith('agent.') ? (data.agentId ?? '') : (data.callId ?? data.agentId ?? '');
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    (lanes[Math.abs(h) % partitions] as HotlineEvent[]).push(event);
  }
  await Promise.all(
    lanes.map(async (lane) => {
      for (const event of lane) {
        const at = Math.floor(Date.parse(event.occurredAt) / 250);
        if (at > bucket) {
          bucket = at;
          void ingest.flush?.().then(() => readFigures(Date.parse(event.occurredAt)));
        }
        await ingest.handle(event);
        afterEvent();
      }
    }),
  );
}
await ingest.close?.();
const cpu = process.cpuUsage(cpu0);
const main1 = mainThreadCpuMs();
const elu = performance.eventLoopUtilization(elu0);
const wallMs = performance.now() - wall0;
const cpuMs = (cpu.user + cpu.system) / 1000;
const n = events.length;
const per = (x: number, count: number) => (x / count).toFixed(3);
console.log(`${src}: ${agents} agents x ${callsPerAgent} calls: ${n} events, ${partitions} partition(s)`);
console.log(
  `main thread busy: ${elu.active.toFixed(0)} ms, ${per(elu.active, n)} ms/event` +
    (main0 !== null && main1 !== null
      ? `; main thread CPU ${main1 - main0} ms, ${per(main1 - main0, n)} ms/event`
      : ''),
);
console.log(
  `all: ${cpuMs.toFixed(0)} ms CPU, ${wallMs.toFixed(0)} ms wall, ${per(cpuMs, n)} ms CPU/event, ` +
    `${((n * 1000) / wallMs).toFixed(0)} events/s, ${(counter.bytes / 1e6).toFixed(1)} MB in ${counter.writes} writes ` +
    `(${(counter.bytes / n / 1000).toFixed(2)} kB/event)`,
);
console.log(
  `bytes by collection: ${Object.entries(counter.by)
    .map(([c, b]) => `${c} ${(b / n / 1000).toFixed(2)} kB/event`)
    .join(', ')}`,
);
for (const [label, s] of [
  ['first 10%', slices[0]],
  ['last 10% ', slices[9]],
] as const)
  if (s)
    console.log(
      `${label}: ${per(s.cpuMs, tenth)} ms CPU/event, ${per(s.wallMs, tenth)} ms wall/event, ` +
        `${(s.bytes / tenth / 1000).toFixed(2)} kB/event`,
    );
if (pushes && push.count > push.firstCount)
  console.log(
    `queue figures read ${push.count} times: ${(push.ms / push.count).toFixed(3)} ms each; first 10% of the day ` +
      `${(push.firstMs / Math.max(1, push.firstCount)).toFixed(3)} ms, the rest ` +
      `${((push.ms - push.firstMs) / (push.count - push.firstCount)).toFixed(3)} ms`,
  );
await inner.close();
await rm(dir, { recursive: true, force: true });
