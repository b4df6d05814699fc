// The Redis LiveState for `hotline serve` (ioredis). Every key and channel carries keyPrefix, so
// deployments and test runs sharing a server stay apart; scripts must therefore name every key
// they touch in KEYS, never build key names in Lua. Scripts run with EVALSHA and fall back to
// EVAL (which also caches the script) when the server answers NOSCRIPT, e.g. after a restart.
// Subscriptions use a second connection, opened on first subscribe: a Redis connection in
// subscribe mode can run no other commands.

import { createHash } from 'node:crypto';
import { type Redis, ReplyError } from 'ioredis';
import type { AtomicScript, LiveState, ScriptArg, SetOptions, Unsubscribe } from './live-state';
import { parseRedisFloat, toArgv } from './argv';
import { type HandlerErrorReporter, warnHandlerError } from './handler-error';
import { LiveStateError, codeForRedisMessage } from './live-state-error';
import { type ConnectionSettings, connect, disconnect, newClient } from './redis-connection';

export interface RedisLiveStateOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prepended to every key and channel, e.g. "hotline:prod:". Default "". */
  keyPrefix?: string;
  /** Time allowed to open a connection before failing with UNAVAILABLE. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect attempts a command waits through before failing. Default 2. */
  maxRetriesPerRequest?: number;
  /** Fails a command that gets no reply in this time. Default: no limit. */
  commandTimeoutMs?: number;
  onHandlerError?: HandlerErrorReporter;
}

export async function createRedisLiveState(options: RedisLiveStateOptions): Promise<LiveState> {
  const settings: ConnectionSettings = {
    url: options.url,
    connectTimeoutMs: options.connectTimeoutMs ?? 3000,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 2,
    commandTimeoutMs: options.commandTimeoutMs,
  };
  const client = await connect(newClient(settings), settings, 'command');
  return new RedisLiveState(
    client,
    settings,
    options.keyPrefix ?? '',
    options.onHandlerError ?? warnHandlerError,
  );
}

interface Subscriber {
  readonly onMessage: (message: string) => void;
}

const shas = new WeakMap<AtomicScript<unknown>, string>();
function shaOf(script: AtomicScript<unknown>): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script.lua).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

