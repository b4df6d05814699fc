// The live-state port: shared, fast, expiring state that any instance can read and change
// atomically (calls in progress, agent states, queues, reservations, IVR positions). Two adapters:
// Redis via ioredis for `hotline serve`, and an in-memory one for `hotline up`. Both pass
// test/live-state-contract.ts.
//
// Multi-key atomic steps are AtomicScripts: each carries its Lua source (run by Redis with
// EVALSHA) and a synchronous JavaScript twin run by the memory adapter on its own data in one
// turn of the event loop, so it is atomic too. The contract suite runs every script on both.
//
// Every method rejects with a LiveStateError whose `code` is the same on both adapters
// (WRONG_TYPE, NOT_AN_INTEGER, UNAVAILABLE, ...). Variadic methods given nothing to do (del(),
// hset(k, {}), sadd(k), ...) resolve 0 without a round trip; Redis itself would reject them.

export type ScriptArg = string | number;

/** Synchronous data operations a script's JavaScript twin may use (Redis semantics). */
export interface LocalDb {
  get(key: string): string | null;
  set(key: string, value: string, options?: SetOptions): boolean;
  del(...keys: string[]): number;
  exists(key: string): boolean;
  incrBy(key: string, by: number): number;
  pexpire(key: string, ttlMs: number): boolean;
  /** Remaining time to live in ms; -1 when the key has none, -2 when it does not exist. */
  pttl(key: string): number;
  hget(key: string, field: string): string | null;
  hset(key: string, fields: Record<string, string>): number;
  hdel(key: string, ...fields: string[]): number;
  hgetall(key: string): Record<string, string>;
  hincrBy(key: string, field: string, by: number): number;
  zadd(key: string, score: number, member: string): number;
  zrem(key: string, ...members: string[]): number;
  zscore(key: string, member: string): number | null;
  zcard(key: string): number;
  /** Members with min <= score <= max, ascending by (score, member). */
  zrangeByScore(key: string, min: number, max: number, limit?: { offset: number; count: number }): string[];
  /** Members by rank, ascending; negative indexes count from the end (Redis ZRANGE). */
  zrange(key: string, start: number, stop: number): string[];
  /** Rank of a member, ascending, or null. */
  zrank(key: string, member: string): number | null;
  sadd(key: string, ...members: string[]): number;
  srem(key: string, ...members: string[]): number;
  smembers(key: string): string[];
  sismember(key: string, member: string): boolean;
}

export interface SetOptions {
  ttlMs?: number;
  /** Only set if the key does not exist (SET NX). */
  ifAbsent?: boolean;
}

/**
 * An atomic multi-key step. `lua` receives KEYS and ARGV (numbers arrive as strings, infinities as
 * "+inf"/"-inf"); `local` gets the same strings and must return exactly what `decode(luaReply)`
 * returns so callers see one behaviour. Every key a script touches must come in through KEYS: the
 * Redis adapter prefixes keys, and Redis Cluster routes by them. Redis does not roll back a script
 * that fails halfway, and neither does the memory adapter, so check before the first write.
 */
export interface AtomicScript<R> {
  readonly name: string;
  readonly lua: string;
  local(db: LocalDb, keys: string[], args: string[]): R;
  decode(reply: unknown): R;
}

export type Unsubscribe = () => Promise<void>;

export interface LiveState {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  incrBy(key: string, by: number): Promise<number>;
  pexpire(key: string, ttlMs: number): Promise<boolean>;
  pttl(key: string): Promise<number>;
  hget(key: string, field: string): Promise<string | null>;
  hset(key: string, fields: Record<string, string>): Promise<number>;
  hdel(key: string, ...fields: string[]): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  hincrBy(key: string, field: string, by: number): Promise<number>;
  zadd(key: string, score: number, member: string): Promise<number>;
  zrem(key: string, ...members: string[]): Promise<number>;
  zscore(key: string, member: string): Promise<number | null>;
  zcard(key: string): Promise<number>;
  zrangeByScore(
    key: string,
    min: number,
    max: number,
    limit?: { offset: number; count: number },
  ): Promise<string[]>;
  zrange(key: string, start: number, stop: number): Promise<string[]>;
  zrank(key: string, member: string): Promise<number | null>;
  sadd(key: string, ...members: string[]): Promise<number>;
  srem(key: string, ...members: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  sismember(key: string, member: string): Promise<boolean>;
  /** Runs an atomic script: nothing else touches its keys while it runs. */
  run<R>(script: AtomicScript<R>, keys: string[], args?: ScriptArg[]): Promise<R>;
  /**
   * Fire-and-forget fan-out to every current subscriber of the channel (Redis pub/sub). Resolves
   * how many connections received it, as Redis counts: one per subscribing adapter instance, not
   * one per handler. Delivery happens later, never inside this call.
   */
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
