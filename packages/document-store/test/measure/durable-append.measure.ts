// What one durable journal append costs, by the two ways journal.ts can make it durable:
// appendFile then fdatasync (two thread-pool round trips) and appendFile on an O_DSYNC file (one).
// Alternates the two for a few rounds, so both see the same machine load, and prints per append:
// wall time, process CPU (user + system, thread pool included) and main-thread busy time (event
// loop utilisation). Bounded (~10 s). Run:
//   npx tsx packages/document-store/test/measure/durable-append.measure.ts [appends] [rounds]
import { constants } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const appends = Number(process.argv[2] ?? 1500);
const rounds = Number(process.argv[3] ?? 4);
const line = `${JSON.stringify({
  put: {
    _id: 'call-1',
    tenantId: 't-measure',
    state: 'ringing',
    from: '+4930123456',
    to: '+4930999000',
    legs: [{ id: 'call-1-caller', kind: 'caller', at: Date.now() }],
    _rev: 3,
  },
})}\n`;

const { O_APPEND, O_CREAT, O_DSYNC, O_WRONLY } = constants;
const methods: Record<string, { flags: string | number; append(h: FileHandle): Promise<void> }> = {
  'appendFile + datasync': {
    flags: 'a',
    async append(h) {
      await h.appendFile(line);
      await h.datasync();
    },
  },
  'O_DSYNC appendFile': {
    flags: O_WRONLY | O_APPEND | O_CREAT | O_DSYNC,
    async append(h) {
      await h.appendFile(line);
    },
  },
};

const dir = await mkdtemp(join(tmpdir(), 'hotline-durable-append-'));
const figures = new Map<string, string[]>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const [name, method] of Object.entries(methods)) {
      const handle = await open(join(dir, `${round}-${name.length}.journal`), method.flags);
      for (let i = 0; i < 50; i++) await method.append(handle);
      const cpu = process.cpuUsage();
      const elu = performance.eventLoopUtilization();
      const t0 = performance.now();
      for (let i = 0; i < appends; i++) await method.append(handle);
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      const loop = performance.eventLoopUtilization(elu);
      await handle.close();
      const us = (ms: number) => ((ms * 1000) / appends).toFixed(0);
      figures.set(name, [
        ...(figures.get(name) ?? []),
        `${us(wall)}/${us((used.user + used.system) / 1000)}/${us(loop.active)}`,
      ]);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(
  `${appends} appends of ${line.length} bytes per round; µs per append as wall/cpu/main, by round:`,
);
for (const [name, rows] of figures) console.log(`${name.padEnd(22)} ${rows.join('  ')}`);
