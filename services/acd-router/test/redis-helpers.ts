import { Redis } from 'ioredis';

export const redisUrl = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';

/** Deletes every key a test run made under its prefix, so reruns start clean. */
export async function removeKeys(prefix: string): Promise<void> {
  const admin = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch {
    return;
  }
  const found: string[] = [];
  for await (const batch of admin.scanStream({ match: `${prefix}*`, count: 500 }))
    found.push(...(batch as string[]));
  for (let i = 0; i < found.length; i += 500) await admin.del(...found.slice(i, i + 500));
  await admin.quit();
}
