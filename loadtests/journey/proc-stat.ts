// CPU per process from /proc/<pid>/stat (utime + stime, every thread included), sampled once a
// second for named groups of processes: Kamailio (all its workers), rtpengine, the Node system
// under test, and the load generators, so the report can say who spent the two cores.
import { readdirSync, readFileSync } from 'node:fs';

const HZ = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / HZ : 0;
}

/** Direct children of a process. */
export function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => Number(statFields(pid)?.[1]) === parent);
}

export interface CpuSeries {
  /** Seconds since the sampler started. */
  t: number[];
  /** Per group, % of one core over the last interval. */
  groups: Record<string, number[]>;
}

/** Samples groups of pids; a group's pids are looked up each time (workers may come and go). */
export class CpuSampler {
  readonly series: CpuSeries = { t: [], groups: {} };
  private last = new Map<string, number>();
  private lastAt = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly groups: Record<string, () => number[]>) {
    for (const name of Object.keys(groups)) this.series.groups[name] = [];
  }

  /** The group's total CPU seconds now. */
  total(name: string): number {
    return (this.groups[name]?.() ?? []).reduce((s, pid) => s + cpuSeconds(pid), 0);
  }

  start(everyMs = 1000): void {
    this.sample(false);
    this.timer = setInterval(() => this.sample(true), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest % per group. */
  latest(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.series.groups).map(([name, values]) => [name, values.at(-1) ?? 0]),
    );
  }

  private sample(record: boolean): void {
    const now = Date.now();
    const elapsed = (now - this.lastAt) / 1000;
    if (record) this.series.t.push(Math.round((now - this.started) / 100) / 10);
    for (const name of Object.keys(this.groups)) {
      const total = this.total(name);
      const before = this.last.get(name) ?? total;
      if (record)
        this.series.groups[name]!.push(Math.round((Math.max(0, total - before) / elapsed) * 1000) / 10);
      this.last.set(name, total);
    }
    this.lastAt = now;
  }
}
