// Redis data semantics in plain memory, synchronously, for the memory adapter and for scripts'
// JavaScript twins. What it keeps from Redis on purpose: WRONGTYPE when a key holds another type;
// a hash, set or sorted set that loses its last member stops existing (and loses its TTL); SET
// replaces any type and clears the TTL while INCRBY/HSET/ZADD keep it; a key expires once the clock
// has passed its deadline (lazily on access, plus sweep() for keys nobody reads again).

import type { LocalDb, SetOptions } from './live-state';
import { parseRedisInteger } from './argv';
import { RedisMessages, redisStyleError } from './live-state-error';
import { DeadlineHeap } from './deadline-heap';
import { SortedSet } from './sorted-set';

type Value =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Map<string, string> }
  | { type: 'zset'; value: SortedSet }
  | { type: 'set'; value: Set<string> };
type Type = Value['type'];
type Of<T extends Type> = Extract<Value, { type: T }>;

export class MemoryDb implements LocalDb {
  private readonly data = new Map<string, Value>();
  /** Absolute deadline in ms for keys that have a TTL. */
  private readonly deadlines = new Map<string, number>();
  /** The same deadlines by time, so a sweep only looks at keys that are due. */
  private readonly expiry = new DeadlineHeap();

  constructor(private readonly now: () => number = Date.now) {}

  /** Drops every expired key; returns how many went. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [deadline, key] of this.expiry.popDue(now)) {
      // A stale entry: the key went, or its TTL changed since (its current deadline is elsewhere).
      if (this.deadlines.get(key) !== deadline) continue;
      this.drop(key);
      dropped++;
    }
    return dropped;
  }

  get(key: string): string | null {
    return this.read(key, 'string')?.value ?? null;
  }

  set(key: string, value: string, options: SetOptions = {}): boolean {
    const { ttlMs, ifAbsent } = options;
    if (ttlMs !== undefined) {
      requireInteger(ttlMs);
      if (ttlMs <= 0) throw redisStyleError(RedisMessages.invalidSetExpire);
    }
    if (ifAbsent && this.live(key)) return false;
    this.data.set(key, { type: 'string', value });
    if (ttlMs === undefined) this.deadlines.delete(key);
    else this.expireAt(key, this.now() + ttlMs);
    return true;
  }

  del(...keys: string[]): number {
    if (keys.length === 0) throw redisStyleError(RedisMessages.wrongArgs('del'));
    let removed = 0;
    for (const key of keys) {
      if (this.live(key)) {
        this.drop(key);
        removed++;
      }
    }
    return removed;
  }

  exists(key: string): boolean {
    return this.live(key) !== undefined;
  }

  incrBy(key: string, by: number): number {
    requireInteger(by);
    const current = this.read(key, 'string');
    const base = current ? parseRedisInteger(current.value) : 0;
    if (base === null) throw redisStyleError(RedisMessages.notInteger);
    const next = addWithoutOverflow(base, by);
    if (current) current.value = String(next);
    else this.data.set(key, { type: 'string', value: String(next) });
    return next;
  }

  pexpire(key: string, ttlMs: number): boolean {
    requireInteger(ttlMs);
    if (!this.live(key)) return false;
    // Redis deletes at once when the new deadline is already in the past.
    if (ttlMs <= 0) this.drop(key);
    else this.expireAt(key, this.now() + ttlMs);
    return true;
  }

  pttl(key: string): number {
    if (!this.live(key)) return -2;
    const deadline = this.deadlines.get(key);
    return deadline === undefined ? -1 : deadline - this.now();
  }

  hget(key: string, field: string): string | null {
    return this.read(key, 'hash')?.value.get(field) ?? null;
  }

  hset(key: string, fields: Record<string, string>): number {
    const entries = Object.entries(fields);
    if (entries.length === 0) throw redisStyleError(RedisMessages.wrongArgs('hset'));
    const hash = this.write(key, 'hash', () => ({ type: 'hash', value: new Map() })).value;
    let added = 0;
    for (const [field, value] of entries) {
      if (!hash.has(field)) added++;
      hash.set(field, value);
    }
    return added;
  }

  hdel(key: string, ...fields: string[]): number {
    if (fields.length === 0) throw redisStyleError(RedisMessages.wrongArgs('hdel'));
    const hash = this.read(key, 'hash')?.value;
    if (!hash) return 0;
    const removed = fields.filter((field) => hash.delete(field)).length;
    if (hash.size === 0) this.drop(key);
    return removed;
  }

  hgetall(key: string): Record<string, string> {
    return Object.fromEntries(this.read(key, 'hash')?.value ?? []);
  }

  hincrBy(key: string, field: string, by: number): number {
    requireInteger(by);
    const hash = this.write(key, 'hash', () => ({ type: 'hash', value: new Map() })).value;
    const current = hash.get(field);
    const base = current === undefined ? 0 : parseRedisInteger(current);
    if (base === null) throw redisStyleError(RedisMessages.hashNotInteger);
    const next = addWithoutOverflow(base, by);
    hash.set(field, String(next));
    return next;
  }

  zadd(key: string, score: number, member: string): number {
    if (Number.isNaN(score)) throw redisStyleError(RedisMessages.notFloat);
    return this.write(key, 'zset', () => ({ type: 'zset', value: new SortedSet() })).value.add(score, member)
      ? 1
      : 0;
  }

  zrem(key: string, ...members: string[]): number {
    if (members.length === 0) throw redisStyleError(RedisMessages.wrongArgs('zrem'));
    const zset = this.read(key, 'zset')?.value;
    if (!zset) return 0;
    const removed = members.filter((member) => zset.remove(member)).length;
    if (zset.size === 0) this.drop(key);
    return removed;
  }

  zscore(key: string, member: string): number | null {
    return this.read(key, 'zset')?.value.score(member) ?? null;
  }

  zcard(key: string): number {
    return this.read(key, 'zset')?.value.size ?? 0;
  }

  zrangeByScore(key: string, min: number, max: number, limit?: { offset: number; count: number }): string[] {
    if (Number.isNaN(min) || Number.isNaN(max)) throw redisStyleError('ERR min or max is not a float');
    if (limit) {
      requireInteger(limit.offset);
      requireInteger(limit.count);
    }
    const zset = this.read(key, 'zset')?.value;
    return zset ? zset.byScore(min, max, limit?.offset ?? 0, limit?.count ?? -1) : [];
  }

  zrange(key: string, start: number, stop: number): string[] {
    requireInteger(start);
    requireInteger(stop);
    const zset = this.read(key, 'zset')?.value;
    if (!zset) return [];
    const size = zset.size;
    const from = Math.max(start < 0 ? size + start : start, 0);
    const to = Math.min(stop < 0 ? size + stop : stop, size - 1);
    return from > to ? [] : zset.slice(from, to);
  }

  zrank(key: string, member: string): number | null {
    return this.read(key, 'zset')?.value.rank(member) ?? null;
  }

  sadd(key: string, ...members: string[]): number {
    if (members.length === 0) throw redisStyleError(RedisMessages.wrongArgs('sadd'));
    const set = this.write(key, 'set', () => ({ type: 'set', value: new Set() })).value;
    let added = 0;
    for (const member of members) {
      if (!set.has(member)) {
        set.add(member);
        added++;
      }
    }
    return added;
  }

  srem(key: string, ...members: string[]): number {
    if (members.length === 0) throw redisStyleError(RedisMessages.wrongArgs('srem'));
    const set = this.read(key, 'set')?.value;
    if (!set) return 0;
    const removed = members.filter((member) => set.delete(member)).length;
    if (set.size === 0) this.drop(key);
    return removed;
  }

  smembers(key: string): string[] {
    return [...(this.read(key, 'set')?.value ?? [])];
  }

  sismember(key: string, member: string): boolean {
    return this.read(key, 'set')?.value.has(member) ?? false;
  }

  /** The key's value unless it has expired (then it is removed, as Redis does on access). */
  private live(key: string): Value | undefined {
    const deadline = this.deadlines.get(key);
    if (deadline !== undefined && this.now() > deadline) {
      this.drop(key);
      return undefined;
    }
    return this.data.get(key);
  }

