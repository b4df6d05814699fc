// One measured step of the journey: SIPp callers at a rate through the IVR and queue to the
// simulated agents, with progress printed every few seconds and a time line kept for the charts;
// and the bare baseline (Kamailio + rtpengine only) at the same offered load.
import { join } from 'node:path';
import type { AgentPool } from './system-under-test';
import { byeTimeoutMs, typicalCallMs } from './caller-scenario';
import { ports } from './media-plane';
import type { Profile } from './profile';
import type { CpuSampler } from './proc-stat';
import { journeyNumber } from './provision';
import { runSipp, type SippResult } from './sipp-run';
import type { LoopDelay, ProbeDetail, ProbeStats } from './sut/probe';

export interface TimelinePoint {
  t: number;
  offered: number;
  answered: number;
  failed: number;
  waiting: number;
  busyAgents: number;
  readyAgents: number;
  /** % of the last interval the system under test's main thread was busy (event-loop utilisation). */
  mainThreadPct?: number;
}

export interface StepResult {
  label: string;
  rate: number;
  calls: number;
  sipp: SippResult;
  probe: ProbeStats;
  /** Agent-answered calls in this step (probe delta). */
  agentAnswered: number;
  /** Calls that did not go IVR → queue → agent → BYE cleanly. */
  failed: number;
  queueToAnswer: number[];
  /** [seconds since the step began, queue→answer ms] by when the call joined the queue. */
  queueToAnswerSeries: [number, number][];
  ringToAnswer: number[];
  cpu: Record<string, number>;
  seconds: number;
  timeline: TimelinePoint[];
  withinServiceLevel: number;
  abandoned: number;
  /** The main thread over the step: % busy, and how late its event loop ran (null: older probe). */
  mainThread: { busyPct: number; delay: LoopDelay } | null;
  /** Ceiling steps: seconds after the step until the system under test was idle (null: never). */
  caughtUpSeconds?: number | null;
  /**
   * Ceiling steps: CPU ms the system under test spent per call of the step, from its start until
   * it was idle again (catch-up included), every thread of its processes.
   */
  cpuMsPerCall?: number;
}

export interface BaselineResult {
  rate: number;
  calls: number;
  holdMs: number;
  sipp: SippResult;
  cpu: Record<string, number>;
}

export interface StepContext {
  profile: Profile;
  runDir: string;
  scenarioFile: string;
  probeUrl: string;
  sampler: CpuSampler;
  agents: AgentPool;
  log: (message: string) => void;
  /** Wall-clock bound for the step. */
  deadline: number;
  /** The SIPp caller's pid is added to the sampler's "sipp" group while it runs. */
  sippPids: Set<number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function probeStats(url: string): Promise<ProbeStats> {
  return (await (await fetch(`${url}/stats`)).json()) as ProbeStats;
}

/** Main-thread busy % between two probe snapshots (event-loop utilisation). */
export function busyPctBetween(a: ProbeStats, b: ProbeStats): number | undefined {
  if (!a.loop || !b.loop) return undefined;
  const active = b.loop.activeMs - a.loop.activeMs;
  const total = active + b.loop.idleMs - a.loop.idleMs;
  return total > 0 ? Math.round((1000 * active) / total) / 10 : undefined;
}

/** Reads the loop-delay histogram since the last reset and resets it (undefined: older probe). */
export async function takeLoopDelay(url: string): Promise<LoopDelay | undefined> {
  const res = await fetch(`${url}/loop-delay`, { method: 'POST' }).catch(() => undefined);
  return res?.ok ? ((await res.json()) as LoopDelay) : undefined;
}

export async function probeDetail(url: string): Promise<ProbeDetail> {
  return (await (await fetch(`${url}/detail`)).json()) as ProbeDetail;
}

const busyStates = ['reserved', 'ringing', 'on-call', 'on-hold', 'wrap-up'];

/**
 * Average % of one core per group over the sampler's samples since `from` (the index of the
 * first sample of a step): samples, not before/after totals, because SIPp has exited by the end.
 */
function cpuSince(sampler: CpuSampler, from: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(sampler.series.groups).map(([g, values]) => {
      const window = values.slice(from);
      const mean = window.length ? window.reduce((a, b) => a + b, 0) / window.length : 0;
      return [g, Math.round(mean * 10) / 10];
    }),
  );
}

