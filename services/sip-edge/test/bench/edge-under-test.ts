// Started by loadtests/edge-bench/bench.ts (lives here to resolve the workspace packages).
// The edge as the benchmark drives it: sip-edge (call control) on the all-in-one adapters, plus
// a minimal IVR that reacts to every call.offered through the real command interface:
//   calls to +15550100: play a short prompt (the caller hangs up after the -d hold time)
//   calls to +15550200: bridge to the registered load agent "bench" (media caller <-> agent)
// Settings come from HOTLINE_SIP_* (see bench.ts). Prints "ready" once listening and a JSON
// summary line on SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { makeEvent, Topics } from '@hotline/contracts';
import { openEmbeddedStore } from '@hotline/document-store';
import { consumeEvents, createInProcessBus, publishEvents } from '@hotline/event-bus';
import { createMemoryLiveState } from '@hotline/live-state';
import { loadConfig, Registry } from '@hotline/platform';
import { Collections, sipHa1, type Agent, type NumberClaim } from '@hotline/provisioning';
import { startSipEdge } from '../../src/edge/start-sip-edge';
import { FilePromptLibrary } from '../../src/media/prompt-library';
import { sipEdgeSettings } from '../../src/settings';

const PROMPT = 'Welcome to Hotline.';
const dir = mkdtempSync(join(tmpdir(), 'edge-bench-'));
const bus = createInProcessBus({ retention: 200_000 });
await bus.ensureTopics(Object.values(Topics).map((name) => ({ name })));
const store = await openEmbeddedStore({ dir: join(dir, 'store') });
const live = createMemoryLiveState();
const settings = loadConfig(sipEdgeSettings, process.env, { ownedPrefixes: ['HOTLINE_SIP_'] });
const now = new Date().toISOString();
for (const [number, hotlineId] of [
  ['+15550100', 'bench-prompt'],
  ['+15550200', 'bench-bridge'],
] as const) {
  await store
    .collection<NumberClaim>(Collections.numberClaims)
    .insert({ _id: number, tenantId: 'bench', hotlineId, claimedAt: now });
}
await store.collection<Agent>(Collections.agents).insert({
  _id: 'bench-agent',
  tenantId: 'bench',
  createdAt: now,
  updatedAt: now,
  displayName: 'Load agent',
  extension: null,
  skills: [],
  siteId: 'site-1',
  maxConcurrentInteractions: 10_000,
  queueIds: [],
  active: true,
  sip: {
    username: 'bench',
    realm: 'bench.example',
    ha1: sipHa1('bench', 'bench.example', 'bench-password-1'),
  },
});
// Render the prompt before the first call, as a provisioned prompt would be.
await new FilePromptLibrary({ directory: settings.HOTLINE_SIP_PROMPT_DIR, store }).speak(PROMPT, 'en-us');

const log = pino({ level: process.env.BENCH_LOG ?? 'warn' });
const registry = new Registry();
const edge = await startSipEdge(
  { log, bus, store, live, metrics: registry, siteId: 'site-1', shape: 'serve' },
  settings,
);

const counts: Record<string, number> = {};
const bump = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
const sub = await consumeEvents({
  bus,
  group: 'bench-ivr',
  topics: [Topics.calls],
  handle: async (event) => {
    bump(event.type);
    if (event.type === 'call.command.completed') {
      bump(`${event.data.action}:${event.data.outcome}`);
      if (event.data.error) bump(`error:${event.data.error.slice(0, 80)}`);
    }
    if (event.type === 'call.ended') bump(`ended:${event.data.cause}`);
    if (event.type !== 'call.offered') return;
    const bridge = event.data.hotlineId === 'bench-bridge';
    await publishEvents(bus, [
      makeEvent({
        type: 'call.command.requested',
        tenantId: 'bench',
        source: 'edge-bench',
        data: {
          commandId: `cmd-${randomBytes(6).toString('hex')}`,
          callId: event.data.callId,
          requestedBy: 'edge-bench',
          command: bridge
            ? { action: 'bridge', target: { type: 'agent', agentId: 'bench-agent' }, ringTimeoutMs: 10_000 }
            : { action: 'play', prompts: [{ kind: 'tts', text: PROMPT }], bargeIn: false, loop: false },
        },
      }),
    ]);
  },
});

// BENCH_PROFILE=file.cpuprofile: a CPU profile of the edge for the whole run (open in DevTools).
const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

process.stdout.write(`ready ${process.pid}\n`);
const stop = async () => {
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
  }
  await sub.close();
  await edge.drain?.();
  await edge.stop();
  await bus.close();
  await store.close();
  await live.close();
  rmSync(dir, { recursive: true, force: true });
  // Mean rtpengine ng round trip per command, in ms (what call control waits for).
  const ng: Record<string, string> = {};
  const metric = registry.getSingleMetric('hotline_sip_edge_ng_seconds');
  const values = metric ? (await metric.get()).values : [];
  const nameOf = (v: object) => String((v as { metricName?: string }).metricName ?? '');
  for (const v of values) {
    const name = String(v.labels.command);
    if (!nameOf(v).endsWith('_sum')) continue;
    const count = values.find(
      (c) => nameOf(c).endsWith('_count') && c.labels.command === name && c.labels.result === v.labels.result,
    );
    if (count && count.value > 0)
      ng[`${name}/${v.labels.result}`] = `${((v.value / count.value) * 1000).toFixed(1)} ms x${count.value}`;
  }
  process.stdout.write(`${JSON.stringify({ summary: counts, ngMean: ng, callsLeft: edge.calls.size })}\n`);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
