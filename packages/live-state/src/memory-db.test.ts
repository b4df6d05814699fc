import { describe, expect, it } from 'vitest';
import { MemoryDb } from './memory-db';

describe('MemoryDb', () => {
  const clock = () => {
    const state = { now: 10_000 };
    return { state, db: new MemoryDb(() => state.now) };
  };

  it('keeps a key up to its deadline and drops it once the clock has passed it, as Redis does', () => {
    const { state, db } = clock();
    db.set('k', 'v', { ttlMs: 100 });
    state.now += 100;
    expect(db.get('k')).toBe('v');
    expect(db.pttl('k')).toBe(0);
    state.now += 1;
    expect(db.get('k')).toBeNull();
  });

  it('sweep removes exactly the expired keys', () => {
    const { state, db } = clock();
    db.set('a', '1', { ttlMs: 10 });
    db.zadd('b', 1, 'x');
    db.pexpire('b', 20);
    db.set('c', '1', { ttlMs: 1000 });
    db.set('d', '1');
    state.now += 50;
    expect(db.sweep()).toBe(2);
    expect(db.exists('c')).toBe(true);
    expect(db.exists('d')).toBe(true);
  });

  it('lets an expired key be claimed again with set ifAbsent', () => {
    const { state, db } = clock();
    db.set('claim', 'a', { ttlMs: 10, ifAbsent: true });
    state.now += 11;
    expect(db.set('claim', 'b', { ttlMs: 10, ifAbsent: true })).toBe(true);
    expect(db.get('claim')).toBe('b');
  });

  it('refuses to grow a counter beyond exact JavaScript integers', () => {
    const { db } = clock();
    db.set('n', String(Number.MAX_SAFE_INTEGER));
    expect(() => db.incrBy('n', 1)).toThrow(/overflow/);
    expect(db.get('n')).toBe(String(Number.MAX_SAFE_INTEGER));
  });

  it('reads integers the way Redis does: no leading zeros, spaces or plus signs', () => {
    const { db } = clock();
    for (const text of ['007', ' 7', '+7', '7.0', '-0', '']) {
      db.set('n', text);
      expect(() => db.incrBy('n', 1), text).toThrow(/not an integer/);
    }
  });

  it('refuses variadic commands without arguments, as Redis would inside a script', () => {
    const { db } = clock();
    expect(() => db.del()).toThrow(/wrong number of arguments for 'del'/);
    expect(() => db.sadd('s')).toThrow(/wrong number of arguments for 'sadd'/);
  });
});
