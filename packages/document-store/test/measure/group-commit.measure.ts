// What group commit buys the embedded store: the same workloads with `groupCommit: false` (each
// write appended and fdatasynced alone, the behaviour before) and with group commit, in one run.
// Prints writes/s, p50/p99 write latency (issue to resolution), synced appends, process CPU
// (user + system, so libuv's fs threads count too) and main-thread busy time (event loop
// utilisation) per 1,000 writes. Workloads:
//   one-collection  200 concurrent writers x 20 writes (1 insert + 19 replaces) on one collection
//   five-mixed      200 concurrent writers x 20 writes over 5 collections (insert, replace, get,
//                   delete every 10th)
//   paced           open loop: `rate` writes/s for 2 s over 5 collections to 100 live documents
//                   each, issued every 5 ms as a busy process handles several events per turn
//                   of its event loop (latency is what a caller waits at that load)
// Bounded (well under 30 s on a loaded 2-core machine). Run:
//   npx tsx packages/document-store/test/measure/group-commit.measure.ts [rate] [workload,...]
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Collection, StoredDoc } from '../../src/document-store';
import { openEmbeddedStore } from '../../src/embedded-store';

interface Call extends StoredDoc {
  tenantId: string;
  state: string;
  from: string;
  to: string;
  queueId: string;
  agentId: string | null;
  legs: { id: string; kind: string; at: number }[];
  timings: Record<string, number | null>;
}

const rate = Number(process.argv[2] ?? 1000);
const only = process.argv[3]?.split(',');
const WRITERS = 200;
const WRITES_PER_WRITER = 20;

function call(id: string): Omit<Call, '_rev'> {
  const at = Date.now();
  return {
    _id: id,
    tenantId: 't-measure',
    state: 'offered',
    from: '+4930123456',
    to: '+4930999000',
    queueId: 'q-7',
    agentId: null,
    legs: [{ id: `${id}-caller`, kind: 'caller', at }],
    timings: { offered: at, answered: null, ended: null },
  };
}

// Counts durable appends on every FileHandle: the journal opens its file with O_DSYNC, so each
// append is one synced write (compaction, which syncs separately, is not reached here).
let syncs = 0;
const probeDir = await mkdtemp(join(tmpdir(), 'hotline-gc-probe-'));
const probe = await open(join(probeDir, 'probe'), 'w');
const handleProto = Object.getPrototypeOf(probe) as FileHandle;
await probe.close();
await rm(probeDir, { recursive: true, force: true });
const appendFile = handleProto.appendFile;
handleProto.appendFile = function (this: FileHandle, ...args: Parameters<FileHandle['appendFile']>) {
  syncs++;
  return appendFile.apply(this, args);
};

type Workload = (
  collections: Collection<Call>[],
  timed: <R>(write: () => Promise<R>) => Promise<R>,
) => Promise<void>;

const workloads: Record<string, Workload> = {
  'one-collection': async ([c], timed) => {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        let doc = await timed(() => c!.insert(call(`w${w}`)));
        for (let n = 1; n < WRITES_PER_WRITER; n++) {
          doc = await timed(() => c!.replace({ ...doc, state: `s${n}` }, doc._rev));
        }
      }),
    );
  },
  'five-mixed': async (collections, timed) => {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const c = collections[w % collections.length]!;
        let doc = await timed(() => c.insert(call(`w${w}`)));
        for (let n = 1; n < WRITES_PER_WRITER; n++) {
          if (n % 10 === 0) {
            await timed(() => c.delete(doc._id, doc._rev));
            doc = await timed(() => c.insert(call(`w${w}-${n}`)));
            n++;
            continue;
          }
          const current = (await c.get(doc._id))!;
          doc = await timed(() => c.replace({ ...current, state: `s${n}`, agentId: `a${n}` }, current._rev));
        }
      }),
    );
  },
  paced: async (collections, timed) => {
    const total = rate * 2;
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    const latest = new Map<string, Promise<Call>>();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, 5));
      // 100 live calls, each written again and again (state changes), spread over collections.
      const id = `call-${i % 100}`;
      const c = collections[i % collections.length]!;
      const key = `${c.name}/${id}`;
      const previous = latest.get(key);
      const write = previous
        ? previous.then((doc) => timed(() => c.replace({ ...doc, state: `s${i}` }, doc._rev)))
        : timed(() => c.insert(call(id)));
      latest.set(key, write);
      pending.push(write);
    }
    await Promise.all(pending);
  },
};

interface Result {
  writes: number;
  wallMs: number;
  p50: number;
  p99: number;
  syncs: number;
  cpuMs: number;
  busyMs: number;
}

async function run(name: string, groupCommit: boolean): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-gc-measure-'));
  const store = await openEmbeddedStore({ dir, groupCommit });
  try {
    const collections = ['calls', 'legs', 'dispositions', 'routing', 'recordings'].map((n) =>
      store.collection<Call>(n),
    );
    const latencies: number[] = [];
    const timed = async <R>(write: () => Promise<R>): Promise<R> => {
      const t = performance.now();
      const result = await write();
      latencies.push(performance.now() - t);
      return result;
    };
    const syncsBefore = syncs;
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    await workloads[name]!(name === 'one-collection' ? collections.slice(0, 1) : collections, timed);
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const loop = performance.eventLoopUtilization(elu);
    latencies.sort((a, b) => a - b);
    const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return {
      writes: latencies.length,
      wallMs,
      p50: pick(0.5),
      p99: pick(0.99),
      syncs: syncs - syncsBefore,
      cpuMs: (used.user + used.system) / 1000,
      busyMs: loop.active,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function row(name: string, mode: string, r: Result): string {
  const per1k = (ms: number) => ((ms * 1000) / r.writes).toFixed(0).padStart(6);
  return [
    name.padEnd(15),
    mode.padEnd(9),
    String(r.writes).padStart(6),
    ((r.writes * 1000) / r.wallMs).toFixed(0).padStart(8),
    r.p50.toFixed(1).padStart(7),
    r.p99.toFixed(1).padStart(7),
    String(r.syncs).padStart(6),
    per1k(r.cpuMs),
    per1k(r.busyMs),
  ].join(' ');
}

console.log(
  `${'workload'.padEnd(15)} ${'mode'.padEnd(9)} ${'writes'.padStart(6)} ${'writes/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'syncs'.padStart(6)} ${'cpu/1k'.padStart(6)} ${'main/1k'.padStart(6)}`,
);
for (const name of Object.keys(workloads).filter((n) => !only || only.includes(n))) {
  // Old first, then new, back to back, so both see the same machine load.
  console.log(row(name, 'one-by-one', await run(name, false)));
  console.log(row(name, 'grouped', await run(name, true)));
}
console.log(
  `(cpu/1k: process CPU ms per 1,000 writes; main/1k: main-thread busy ms per 1,000 writes; paced at ${rate}/s)`,
);