class RedisLiveState implements LiveState {
  readonly kind = 'redis';
  private subscriber: Promise<Redis> | undefined;
  private readonly channels = new Map<string, Set<Subscriber>>();
  /** SUBSCRIBE/UNSUBSCRIBE run one at a time so a channel's set and the server agree. */
  private subscriptionChanges: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly settings: ConnectionSettings,
    private readonly prefix: string,
    private readonly onHandlerError: HandlerErrorReporter,
  ) {}

  get(key: string) {
    return this.call((r) => r.get(this.k(key)));
  }
  set(key: string, value: string, options: SetOptions = {}) {
    const args: ScriptArg[] = [this.k(key), value];
    if (options.ttlMs !== undefined) args.push('PX', toArgv(options.ttlMs));
    if (options.ifAbsent) args.push('NX');
    return this.call(async (r) => (await r.call('SET', ...args.map(toArgv))) === 'OK');
  }
  del(...keys: string[]) {
    return keys.length === 0
      ? Promise.resolve(0)
      : this.call((r) => r.del(...keys.map((key) => this.k(key))));
  }
  incrBy(key: string, by: number) {
    return this.call((r) => r.incrby(this.k(key), toArgv(by)));
  }
  pexpire(key: string, ttlMs: number) {
    return this.call(async (r) => (await r.pexpire(this.k(key), toArgv(ttlMs))) === 1);
  }
  pttl(key: string) {
    return this.call((r) => r.pttl(this.k(key)));
  }
  hget(key: string, field: string) {
    return this.call((r) => r.hget(this.k(key), field));
  }
  hset(key: string, fields: Record<string, string>) {
    if (Object.keys(fields).length === 0) return Promise.resolve(0);
    return this.call((r) => r.hset(this.k(key), fields));
  }
  hdel(key: string, ...fields: string[]) {
    return fields.length === 0 ? Promise.resolve(0) : this.call((r) => r.hdel(this.k(key), ...fields));
  }
  hgetall(key: string) {
    return this.call((r) => r.hgetall(this.k(key)));
  }
  hincrBy(key: string, field: string, by: number) {
    return this.call((r) => r.hincrby(this.k(key), field, toArgv(by)));
  }
  zadd(key: string, score: number, member: string) {
    return this.call(async (r) => Number(await r.zadd(this.k(key), toArgv(score), member)));
  }
  zrem(key: string, ...members: string[]) {
    return members.length === 0 ? Promise.resolve(0) : this.call((r) => r.zrem(this.k(key), ...members));
  }
  zscore(key: string, member: string) {
    return this.call(async (r) => {
      const reply = await r.zscore(this.k(key), member);
      return reply === null ? null : parseRedisFloat(reply);
    });
  }
  zcard(key: string) {
    return this.call((r) => r.zcard(this.k(key)));
  }
  zrangeByScore(key: string, min: number, max: number, limit?: { offset: number; count: number }) {
    const args = [this.k(key), toArgv(min), toArgv(max)];
    if (limit) args.push('LIMIT', toArgv(limit.offset), toArgv(limit.count));
    return this.call(async (r) => (await r.call('ZRANGEBYSCORE', ...args)) as string[]);
  }
  zrange(key: string, start: number, stop: number) {
    return this.call((r) => r.zrange(this.k(key), toArgv(start), toArgv(stop)));
  }
  zrank(key: string, member: string) {
    return this.call((r) => r.zrank(this.k(key), member));
  }
  sadd(key: string, ...members: string[]) {
    return members.length === 0 ? Promise.resolve(0) : this.call((r) => r.sadd(this.k(key), ...members));
  }
  srem(key: string, ...members: string[]) {
    return members.length === 0 ? Promise.resolve(0) : this.call((r) => r.srem(this.k(key), ...members));
  }
  smembers(key: string) {
    return this.call((r) => r.smembers(this.k(key)));
  }
  sismember(key: string, member: string) {
    return this.call(async (r) => (await r.sismember(this.k(key), member)) === 1);
  }

  async run<R>(script: AtomicScript<R>, keys: string[], args: ScriptArg[] = []): Promise<R> {
    const argv = [...keys.map((key) => this.k(key)), ...args.map(toArgv)];
    const reply = await this.call(async (r) => {
      try {
        return await r.evalsha(shaOf(script), keys.length, ...argv);
      } catch (error) {
        if (!isReplyError(error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return r.eval(script.lua, keys.length, ...argv);
      }
    });
    return script.decode(reply);
  }

  publish(channel: string, message: string) {
    return this.call((r) => r.publish(this.k(channel), message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    this.ensureOpen();
    const subscriber: Subscriber = { onMessage };
    await this.changeSubscriptions(async (connection) => {
      const existing = this.channels.get(channel);
      if (existing) {
        existing.add(subscriber);
        return;
      }
      await connection.subscribe(this.k(channel));
      this.channels.set(channel, new Set([subscriber]));
    });
    let done = false;
    return async () => {
      if (done || this.closed) return;
      done = true;
      await this.changeSubscriptions(async (connection) => {
        const subscribers = this.channels.get(channel);
        if (!subscribers?.delete(subscriber) || subscribers.size > 0) return;
        this.channels.delete(channel);
        await connection.unsubscribe(this.k(channel));
      });
    };
  }

  async ping(): Promise<void> {
    await this.call((r) => r.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    const subscriber = await this.subscriber?.catch(() => undefined);
    await Promise.all([disconnect(this.client), subscriber && disconnect(subscriber)]);
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private ensureOpen(): void {
    if (this.closed) throw new LiveStateError('CLOSED', 'redis live state is closed');
  }

  private async call<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    this.ensureOpen();
    try {
      return await command(this.client);
    } catch (error) {
      throw toLiveStateError(error);
    }
  }

  private changeSubscriptions(change: (connection: Redis) => Promise<void>): Promise<void> {
    const next = this.subscriptionChanges.then(async () => {
      this.ensureOpen();
      try {
        await change(await this.subscriberConnection());
      } catch (error) {
        throw toLiveStateError(error);
      }
    });
    this.subscriptionChanges = next.catch(() => undefined);
    return next;
  }

  private subscriberConnection(): Promise<Redis> {
    if (!this.subscriber) {
      const opening = connect(this.client.duplicate(), this.settings, 'subscriber').then((connection) => {
        connection.on('message', (channel: string, message: string) => this.deliver(channel, message));
        return connection;
      });
      // A failed attempt is not cached: the next subscribe tries again.
      opening.catch(() => (this.subscriber = undefined));
      this.subscriber = opening;
    }
    return this.subscriber;
  }

  private deliver(prefixedChannel: string, message: string): void {
    const channel = prefixedChannel.slice(this.prefix.length);
    for (const subscriber of [...(this.channels.get(channel) ?? [])]) {
      try {
        subscriber.onMessage(message);
      } catch (error) {
        this.onHandlerError(error, channel);
      }
    }
  }
}

function toLiveStateError(error: unknown): LiveStateError {
  if (error instanceof LiveStateError) return error;
  if (isReplyError(error))
    return new LiveStateError(codeForRedisMessage(error.message), error.message, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new LiveStateError('UNAVAILABLE', `Redis command failed: ${detail}`, { cause: error });
}

/** An error reply from the server, as opposed to a connection problem. */
function isReplyError(error: unknown): error is Error {
  // ioredis types ReplyError as `any`, so instanceof alone does not narrow.
  return error instanceof Error && error instanceof ReplyError;
}
