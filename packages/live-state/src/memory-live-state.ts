// The in-memory LiveState for `hotline up` and unit tests: one process, one MemoryDb. Scripts run
// their JavaScript twin synchronously inside one call, so nothing interleaves with them. Pub/sub
// delivers on a later turn of the event loop, as a message from Redis would arrive.

import type { AtomicScript, LiveState, ScriptArg, SetOptions, Unsubscribe } from './live-state';
import { toArgv } from './argv';
import { type HandlerErrorReporter, warnHandlerError } from './handler-error';
import { LiveStateError } from './live-state-error';
import { MemoryDb } from './memory-db';

export interface MemoryLiveStateOptions {
  /** How often keys nobody reads again are swept out after their TTL. Default 1000 ms. */
  sweepIntervalMs?: number;
  /** Clock in ms, for tests that move time themselves. Default Date.now. */
  now?: () => number;
  onHandlerError?: HandlerErrorReporter;
}

interface Subscriber {
  readonly onMessage: (message: string) => void;
}

export function createMemoryLiveState(options: MemoryLiveStateOptions = {}): LiveState {
  return new MemoryLiveState(options);
}

class MemoryLiveState implements LiveState {
  readonly kind = 'memory';
  private readonly db: MemoryDb;
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly onHandlerError: HandlerErrorReporter;
  private closed = false;

  constructor(options: MemoryLiveStateOptions) {
    this.db = new MemoryDb(options.now);
    this.onHandlerError = options.onHandlerError ?? warnHandlerError;
    this.sweeper = setInterval(() => this.db.sweep(), options.sweepIntervalMs ?? 1000);
    this.sweeper.unref();
  }

  async get(key: string) {
    return this.open().get(key);
  }
  async set(key: string, value: string, options?: SetOptions) {
    return this.open().set(key, value, options);
  }
  async del(...keys: string[]) {
    return keys.length === 0 ? 0 : this.open().del(...keys);
  }
  async incrBy(key: string, by: number) {
    return this.open().incrBy(key, by);
  }
  async pexpire(key: string, ttlMs: number) {
    return this.open().pexpire(key, ttlMs);
  }
  async pttl(key: string) {
    return this.open().pttl(key);
  }
  async hget(key: string, field: string) {
    return this.open().hget(key, field);
  }
  async hset(key: string, fields: Record<string, string>) {
    return Object.keys(fields).length === 0 ? 0 : this.open().hset(key, fields);
  }
  async hdel(key: string, ...fields: string[]) {
    return fields.length === 0 ? 0 : this.open().hdel(key, ...fields);
  }
  async hgetall(key: string) {
    return this.open().hgetall(key);
  }
  async hincrBy(key: string, field: string, by: number) {
    return this.open().hincrBy(key, field, by);
  }
  async zadd(key: string, score: number, member: string) {
    return this.open().zadd(key, score, member);
  }
  async zrem(key: string, ...members: string[]) {
    return members.length === 0 ? 0 : this.open().zrem(key, ...members);
  }
  async zscore(key: string, member: string) {
    return this.open().zscore(key, member);
  }
  async zcard(key: string) {
    return this.open().zcard(key);
  }
  async zrangeByScore(key: string, min: number, max: number, limit?: { offset: number; count: number }) {
    return this.open().zrangeByScore(key, min, max, limit);
  }
  async zrange(key: string, start: number, stop: number) {
    return this.open().zrange(key, start, stop);
  }
  async zrank(key: string, member: string) {
    return this.open().zrank(key, member);
  }
  async sadd(key: string, ...members: string[]) {
    return members.length === 0 ? 0 : this.open().sadd(key, ...members);
  }
  async srem(key: string, ...members: string[]) {
    return members.length === 0 ? 0 : this.open().srem(key, ...members);
  }
  async smembers(key: string) {
    return this.open().smembers(key);
  }
  async sismember(key: string, member: string) {
    return this.open().sismember(key, member);
  }

  async run<R>(script: AtomicScript<R>, keys: string[], args: ScriptArg[] = []): Promise<R> {
    const db = this.open();
    const argv = args.map(toArgv);
    try {
      return script.local(db, keys, argv);
    } catch (error) {
      if (error instanceof LiveStateError) throw error;
      throw new LiveStateError('SCRIPT_FAILED', `script ${script.name} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /** Counts receivers as Redis does, per connection: this adapter is one connection. */
  async publish(channel: string, message: string): Promise<number> {
    this.open();
    const subscribers = this.channels.get(channel);
    if (!subscribers || subscribers.size === 0) return 0;
    const recipients = [...subscribers];
    setImmediate(() => {
      for (const subscriber of recipients) {
        // Whoever unsubscribed (or closed) before delivery no longer hears it, as with Redis.
        if (this.closed || !subscribers.has(subscriber)) continue;
        try {
          subscriber.onMessage(message);
        } catch (error) {
          this.onHandlerError(error, channel);
        }
      }
    });
    return 1;
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    this.open();
    const subscriber: Subscriber = { onMessage };
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
    }
    subscribers.add(subscriber);
    const current = subscribers;
    return async () => {
      current.delete(subscriber);
      if (current.size === 0 && this.channels.get(channel) === current) this.channels.delete(channel);
    };
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.channels.clear();
  }

  private open(): MemoryDb {
    if (this.closed) throw new LiveStateError('CLOSED', 'memory live state is closed');
    return this.db;
  }
}