  private read<T extends Type>(key: string, type: T): Of<T> | undefined {
    const value = this.live(key);
    if (value && value.type !== type) throw redisStyleError(RedisMessages.wrongType);
    return value as Of<T> | undefined;
  }

  /** The key's value of the given type, created (without TTL) when the key does not exist. */
  private write<T extends Type>(key: string, type: T, create: () => Of<T>): Of<T> {
    const existing = this.read(key, type);
    if (existing) return existing;
    const created = create();
    this.data.set(key, created);
    return created;
  }

  private expireAt(key: string, deadline: number): void {
    this.deadlines.set(key, deadline);
    this.expiry.push(deadline, key);
    // Entries left behind by changed TTLs and deleted keys: rebuild once they outnumber the live ones.
    if (this.expiry.size > 2 * this.deadlines.size + 1024) this.expiry.rebuild(this.deadlines);
  }

  private drop(key: string): void {
    this.data.delete(key);
    this.deadlines.delete(key);
  }
}

function requireInteger(value: number): void {
  if (!Number.isSafeInteger(value)) throw redisStyleError(RedisMessages.notInteger);
}

function addWithoutOverflow(base: number, by: number): number {
  const next = base + by;
  // Redis allows 64-bit integers; JavaScript numbers stay exact only up to 2^53.
  if (!Number.isSafeInteger(next)) throw redisStyleError(RedisMessages.overflow);
  return next;
}
