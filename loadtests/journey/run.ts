/* eslint-disable no-restricted-syntax -- an entry point: it hands its environment on to the processes it starts */
// The caller-journey load harness (F-LT-1): SIPp callers through the IVR (RFC 4733 keys), the
// queue and simulated SIP agents, against `hotline up` with the real Kamailio + rtpengine, with the
// bare Kamailio + rtpengine baseline in the same run, and a Markdown report with SVG charts.
//
//   npx tsx loadtests/journey/run.ts --profile <name|file> [--ceiling] [--rates 50,100,150]
//        [--api-load] [--shape up|serve] [--cpu-prof] [--no-baseline] [--out docs/benchmarks/journey-<name>.md]
//
// Run it under `flock /tmp/hotline-sip.lock` on a shared machine. Everything is bounded: SIPp by
// -m and -timeout, each step by the profile's maxSeconds, the whole run by a hard deadline; child
// processes are killed on exit, SIGINT and SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deskApiAvailable, type StateTarget } from './agents/agent-state';
import { startApiLoad, type ApiLoad } from './api-load';
import { callerScenario } from './caller-scenario';
import {
  bareUacFile,
  probeStats,
  runBaseline,
  runStep,
  uasFile,
  type BaselineResult,
  type StepContext,
  type StepResult,
} from './journey';
import { mediaPlane, ports } from './media-plane';
import { CpuSampler } from './proc-stat';
import { loadProfile, ProfileError, type Profile } from './profile';
import { provisionJourney } from './provision';
import { writeReport } from './report';
import { startUas } from './sipp-run';
import { children, killChildren, startAgentPool, startSystem, type Shape } from './system-under-test';

const root = resolve(new URL('../..', import.meta.url).pathname);

interface Args {
  /** As given: the report quotes the command. */
  argv: string[];
  profile: string;
  ceiling: boolean;
  rates?: number[];
  apiLoad: boolean;
  cpuProf: boolean;
  baseline: boolean;
  out?: string;
  maxMinutes: number;
  /** Diagnostic: services left out of the system under test. */
  without: string[];
  shape: Shape;
}

const usage =
  'usage: npx tsx loadtests/journey/run.ts --profile <name|file> [--ceiling] [--rates 50,100] [--api-load] [--shape up|serve] [--cpu-prof] [--no-baseline] [--without reporting,...] [--out FILE] [--max-minutes 25]';

