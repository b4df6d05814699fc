// The simulated agents' process (forked by run.ts with IPC, so its CPU is counted apart from the
// system under test). It registers every agent's phone, logs every agent in and ready, answers
// calls, and reports its counters. Messages: in {start}, {stop}; out {ready}, {stats}, {error}.
import { createSocket } from 'node:dgram';
import { buildAudioSdp } from '../../../services/sip-edge/src/media/sdp';
import { agentStateClient, type StateTarget } from './agent-state';
import { SimAgent, type AgentAccount, type AgentBehaviour, type AgentCounters } from './sim-agent';

export interface PoolStart {
  type: 'start';
  accounts: AgentAccount[];
  behaviour: AgentBehaviour;
  proxy: { host: string; port: number };
  state: StateTarget;
}

type Incoming = PoolStart | { type: 'stop' };

const counters: AgentCounters = {
  rang: 0,
  answered: 0,
  hungUp: 0,
  farEndHungUp: 0,
  cancelled: 0,
  wrapUpsDone: 0,
  stateErrors: 0,
  sipErrors: 0,
};
const agents: SimAgent[] = [];
const timers = new Set<NodeJS.Timeout>();
const send = (message: unknown) => process.send?.(message);

/** Runs `fn` over items with at most `limit` at a time (a few hundred REGISTERs, HTTP calls). */
async function inBatches<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function start(message: PoolStart): Promise<void> {
  // The agents never send audio; one socket stands for every phone's media address.
  const rtp = createSocket('udp4');
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
  rtp.on('message', () => undefined);
  const sdp = Buffer.from(
    buildAudioSdp({
      address: '127.0.0.1',
      port: rtp.address().port,
      codec: { payloadType: 8, name: 'PCMA', clockRate: 8000 },
      dtmfPayloadType: 101,
    }),
  );
  const state = agentStateClient(message.state);
  const started = Date.now();
  await inBatches(message.accounts, 20, async (account) => {
    const agent = await SimAgent.open(account, message.proxy);
    agents.push(agent);
    await agent.register();
    agent.work(
      message.behaviour,
      () => sdp,
      counters,
      (id) => state.wrapUpDone(id),
      timers,
    );
  });
  const registeredMs = Date.now() - started;
  await inBatches(message.accounts, 20, (a) => state.loginReady(a.agentId));
  send({ type: 'ready', registeredMs, readyMs: Date.now() - started - registeredMs });
  const report = setInterval(() => send({ type: 'stats', counters }), 1000);
  report.unref();
}

process.on('message', (message: Incoming) => {
  if (message.type === 'start') {
    start(message).catch((err: unknown) => send({ type: 'error', message: (err as Error).message }));
  } else if (message.type === 'stop') {
    for (const timer of timers) clearTimeout(timer);
    send({ type: 'stats', counters });
    void Promise.all(agents.map((a) => a.close())).finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
