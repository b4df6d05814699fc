// API and live-channel load beside the calls (--api-load): provisioning reads at a fixed rate,
// agent state changes, and agents' desks holding GET /v1/live (Server-Sent Events) open, counting
// what arrives. k6 would be the usual tool, but the registry list marks go.k6.io/k6 not-to-use
// (AGPL), so this is a small Node driver in its own process (its CPU is counted apart).
import { fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './svg-chart';

export interface ApiLoadConfig {
  runDir: string;
  baseUrl: string;
  token: string;
  tenantId: string;
  users: { email: string; password: string; agentId: string }[];
  queueId: string;
  seconds: number;
  /** Read requests per second, spread over the read routes. */
  readsPerSecond?: number;
}

export interface RouteSummary {
  route: string;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
}

export interface ApiLoadSummary {
  seconds: number;
  routes: RouteSummary[];
  live: {
    streams: number;
    connected: number;
    statuses: Record<string, number>;
    events: number;
    firstEventMs: number | null;
  };
}

export interface ApiLoad {
  pid: number;
  stop(): Promise<ApiLoadSummary>;
}

export async function startApiLoad(config: ApiLoadConfig): Promise<ApiLoad> {
  const child = fork(new URL(import.meta.url).pathname, ['--api-load-child'], {
    execArgv: ['--import', 'tsx'],
    cwd: join(new URL('.', import.meta.url).pathname, '..'),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  child.stderr?.pipe(createWriteStream(join(config.runDir, 'api-load.log')));
  child.send({ type: 'start', config: { ...config, runDir: undefined } });
  return {
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('the API load process did not report'));
        }, 10_000);
        child.once('message', (m: { summary: ApiLoadSummary }) => {
          clearTimeout(timer);
          resolve(m.summary);
          child.kill('SIGTERM');
        });
        child.send({ type: 'stop' });
      }),
  };
}

// ---- the child ----

async function drive(config: ApiLoadConfig): Promise<() => ApiLoadSummary> {
  const started = Date.now();
  const until = started + config.seconds * 1000;
  const samples = new Map<string, { ms: number[]; errors: number; statuses: Record<string, number> }>();
  let stopping = false;
  const record = (route: string, ms: number, status: number) => {
    let s = samples.get(route);
    if (!s) samples.set(route, (s = { ms: [], errors: 0, statuses: {} }));
    s.ms.push(ms);
    s.statuses[status] = (s.statuses[status] ?? 0) + 1;
    if (status >= 400 || status === 0) s.errors++;
  };
  const call = async (route: string, method: string, path: string, token: string, body?: unknown) => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${config.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await res.arrayBuffer();
      record(route, performance.now() - t0, res.status);
      return res.status;
    } catch {
      record(route, performance.now() - t0, 0);
      return 0;
    }
  };

  // Agents' desks: sign in, then hold the live channel open.
  const live = {
    streams: 0,
    connected: 0,
    statuses: {} as Record<string, number>,
    events: 0,
    first: [] as number[],
  };
  const controllers: AbortController[] = [];
  const sessions: { token: string; agentId: string }[] = [];
  for (const user of config.users) {
    const res = await fetch(`${config.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: config.tenantId, email: user.email, password: user.password }),
    }).catch(() => undefined);
    const body = res ? ((await res.json().catch(() => ({}))) as { token?: string }) : {};
    if (res?.status === 201 || res?.status === 200) {
      if (body.token) sessions.push({ token: body.token, agentId: user.agentId });
    }
  }
  for (const session of sessions) {
    const controller = new AbortController();
    controllers.push(controller);
    live.streams++;
    const t0 = performance.now();
    void (async () => {
      try {
        const res = await fetch(
          `${config.baseUrl}/v1/live?access_token=${encodeURIComponent(session.token)}`,
          {
            signal: controller.signal,
            headers: { accept: 'text/event-stream' },
          },
        );
        live.statuses[res.status] = (live.statuses[res.status] ?? 0) + 1;
        if (res.status !== 200 || !res.body) return;
        live.connected++;
        const decoder = new TextDecoder();
        let buffer = '';
        let first = true;
        for await (const chunk of res.body) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          const events = buffer.split('\n\n');
          buffer = events.pop() ?? '';
          for (const e of events) {
            if (!/^(event|data):/m.test(e)) continue;
            live.events++;
            if (first) {
              live.first.push(performance.now() - t0);
              first = false;
            }
          }
        }
      } catch {
        // Aborted at the end of the run.
      }
    })();
  }

  // Provisioning reads and agent state changes, open loop at a fixed rate.
  const reads: [string, string][] = [
    ['GET /v1/queues/:id', `/v1/queues/${config.queueId}`],
    ['GET /v1/agents', '/v1/agents?limit=50'],
    ['GET /v1/flows', '/v1/flows'],
    ['GET /v1/wallboard', '/v1/wallboard'],
  ];
  const rate = config.readsPerSecond ?? 20;
  let n = 0;
  const reader = setInterval(() => {
    if (stopping || Date.now() > until) return;
    const [route, path] = reads[n++ % reads.length]!;
    void call(route, 'GET', path, config.token);
  }, 1000 / rate);
  // A few desks toggle not-ready → ready (the others stay on the calls), one change a second.
  let toggle = 0;
  const toggler = setInterval(() => {
    if (stopping || Date.now() > until || sessions.length === 0) return;
    const s = sessions[toggle++ % sessions.length]!;
    void call('POST /v1/agents/:id/state', 'POST', `/v1/agents/${s.agentId}/state`, s.token, {
      state: 'not-ready',
      reason: 'load-test',
    }).then(() =>
      setTimeout(
        () =>
          void call('POST /v1/agents/:id/state', 'POST', `/v1/agents/${s.agentId}/state`, s.token, {
            state: 'ready',
          }),
        1500,
      ),
    );
  }, 1000);

  return () => {
    stopping = true;
    clearInterval(reader);
    clearInterval(toggler);
    for (const c of controllers) c.abort();
    return {
      // The driven window (reads and toggles stop at `until`; streams stay open until now).
      seconds: Math.min((Date.now() - started) / 1000, config.seconds),
      routes: [...samples.entries()].map(([route, s]) => ({
        route,
        requests: s.ms.length,
        errors: s.errors,
        statuses: s.statuses,
        p50: percentile(s.ms, 50),
        p95: percentile(s.ms, 95),
        p99: percentile(s.ms, 99),
      })),
      live: {
        streams: live.streams,
        connected: live.connected,
        statuses: live.statuses,
        events: live.events,
        firstEventMs: live.first.length ? percentile(live.first, 50) : null,
      },
    };
  };
}

if (process.argv.includes('--api-load-child')) {
  let finish: (() => ApiLoadSummary) | undefined;
  process.on('message', (m: { type: string; config?: ApiLoadConfig }) => {
    if (m.type === 'start' && m.config) {
      void drive(m.config).then((f) => (finish = f));
    } else if (m.type === 'stop') {
      process.send?.({
        summary: finish?.() ?? {
          seconds: 0,
          routes: [],
          live: { streams: 0, connected: 0, statuses: {}, events: 0, firstEventMs: null },
        },
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