function parseArgs(argv: string[]): Args {
  const args: Args = {
    argv,
    profile: '',
    ceiling: false,
    apiLoad: false,
    cpuProf: false,
    baseline: true,
    maxMinutes: 25,
    without: [],
    shape: 'up',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--profile':
        args.profile = value();
        break;
      case '--ceiling':
        args.ceiling = true;
        break;
      case '--rates':
        args.rates = value().split(',').map(Number);
        if (args.rates.some((r) => !(r > 0))) throw new Error(`--rates: positive numbers, comma separated`);
        break;
      case '--api-load':
      case '--k6':
        args.apiLoad = true;
        break;
      case '--cpu-prof':
        args.cpuProf = true;
        break;
      case '--no-baseline':
        args.baseline = false;
        break;
      case '--out':
        args.out = value();
        break;
      case '--shape': {
        const shape = value();
        if (shape !== 'up' && shape !== 'serve') throw new Error('--shape: up or serve');
        args.shape = shape;
        break;
      }
      case '--without':
        args.without = value().split(',').filter(Boolean);
        break;
      case '--max-minutes':
        args.maxMinutes = Number(value());
        break;
      case '--help':
        process.stdout.write(`${usage}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (!args.profile) throw new Error('--profile is required');
  return args;
}

function pidFromFile(file: string): number[] {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 ? [pid] : [];
  } catch {
    return [];
  }
}

let activePlane: ReturnType<typeof mediaPlane> | undefined;

const log = (message: string) =>
  process.stderr.write(`[journey ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/**
 * Waits until the system under test is idle again (under 15 % of a core for 3 s in a row), at
 * most 180 s; returns the seconds it took (null: still busy when the wait ended).
 */
async function settle(sampler: CpuSampler, log: (line: string) => void): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < 180_000) {
    const recent = sampler.series.groups.hotline?.slice(-3) ?? [];
    if (recent.length === 3 && recent.every((pct) => pct < 15)) {
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      log(`system under test idle again after ${seconds} s`);
      return seconds;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  log('system under test still busy 180 s after the step');
  return null;
}

async function waitUntil(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface RunOutcome {
  report: string;
  steps: StepResult[];
  baselines: BaselineResult[];
  ceiling?: number | null;
}

export async function runJourney(args: Args, profile: Profile): Promise<RunOutcome> {
  const started = Date.now();
  const deadline = started + args.maxMinutes * 60_000;
  const runDir = join(root, '.local/journey', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });
  log(`profile ${profile.name}; state and raw SIPp statistics in ${runDir}`);

  const plane = mediaPlane(root, process.env);
  activePlane = plane;
  const cleanups: (() => Promise<void> | void)[] = [() => plane.stop()];
  let apiLoad: ApiLoad | undefined;
  try {
    const adminKey = `hla_journey_${randomBytes(16).toString('hex')}`;
    const system = await startSystem({
      shape: args.shape,
      runDir,
      cpuProfile: args.cpuProf,
      apiPort: ports.sutHttp,
      without: args.without,
      env: {
        ...process.env,
        ...plane.edgeEnv,
        HOTLINE_DATA_DIR: join(runDir, 'data'),
        HOTLINE_SIP_PROMPT_DIR: join(runDir, 'prompts'),
        HOTLINE_API_ADMIN_KEY: adminKey,
        HOTLINE_API_DEMO_SEED: 'false',
        HOTLINE_LOG_LEVEL: 'warn',
        HOTLINE_SHUTDOWN_TIMEOUT_MS: '5000',
        JOURNEY_PROBE_PORT: String(ports.probe),
        JOURNEY_WITHOUT: args.without.join(','),
        JOURNEY_SERVICE_LEVEL_MS: String(profile.queue.serviceLevelSeconds * 1000),
      },
    });
    cleanups.unshift(() => system.stop());
    const baseUrl = `http://127.0.0.1:${system.apiPort}`;
    const probeUrl = `http://127.0.0.1:${ports.probe}`;
    log(
      `system under test: ${args.shape === 'up' ? 'hotline up' : 'hotline serve per service on Kafka, FerretDB, Redis'} (${system.processes.map((p) => `${p.label} pid ${p.pid}`).join(', ')}) on ${baseUrl}${args.without.length ? ` WITHOUT ${args.without.join(', ')} (diagnostic)` : ''}`,
    );

    const provisioned = await provisionJourney(baseUrl, adminKey, profile, {
      liveUsers: args.apiLoad ? 10 : 0,
    });
    log(
      `provisioned tenant ${provisioned.tenantId}: ${provisioned.agents.length} agents, queue, IVR flow (keys ${profile.ivr.digits}), hotline ${provisioned.hotlineId} in ${provisioned.seconds.toFixed(1)} s`,
    );
    const viaApi = await deskApiAvailable(baseUrl, provisioned.apiKey);
    const state: StateTarget = viaApi
      ? { kind: 'api', baseUrl, token: provisioned.apiKey, dispositionCodeId: provisioned.dispositionCodeId }
      : { kind: 'probe', url: probeUrl, tenantId: provisioned.tenantId };
    log(
      viaApi
        ? 'agents change state through the desk API (POST /v1/agents/:id/state, /wrap-up)'
        : 'the API does not serve POST /v1/agents/:id/state yet: agents change state through the probe (agent.command.requested on the bus)',
    );
    const agents = await startAgentPool({
      runDir,
      accounts: provisioned.agents,
      behaviour: profile.agents,
      proxy: { host: '127.0.0.1', port: ports.kamailio },
      state,
      timeoutMs: 60_000 + profile.agents.count * 100,
      cpuProfile: args.cpuProf,
    });
    cleanups.unshift(async () => void (await agents.stop()));
    const allAgentsReady = async () =>
      ((await probeStats(probeUrl)).agentsByState.ready ?? 0) >= profile.agents.count;
    await waitUntil(`${profile.agents.count} agents ready`, allAgentsReady, 30_000);
    log(
      `${profile.agents.count} agents registered in ${agents.registeredMs} ms, logged in and ready in ${agents.readyMs} ms`,
    );

    const sippPids = new Set<number>();
    const sampler = new CpuSampler({
      kamailio: () => plane.kamailioPids(),
      rtpengine: () => [plane.rtpenginePid()],
      hotline: () => system.processes.map((p) => p.pid),
      ...(system.shape === 'serve'
        ? Object.fromEntries(system.processes.map((p) => [p.label, () => [p.pid]]))
        : {}),
      ...(system.probe ? { probe: () => [system.probe!.pid] } : {}),
      // The serve shape's shared servers (their CPU includes whoever else uses them).
      ...(system.shape === 'serve'
        ? Object.fromEntries(
            ['kafka', 'ferretdb', 'redis'].map((name) => [
              name,
              () => pidFromFile(join(root, '.local', name, `${name}.pid`)),
            ]),
          )
        : {}),
      agents: () => [agents.pid],
      sipp: () => [...sippPids],
      ...(args.apiLoad ? { 'api-load': () => (apiLoad ? [apiLoad.pid] : []) } : {}),
    });
    sampler.start();
    cleanups.unshift(() => sampler.stop());

    if (args.apiLoad) {
      apiLoad = await startApiLoad({
        runDir,
        baseUrl,
        token: provisioned.apiKey,
        tenantId: provisioned.tenantId,
        users: provisioned.users,
        queueId: provisioned.queueId,
        seconds: Math.min(
          profile.callers.maxSeconds,
          Math.ceil(profile.callers.calls / profile.callers.rate) + 20,
        ),
      });
      cleanups.unshift(async () => void (await apiLoad?.stop().catch(() => undefined)));
    }

    const scenarioFile = join(runDir, 'journey_caller.xml');
    writeFileSync(scenarioFile, callerScenario(profile));
    const ctx: StepContext = {
      profile,
      runDir,
      scenarioFile,
      probeUrl,
      sampler,
      agents,
      log,
      deadline,
      sippPids,
    };

    const ceilingMode = args.ceiling || profile.ceiling !== undefined;
    const steps: StepResult[] = [];
    const baselines: BaselineResult[] = [];
    let uas: ReturnType<typeof startUas> | undefined;
    const baselineOn = args.baseline && profile.baseline;
    if (baselineOn) {
      uas = startUas(runDir, uasFile(root), ports.bareUas, ports.bareUasMedia, args.maxMinutes * 60);
      children.add(uas);
      // A UAS that could not bind (a stale one on the port) exits at once: say so instead of
      // reporting every baseline call as a Kamailio 408.
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (uas.exitCode !== null)
        throw new Error(`the bare UAS exited (code ${uas.exitCode}); see ${runDir}/bare-uas.stderr.log`);
    }
    let ceiling: number | null | undefined;
    if (profile.warmup.calls > 0) {
      log(`warm-up (not counted): ${profile.warmup.calls} calls at ${profile.warmup.rate}/s`);
      const warm = await runStep(ctx, 'warm-up', profile.warmup.rate, profile.warmup.calls, 0);
      log(`warm-up: ${warm.agentAnswered} answered by agents, ${warm.failed} failed`);
      await waitUntil('agents ready after the warm-up', allAgentsReady, 30_000).catch(() =>
        log('not every agent was ready again 30 s after the warm-up'),
      );
    }
    if (!ceilingMode) {
      const step = await runStep(
        ctx,
        'journey',
        profile.callers.rate,
        profile.callers.calls,
        profile.callers.rampSeconds,
      );
      steps.push(step);
      log(`journey: ${step.agentAnswered} answered by agents, ${step.failed} failed`);
      if (baselineOn)
        baselines.push(
          await runBaseline(
            ctx,
            'bare',
            profile.callers.rate,
            profile.callers.calls,
            profile.callers.rampSeconds,
            bareUacFile(root),
          ),
        );
    } else {
      const rates = args.rates ?? profile.ceiling?.rates ?? [50, 100, 150, 200, 250, 300];
      const secondsPerStep = profile.ceiling?.secondsPerStep ?? 10;
      ceiling = null;
      for (const rate of rates) {
        if (Date.now() > deadline - 60_000) break;
        const calls = Math.round(rate * secondsPerStep);
        log(`ceiling step: ${calls} calls at ${rate}/s`);
        const cpuBefore = sampler.total('hotline');
        const step = await runStep(ctx, `step-${rate}`, rate, calls, 0);
        steps.push(step);
        log(`step ${rate}/s: ${step.agentAnswered} answered by agents, ${step.failed} failed`);
        // Each step starts from a settled system, as a fresh run would: agents back to ready and
        // the system under test caught up (reporting, a background consumer, folds its backlog
        // after the calls). How long that took is reported: it is how far behind the step left it.
        await waitUntil('agents ready again', allAgentsReady, 30_000).catch(() =>
          log('not every agent was ready again after 30 s'),
        );
        step.caughtUpSeconds = await settle(sampler, log);
        step.cpuMsPerCall = Math.round(((sampler.total('hotline') - cpuBefore) * 1000) / calls);
        log(
          `step ${rate}/s: ${step.cpuMsPerCall} ms CPU of the system under test per call (catch-up included)`,
        );
        if (baselineOn)
          baselines.push(await runBaseline(ctx, `bare-${rate}`, rate, calls, 0, bareUacFile(root)));
        if (step.failed > 0) break;
        ceiling = rate;
      }
      log(`ceiling: ${ceiling === null ? 'no step was clean' : `${ceiling} calls/s with zero failed calls`}`);
    }
    uas?.kill('SIGKILL');
    sampler.stop();
    const apiSummary = apiLoad ? await apiLoad.stop() : undefined;
    apiLoad = undefined;
    const agentCounters = await agents.stop();
    await system.stop();
    const report = writeReport({
      root,
      out: args.out ?? join(root, 'docs/benchmarks', `journey-${profile.name}.md`),
      command: `flock /tmp/hotline-sip.lock npx tsx loadtests/journey/run.ts ${args.argv.join(' ')}`,
      profile,
      steps,
      baselines,
      ceiling,
      cpuSeries: sampler.series,
      agentCounters,
      stateVia: viaApi ? 'api' : 'probe',
      without: args.without,
      shape: args.shape,
      provisionSeconds: provisioned.seconds,
      registeredMs: agents.registeredMs,
      runDir,
      apiLoad: apiSummary,
    });
    log(`report written to ${report}`);
    return { report, steps, baselines, ...(ceiling !== undefined ? { ceiling } : {}) };
  } finally {
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch (err) {
        log(`cleanup: ${(err as Error).message}`);
      }
    }
    killChildren();
    log('stopped every process this run started');
  }
}

function onSignal(signal: NodeJS.Signals): void {
  log(`${signal}: stopping every process this run started`);
  killChildren();
  try {
    activePlane?.stop();
  } finally {
    process.exit(130);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`journey: ${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  let profile: Profile;
  try {
    profile = await loadProfile(args.profile);
  } catch (err) {
    process.stderr.write(`journey: ${(err as Error).message}\n`);
    process.exit(err instanceof ProfileError ? 2 : 1);
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const hardStop = setTimeout(
    () => {
      log('hard deadline reached: killing everything');
      killChildren();
      process.exit(1);
    },
    (args.maxMinutes + 3) * 60_000,
  );
  hardStop.unref();
  try {
    const outcome = await runJourney(args, profile);
    const failed = outcome.steps.reduce((s, r) => s + r.failed, 0);
    process.exit(outcome.ceiling !== undefined ? 0 : failed > 0 ? 1 : 0);
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    killChildren();
    process.exit(1);
  }
}

export { parseArgs, type Args };
