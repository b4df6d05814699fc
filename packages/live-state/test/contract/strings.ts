import { expect, it } from 'vitest';
import { type ContractContext, expectLiveStateError, waitFor } from './context';

export function stringContract(ctx: ContractContext): void {
  it('reads a missing key as null', async () => {
    expect(await ctx.live().get('nothing-here')).toBeNull();
  });

  it('stores and returns a string', async () => {
    expect(await ctx.live().set('greeting', 'hello')).toBe(true);
    expect(await ctx.live().get('greeting')).toBe('hello');
  });

  it('keeps the existing value when set ifAbsent finds the key taken', async () => {
    await ctx.live().set('owner', 'first');
    expect(await ctx.live().set('owner', 'second', { ifAbsent: true })).toBe(false);
    expect(await ctx.live().get('owner')).toBe('first');
  });

  it('writes a missing key with set ifAbsent', async () => {
    expect(await ctx.live().set('owner', 'first', { ifAbsent: true })).toBe(true);
    expect(await ctx.live().get('owner')).toBe('first');
  });

  it('replaces a key of another type on set, as Redis SET does', async () => {
    await ctx.live().hset('thing', { a: '1' });
    await ctx.live().set('thing', 'now a string');
    expect(await ctx.live().get('thing')).toBe('now a string');
  });

  it('expires a key after its ttl', async () => {
    await ctx.live().set('short-lived', 'x', { ttlMs: 80 });
    expect(await ctx.live().get('short-lived')).toBe('x');
    await waitFor(async () => (await ctx.live().get('short-lived')) === null);
    expect(await ctx.live().pttl('short-lived')).toBe(-2);
  });

  it('reports pttl as -2 for a missing key, -1 without ttl, remaining ms with one', async () => {
    await ctx.live().set('forever', 'x');
    await ctx.live().set('brief', 'x', { ttlMs: 5000 });
    expect(await ctx.live().pttl('missing')).toBe(-2);
    expect(await ctx.live().pttl('forever')).toBe(-1);
    const remaining = await ctx.live().pttl('brief');
    expect(remaining).toBeGreaterThan(4000);
    expect(remaining).toBeLessThanOrEqual(5000);
  });

  it('clears an earlier ttl when set again without one', async () => {
    await ctx.live().set('k', 'x', { ttlMs: 5000 });
    await ctx.live().set('k', 'y');
    expect(await ctx.live().pttl('k')).toBe(-1);
  });

  it('rejects a set ttl that is not positive', async () => {
    await expectLiveStateError(
      ctx.live().set('k', 'x', { ttlMs: 0 }),
      'INVALID_ARGUMENT',
      /invalid expire time/,
    );
  });

  it('rejects a set ttl that is not an integer', async () => {
    await expectLiveStateError(ctx.live().set('k', 'x', { ttlMs: 1.5 }), 'NOT_AN_INTEGER');
  });

  it('deletes keys of any type and counts only those that existed', async () => {
    await ctx.live().set('a', '1');
    await ctx.live().hset('b', { f: '1' });
    expect(await ctx.live().del('a', 'b', 'never-existed')).toBe(2);
    expect(await ctx.live().get('a')).toBeNull();
    expect(await ctx.live().hgetall('b')).toEqual({});
  });

  it('deletes nothing when given no keys', async () => {
    expect(await ctx.live().del()).toBe(0);
  });

  it('counts from zero when incrementing a missing key', async () => {
    expect(await ctx.live().incrBy('counter', 5)).toBe(5);
    expect(await ctx.live().incrBy('counter', -7)).toBe(-2);
    expect(await ctx.live().get('counter')).toBe('-2');
  });

  it('keeps the ttl when incrementing', async () => {
    await ctx.live().set('counter', '1', { ttlMs: 5000 });
    await ctx.live().incrBy('counter', 1);
    expect(await ctx.live().pttl('counter')).toBeGreaterThan(0);
  });

  it('refuses to increment a value that is not an integer', async () => {
    await ctx.live().set('counter', '1.5');
    await expectLiveStateError(ctx.live().incrBy('counter', 1), 'NOT_AN_INTEGER', /not an integer/);
    expect(await ctx.live().get('counter')).toBe('1.5');
  });

  it('refuses an increment that is not an integer', async () => {
    await expectLiveStateError(ctx.live().incrBy('counter', 0.5), 'NOT_AN_INTEGER');
  });

  it('refuses string commands on a key of another type with WRONGTYPE', async () => {
    await ctx.live().sadd('a-set', 'x');
    await expectLiveStateError(
      ctx.live().get('a-set'),
      'WRONG_TYPE',
      /^WRONGTYPE Operation against a key holding the wrong kind of value/,
    );
    await expectLiveStateError(ctx.live().incrBy('a-set', 1), 'WRONG_TYPE');
  });

  it('does not give a missing key a ttl', async () => {
    expect(await ctx.live().pexpire('missing', 1000)).toBe(false);
    expect(await ctx.live().pttl('missing')).toBe(-2);
  });

  it('expires a key after the ttl given by pexpire', async () => {
    await ctx.live().zadd('queue', 1, 'call-1');
    expect(await ctx.live().pexpire('queue', 80)).toBe(true);
    expect(await ctx.live().zcard('queue')).toBe(1);
    await waitFor(async () => (await ctx.live().zcard('queue')) === 0);
  });

  it('deletes a key at once when pexpire is given a ttl of zero or less', async () => {
    await ctx.live().set('k', 'x');
    expect(await ctx.live().pexpire('k', 0)).toBe(true);
    expect(await ctx.live().get('k')).toBeNull();
  });
}
