// The script that moves a queue-day's running sums runs as Lua on Redis and as its JavaScript twin
// on the memory adapter: the same steps leave the same sums and report the same changes on both.
import { randomUUID } from 'node:crypto';
import { createMemoryLiveState, createRedisLiveState, type LiveState } from '@hotline/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyContribution } from '../src/adapters/live-realtime';

const redisUrl = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';
let redis: LiveState;
let memory: LiveState;

beforeAll(async () => {
  redis = await createRedisLiveState({ url: redisUrl, keyPrefix: `rep-sums-${randomUUID()}:` });
  memory = createMemoryLiveState();
});

afterAll(async () => {
  await redis.del('calls', 'sums');
  await redis.close();
  await memory.close();
});

const steps: [string, string, number][] = [
  ['c1', 'offered=1', 1_000],
  ['c2', 'answered=1,offered=1,w:12=1', 3_000],
  ['c1', 'abandoned=1,offered=1', 2_000],
  ['c1', 'abandoned=1,offered=1', 2_500],
  ['c2', 'answered=1,offered=1,w:3601=1', 2_900],
  ['c3', '', 4_000],
  ['c2', 'answered=2,offered=2,w:12=1,w:9=1', 4_000],
];

describe('queue-day sums script', () => {
  it('gives the same replies and sums on Redis (Lua) and in memory (twin)', async () => {
    const replies = async (live: LiveState) => {
      const out: boolean[] = [];
      for (const [callId, c, atMs] of steps)
        out.push(
          await live.run(
            applyContribution,
            ['calls', 'sums'],
            [callId, c, atMs, new Date(atMs).toISOString(), 60_000],
          ),
        );
      return {
        out,
        sums: await live.hgetall('sums'),
        calls: await live.hgetall('calls'),
        ttl: (await live.pttl('sums')) > 0,
      };
    };
    const onRedis = await replies(redis);
    expect(onRedis).toEqual(await replies(memory));
    expect(onRedis.out).toEqual([true, true, true, false, true, true, true]);
    expect(onRedis.sums).toMatchObject({
      offered: '3',
      answered: '2',
      abandoned: '1',
      'w:12': '1',
      'w:9': '1',
    });
  });
});
