// Real-time pushes are coalesced: however often a queue or agent changes within the window, it is
// pushed once with its figures at push time; an agent's change pushes every queue of its tenant
// once; closing pushes what is pending.
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { createLogger } from '@hotline/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveRealtime, realtimeChannel } from '../adapters/live-realtime';
import type { ReportingQueries } from './queries';
import { RealtimePublisher } from './realtime-publisher';

const log = createLogger({ service: 'publisher-test', level: 'silent' });
let live: LiveState;
let pushed: { kind: string; queue?: { queueId: string }; agent?: { agentId: string } }[];
let reads: string[];

/** Queries that answer fixed figures and note what was read. */
const queries = {
  async realtimeQueues(tenantId: string) {
    reads.push(`queues:${tenantId}`);
    return ['q1', 'q2'].map((queueId) => ({ queueId }));
  },
  async realtimeQueue(tenantId: string, queueId: string) {
    reads.push(`queue:${queueId}`);
    return { queueId };
  },
  async realtimeAgent(tenantId: string, agentId: string) {
    reads.push(`agent:${agentId}`);
    return { agentId };
  },
} as unknown as ReportingQueries;

beforeEach(async () => {
  live = createMemoryLiveState();
  pushed = [];
  reads = [];
  await live.subscribe(realtimeChannel('t1'), (m) => pushed.push(JSON.parse(m) as (typeof pushed)[number]));
});

afterEach(() => live.close());

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('real-time pushes', () => {
  it('pushes a queue changed many times within the window once', async () => {
    const publisher = new RealtimePublisher(new LiveRealtime(live), queries, log, 20);
    for (let i = 0; i < 50; i++) publisher.queueChanged('t1', 'q1');
    await until(() => pushed.length > 0);
    await publisher.close();
    expect(pushed).toEqual([{ kind: 'queue', queue: { queueId: 'q1' } }]);
  });

  it('pushes an agent and every queue of its tenant, read at once, when the agent changes', async () => {
    const publisher = new RealtimePublisher(new LiveRealtime(live), queries, log, 20);
    publisher.queueChanged('t1', 'q1');
    publisher.agentChanged('t1', 'a1');
    publisher.agentChanged('t1', 'a1');
    await until(() => pushed.length >= 3);
    await publisher.close();
    expect(reads.sort()).toEqual(['agent:a1', 'queues:t1']);
    expect(pushed.map((p) => p.queue?.queueId ?? p.agent?.agentId).sort()).toEqual(['a1', 'q1', 'q2']);
  });

  it('pushes what is pending when closed', async () => {
    const publisher = new RealtimePublisher(new LiveRealtime(live), queries, log, 60_000);
    publisher.queueChanged('t1', 'q2');
    await publisher.close();
    await until(() => pushed.length > 0);
    expect(pushed).toEqual([{ kind: 'queue', queue: { queueId: 'q2' } }]);
  });
});
