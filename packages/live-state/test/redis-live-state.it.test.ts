// The contract against a real Redis (infra/local/redis.sh start), plus what only Redis has:
// connection failures, the server's script cache, and key prefixes on a shared server.

import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStateError } from '../src/live-state-error';
import { createRedisLiveState } from '../src/redis-live-state';
import { claimOnce } from '../src/scripts';
import { describeLiveStateContract } from './live-state-contract';

const url = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';
const runPrefix = `hotline-test:live-state:${randomUUID()}:`;
let opened = 0;
const open = () =>
  createRedisLiveState({ url, keyPrefix: `${runPrefix}${opened++}:`, connectTimeoutMs: 2000 });

// Connected on first use rather than in beforeAll: without a server every test then fails with
// the adapter's own UNAVAILABLE error instead of being reported as skipped.
let admin: Redis | undefined;
async function adminClient(): Promise<Redis> {
  if (!admin) {
    admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    admin.on('error', () => {});
    await admin.connect();
  }
  return admin;
}

afterAll(async () => {
  // Every open() above made keys under runPrefix; remove them so reruns start clean.
  const client = await adminClient().catch(() => undefined);
  if (!client) return;
  const keys: string[] = [];
  for await (const batch of client.scanStream({ match: `${runPrefix}*`, count: 500 }))
    keys.push(...(batch as string[]));
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});

describeLiveStateContract('redis', open);

describe('redis live state', () => {
  it('fails fast with UNAVAILABLE when no server listens', async () => {
    const started = Date.now();
    const error = await createRedisLiveState({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LiveStateError);
    expect((error as LiveStateError).code).toBe('UNAVAILABLE');
    expect((error as LiveStateError).retryable).toBe(true);
    expect((error as LiveStateError).message).toMatch(/127\.0\.0\.1:1.*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('keeps the password out of connection errors', async () => {
    const error = await createRedisLiveState({
      url: 'redis://user:s3cret@127.0.0.1:1',
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect((error as LiveStateError).message).not.toContain('s3cret');
  });

  it('reloads a script the server forgot (NOSCRIPT after SCRIPT FLUSH or a restart)', async () => {
    const live = await open();
    try {
      expect(await live.run(claimOnce, ['before-flush'], [60_000])).toBe(true);
      const redis = await adminClient();
      await redis.script('FLUSH');
      expect(await live.run(claimOnce, ['after-flush'], [60_000])).toBe(true);
      const [cached] = (await redis.script('EXISTS', sha1(claimOnce.lua))) as number[];
      expect(cached).toBe(1);
    } finally {
      await live.close();
    }
  });

  it('puts every key, script key and channel under the key prefix', async () => {
    const prefix = `${runPrefix}prefixed:`;
    const live = await createRedisLiveState({ url, keyPrefix: prefix });
    try {
      const redis = await adminClient();
      await live.set('plain', 'v');
      await live.run(claimOnce, ['claimed'], [60_000]);
      expect(await redis.get(`${prefix}plain`)).toBe('v');
      expect(await redis.get(`${prefix}claimed`)).toBe('1');
      expect(await redis.get('plain')).toBeNull();
      const received: string[] = [];
      await live.subscribe('events', (m) => received.push(m));
      expect(await redis.publish(`${prefix}events`, 'hi')).toBe(1);
      expect(await redis.publish('events', 'not for us')).toBe(0);
      await expect.poll(() => received).toEqual(['hi']);
    } finally {
      await live.close();
    }
  });

  it('lets instances with different prefixes share a server without seeing each other', async () => {
    const a = await createRedisLiveState({ url, keyPrefix: `${runPrefix}tenant-a:` });
    const b = await createRedisLiveState({ url, keyPrefix: `${runPrefix}tenant-b:` });
    try {
      await a.set('k', 'from a');
      expect(await b.get('k')).toBeNull();
      expect(await b.run(claimOnce, ['k'], [60_000])).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('delivers messages published by another instance with the same prefix', async () => {
    const prefix = `${runPrefix}shared:`;
    const publisher = await createRedisLiveState({ url, keyPrefix: prefix });
    const subscriber = await createRedisLiveState({ url, keyPrefix: prefix });
    try {
      const received: string[] = [];
      await subscriber.subscribe('agent-events', (m) => received.push(m));
      expect(await publisher.publish('agent-events', 'agent-7 available')).toBe(1);
      await expect.poll(() => received).toEqual(['agent-7 available']);
    } finally {
      await Promise.all([publisher.close(), subscriber.close()]);
    }
  });
});

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
