// The same event delivered twice changes state once: real Kafka carries the duplicate, real Redis
// holds both the idempotency marks and the state the consumer changes.
import { randomUUID } from 'node:crypto';
import { makeEvent, Topics, type HotlineEvent } from '@hotline/contracts';
import {
  consumeEvents,
  createKafkaBus,
  publishEvents,
  type EventBus,
  type Subscription,
} from '@hotline/event-bus';
import { createIdempotencyGuard, createRedisLiveState, type LiveState } from '@hotline/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const brokers = (process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const redisUrl = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';
const run = randomUUID().slice(0, 8);

let bus: EventBus;
let live: LiveState;
let subscription: Subscription | undefined;

beforeAll(async () => {
  bus = await createKafkaBus({ brokers, clientId: `idem-${run}` });
  live = await createRedisLiveState({ url: redisUrl, keyPrefix: `idem-it-${run}:` });
  await bus.ensureTopics([{ name: Topics.queues, partitions: 3 }]);
});

afterAll(async () => {
  await subscription?.close();
  await bus?.close();
  await live?.close();
});

function joined(callId: string): HotlineEvent {
  return makeEvent({
    type: 'queue.joined',
    tenantId: `tenant-${run}`,
    source: 'test',
    data: { callId, queueId: 'sales', priority: 1, skills: [], position: 1 },
  });
}

describe('idempotent consumer on Kafka and Redis', () => {
  it('counts a call once in its queue although Kafka delivered its event twice', async () => {
    const first = joined(`call-a-${run}`);
    const second = joined(`call-b-${run}`);
    const handled: string[] = [];
    subscription = await consumeEvents({
      bus,
      group: `queue-stats-${run}`,
      topics: [Topics.queues],
      dedupe: createIdempotencyGuard(live, { ttlMs: 60_000, prefix: 'seen' }),
      handle: async (event) => {
        if (event.type !== 'queue.joined' || event.tenantId !== `tenant-${run}`) return;
        handled.push(event.data.callId);
        await live.hincrBy('queue:sales:joined', event.data.callId, 1);
      },
    });
    // The producer retried after a lost ack, say: the same event id reaches the topic twice.
    await publishEvents(bus, [first, first, second, first]);

    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && handled.length < 2) await new Promise((r) => setTimeout(r, 50));
    // Give a wrongly delivered duplicate time to show up before judging.
    await new Promise((r) => setTimeout(r, 1_000));

    expect(handled.sort()).toEqual([`call-a-${run}`, `call-b-${run}`]);
    expect(await live.hgetall('queue:sales:joined')).toEqual({
      [`call-a-${run}`]: '1',
      [`call-b-${run}`]: '1',
    });
  });
});
