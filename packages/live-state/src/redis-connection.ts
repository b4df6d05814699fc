// Opening an ioredis connection that fails fast. ioredis otherwise reconnects forever and queues
// commands meanwhile, so a missing server looks like a hang; here the first connect must succeed
// within connectTimeoutMs or the caller gets an UNAVAILABLE error naming the server and the cause.

import { Redis } from 'ioredis';
import { LiveStateError } from './live-state-error';

export interface ConnectionSettings {
  url: string;
  connectTimeoutMs: number;
  maxRetriesPerRequest: number;
  commandTimeoutMs?: number;
}

export function newClient(settings: ConnectionSettings): Redis {
  return new Redis(settings.url, {
    lazyConnect: true,
    connectTimeout: settings.connectTimeoutMs,
    maxRetriesPerRequest: settings.maxRetriesPerRequest,
    commandTimeout: settings.commandTimeoutMs,
    // After the first connect, reconnect with capped backoff; commands waiting meanwhile fail
    // after maxRetriesPerRequest reconnect attempts rather than queueing without bound.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

export async function connect(client: Redis, settings: ConnectionSettings, role: string): Promise<Redis> {
  let lastError: unknown;
  const remember = (error: unknown) => (lastError = error);
  client.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${settings.connectTimeoutMs} ms`)),
      settings.connectTimeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(), timeout]);
    return client;
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new LiveStateError(
      'UNAVAILABLE',
      `Redis ${role} connection to ${redact(settings.url)} failed: ${detail}`,
      {
        cause,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Closes gracefully when connected, at once otherwise (QUIT would wait for a reconnect). */
export async function disconnect(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