export async function runStep(
  ctx: StepContext,
  label: string,
  rate: number,
  calls: number,
  rampSeconds: number,
): Promise<StepResult> {
  const { profile } = ctx;
  const before = await probeStats(ctx.probeUrl);
  await takeLoopDelay(ctx.probeUrl);
  const beforeDetail = await probeDetail(ctx.probeUrl);
  const sample0 = ctx.sampler.series.t.length;
  const started = Date.now();
  const offeringSeconds = Math.min(profile.callers.maxSeconds, Math.ceil(calls / rate) + rampSeconds);
  const timeoutSeconds = Math.ceil(offeringSeconds + byeTimeoutMs(profile) / 1000 + 10);
  const sipp = runSipp({
    label,
    dir: ctx.runDir,
    scenarioFile: ctx.scenarioFile,
    remote: `127.0.0.1:${ports.kamailio}`,
    service: journeyNumber,
    localPort: ports.trunk,
    mediaPort: ports.callerMedia,
    rate,
    rampSeconds,
    calls,
    timeoutSeconds,
  });
  ctx.sippPids.add(sipp.pid);
  const timeline: TimelinePoint[] = [];
  let lastPrint = 0;
  let finished: SippResult | undefined;
  let previous: ProbeStats | undefined = before;
  void sipp.done.then((r) => (finished = r));
  while (!finished) {
    await sleep(1000);
    if (Date.now() > ctx.deadline) {
      ctx.log('deadline reached: stopping the callers');
      sipp.kill();
      break;
    }
    const c = sipp.counters();
    const p = await probeStats(ctx.probeUrl).catch(() => undefined);
    if (!p) continue;
    const busy = busyStates.reduce((s, k) => s + (p.agentsByState[k] ?? 0), 0);
    const mainThreadPct = previous ? busyPctBetween(previous, p) : undefined;
    previous = p;
    const point: TimelinePoint = {
      ...(mainThreadPct === undefined ? {} : { mainThreadPct }),
      t: (Date.now() - started) / 1000,
      offered: c.created,
      answered: p.agentAnswered - before.agentAnswered,
      failed: c.failed,
      waiting: p.waiting,
      busyAgents: busy,
      readyAgents: p.agentsByState.ready ?? 0,
    };
    timeline.push(point);
    if (Date.now() - lastPrint >= 3000) {
      lastPrint = Date.now();
      const cpu = ctx.sampler.latest();
      ctx.log(
        `${label} t=${Math.round(point.t)}s offered ${point.offered}/${calls} answered ${point.answered} failed ${point.failed} in queue ${point.waiting} agents busy ${busy}/${profile.agents.count} | cpu % ${Object.entries(
          cpu,
        )
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(
            ' ',
          )}${mainThreadPct === undefined ? '' : ` (hotline main thread ${Math.round(mainThreadPct)})`}`,
      );
    }
  }
  const result = finished ?? (await sipp.done);
  ctx.sippPids.delete(sipp.pid);
  // Let the last calls' events land (agent answers published before the caller's BYE).
  let after = await probeStats(ctx.probeUrl);
  for (let i = 0; i < 20 && after.agentAnswered - before.agentAnswered < result.successful; i++) {
    await sleep(250);
    after = await probeStats(ctx.probeUrl);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuSince(ctx.sampler, sample0);
  const delay = await takeLoopDelay(ctx.probeUrl);
  const busyPct = busyPctBetween(before, after);
  const detail = await probeDetail(ctx.probeUrl);
  // An agent-hangup end also proves an agent answered (the probe may miss an answer event that
  // reached it out of order with the call's other events).
  const agentHungUp = (after.endedBy['agent-hangup'] ?? 0) - (before.endedBy['agent-hangup'] ?? 0);
  const agentAnswered = Math.max(after.agentAnswered - before.agentAnswered, agentHungUp);
  const clean = Math.min(result.successful, agentAnswered);
  return {
    label,
    rate,
    calls,
    sipp: result,
    probe: after,
    agentAnswered,
    failed: calls - clean,
    queueToAnswer: detail.queueToAnswer.slice(beforeDetail.queueToAnswer.length).map(([, v]) => v),
    queueToAnswerSeries: detail.queueToAnswer
      .slice(beforeDetail.queueToAnswer.length)
      .map(([at, v]) => [Math.max(0, (at - started) / 1000), v] as [number, number]),
    ringToAnswer: detail.ringToAnswer.slice(beforeDetail.ringToAnswer.length).map(([, v]) => v),
    cpu,
    seconds,
    timeline,
    withinServiceLevel: after.withinServiceLevel - before.withinServiceLevel,
    abandoned: after.abandoned - before.abandoned,
    mainThread: delay && busyPct !== undefined ? { busyPct, delay } : null,
  };
}

/** Bare Kamailio + rtpengine: the same rate and number of calls, held as long as a journey. */
export async function runBaseline(
  ctx: Pick<StepContext, 'profile' | 'runDir' | 'sampler' | 'log' | 'sippPids'>,
  label: string,
  rate: number,
  calls: number,
  rampSeconds: number,
  uacFile: string,
): Promise<BaselineResult> {
  const holdMs = typicalCallMs(ctx.profile);
  const sample0 = ctx.sampler.series.t.length;
  ctx.log(`${label}: bare Kamailio + rtpengine, ${calls} calls at ${rate}/s held ${holdMs} ms`);
  const run = runSipp({
    label,
    dir: ctx.runDir,
    scenarioFile: uacFile,
    remote: `127.0.0.1:${ports.kamailio}`,
    service: 'bare',
    localPort: ports.trunk,
    mediaPort: ports.callerMedia,
    rate,
    rampSeconds,
    calls,
    holdMs,
    timeoutSeconds: Math.ceil(calls / rate + rampSeconds + holdMs / 1000 + 20),
  });
  ctx.sippPids.add(run.pid);
  const sipp = await run.done;
  ctx.sippPids.delete(run.pid);
  const cpu = cpuSince(ctx.sampler, sample0);
  ctx.log(`${label}: ${sipp.successful} ok, ${sipp.failed} failed`);
  return { rate, calls, holdMs, sipp, cpu };
}

export const uasFile = (root: string) => join(root, 'loadtests/sipp/uas_echo.xml');
export const bareUacFile = (root: string) => join(root, 'loadtests/sipp/uac_hangup.xml');
