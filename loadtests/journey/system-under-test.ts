// Starts the system under test and the simulated agents as child processes (their CPU is measured
// apart), each bounded and killed on exit.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { AgentAccount, AgentBehaviour, AgentCounters } from './agents/sim-agent';
import type { StateTarget } from './agents/agent-state';

const here = new URL('.', import.meta.url).pathname;
const loadtestsDir = join(here, '..');

export const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export interface Sut {
  label: string;
  pid: number;
  httpPort: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** One Node process of the system under test (an entry in sut/), ready when it prints its pid. */
export async function startSutProcess(options: {
  runDir: string;
  label: string;
  entry: 'up-entry.ts' | 'serve-entry.ts';
  env: NodeJS.ProcessEnv;
  cpuProfile: boolean;
  timeoutMs?: number;
}): Promise<Sut> {
  const logFile = join(options.runDir, `${options.label}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      // The V8 flag scripts/up.sh and the image's `hotline` command give the process.
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      ...(options.cpuProfile
        ? ['--cpu-prof', '--cpu-prof-dir', join(options.runDir, `cpu-${options.label}`)]
        : []),
      join(here, 'sut', options.entry),
    ],
    { cwd: loadtestsDir, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.stderr?.pipe(log);
  let out = '';
  const timeoutMs = options.timeoutMs ?? 120_000;
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.label} did not start within ${timeoutMs} ms (see ${logFile})`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      log.write(d);
      out += d.toString();
      const m = /journey-sut ready (\d+) (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label} exited (${code}) before it was ready (see ${logFile})`));
    });
  });
  return {
    label: options.label,
    pid: Number(ready[1]),
    httpPort: Number(ready[2]),
    child,
    async stop() {
      // A child killed by a signal has no exit code, only a signal code.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface AgentPool {
  pid: number;
  counters(): AgentCounters;
  registeredMs: number;
  readyMs: number;
  stop(): Promise<AgentCounters>;
}

export async function startAgentPool(options: {
  runDir: string;
  accounts: AgentAccount[];
  behaviour: AgentBehaviour;
  proxy: { host: string; port: number };
  state: StateTarget;
  timeoutMs: number;
  /** --cpu-prof: profile the agents' process too (its profile lands in cpu-agents/). */
  cpuProfile?: boolean;
}): Promise<AgentPool> {
  const child = fork(join(here, 'agents/pool-entry.ts'), [], {
    cwd: loadtestsDir,
    execArgv: [
      '--import',
      'tsx',
      ...(options.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', join(options.runDir, 'cpu-agents')] : []),
    ],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.add(child);
  child.stderr?.pipe(createWriteStream(join(options.runDir, 'agents.log')));
  let counters: AgentCounters | undefined;
  child.on('message', (m: { type: string; counters?: AgentCounters }) => {
    if (m.type === 'stats' && m.counters) counters = m.counters;
  });
  const ready = await new Promise<{ registeredMs: number; readyMs: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('agents did not register and log in in time')),
      options.timeoutMs,
    );
    child.on('message', (m: { type: string; message?: string; registeredMs?: number; readyMs?: number }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ registeredMs: m.registeredMs ?? 0, readyMs: m.readyMs ?? 0 });
      } else if (m.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`agents: ${m.message}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent process exited (${code}) (see ${options.runDir}/agents.log)`));
    });
    child.send({
      type: 'start',
      accounts: options.accounts,
      behaviour: options.behaviour,
      proxy: options.proxy,
      state: options.state,
    });
  });
  const zero: AgentCounters = {
    rang: 0,
    answered: 0,
    hungUp: 0,
    farEndHungUp: 0,
    cancelled: 0,
    wrapUpsDone: 0,
    stateErrors: 0,
    sipErrors: 0,
  };
  return {
    pid: child.pid ?? 0,
    ...ready,
    counters: () => counters ?? zero,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return counters ?? zero;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      return counters ?? zero;
    },
  };
}

export type Shape = 'up' | 'serve';

export interface System {
  shape: Shape;
  /** Every process of the system under test (the probe's own process in `serve` is not one). */
  processes: Sut[];
  /** The serve shape's probe process (its CPU is the harness's, not the system's). */
  probe?: Sut;
  apiPort: number;
  stop(): Promise<void>;
}

/** Each service's own settings; `serve` refuses another service's keys as unknown. */
const ownPrefixes: Record<string, string> = {
  'sip-edge': 'HOTLINE_SIP_',
  api: 'HOTLINE_API_',
  'ivr-runner': 'HOTLINE_IVR_',
  'acd-router': 'HOTLINE_ACD_',
  recorder: 'HOTLINE_RECORDER_',
  reporting: 'HOTLINE_REPORTING_',
};

function serveEnvFor(service: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const foreign = Object.entries(ownPrefixes)
    .filter(([name]) => name !== service)
    .map(([, prefix]) => prefix);
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) =>
        !foreign.some((prefix) => key.startsWith(prefix)) &&
        key !== 'HOTLINE_DATA_DIR' &&
        !key.startsWith('HOTLINE_TEST_'),
    ),
  );
}

/** Service order as `hotline up` starts them; the API last, it takes traffic. */
const serveOrder = ['sip-edge', 'ivr-runner', 'acd-router', 'recorder', 'reporting', 'api'];

/**
 * `up`: one process with every service. `serve`: one `hotline serve` process per service on the
 * shared Kafka, FerretDB and Redis (this run's topics, database and key prefix), plus the probe.
 */
export async function startSystem(options: {
  shape: Shape;
  runDir: string;
  env: NodeJS.ProcessEnv;
  cpuProfile: boolean;
  apiPort: number;
  without: string[];
}): Promise<System> {
  if (options.shape === 'up') {
    const sut = await startSutProcess({
      runDir: options.runDir,
      label: 'hotline',
      entry: 'up-entry.ts',
      // The test runner's HOTLINE_TEST_* are not settings of hotline up, which refuses unknown keys.
      env: {
        ...Object.fromEntries(
          Object.entries(options.env).filter(([key]) => !key.startsWith('HOTLINE_TEST_')),
        ),
        HOTLINE_HTTP_PORT: String(options.apiPort),
      },
      cpuProfile: options.cpuProfile,
    });
    return { shape: 'up', processes: [sut], apiPort: sut.httpPort, stop: () => sut.stop() };
  }
  const run = `j${Date.now().toString(36)}`;
  const shared: NodeJS.ProcessEnv = {
    ...options.env,
    HOTLINE_KAFKA_BROKERS: options.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092',
    HOTLINE_MONGO_URL: options.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/',
    HOTLINE_MONGO_DB: `journey_${run}`,
    HOTLINE_REDIS_URL: options.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379',
    HOTLINE_REDIS_PREFIX: `journey:${run}:`,
    HOTLINE_API_JWT_SECRET: `journey-jwt-secret-${run}-0123456789abcdef`,
    JOURNEY_TOPIC_PREFIX: `journey-${run}.`,
  };
  const names = serveOrder.filter((n) => !options.without.includes(n));
  const started: Sut[] = [];
  try {
    const probe = await startSutProcess({
      runDir: options.runDir,
      label: 'probe',
      entry: 'serve-entry.ts',
      env: { ...serveEnvFor('probe', shared), JOURNEY_SERVICE: 'probe' },
      cpuProfile: false,
    });
    started.push(probe);
    // Every service at once: each takes several seconds to load on a busy 2-core machine.
    const processes = await Promise.all(
      names.map((name, i) =>
        startSutProcess({
          runDir: options.runDir,
          label: `hotline-${name}`,
          entry: 'serve-entry.ts',
          env: {
            ...serveEnvFor(name, shared),
            JOURNEY_SERVICE: name,
            HOTLINE_HTTP_PORT: String(name === 'api' ? options.apiPort : options.apiPort + 1 + i),
          },
          cpuProfile: options.cpuProfile,
        }).then((p) => (started.push(p), p)),
      ),
    );
    const api = processes.find((p) => p.label === 'hotline-api');
    if (!api) throw new Error('the serve shape needs the api service');
    return {
      shape: 'serve',
      processes,
      probe,
      apiPort: api.httpPort,
      // The API first (no new work), sip-edge last (it ends calls cleanly).
      stop: async () => {
        for (const p of [...processes].reverse()) await p.stop();
        await probe.stop();
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    throw err;
  }
}
