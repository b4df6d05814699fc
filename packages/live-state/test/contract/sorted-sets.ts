import { expect, it } from 'vitest';
import { type ContractContext, expectLiveStateError } from './context';

export function sortedSetContract(ctx: ContractContext): void {
  const fill = async (key: string, entries: [number, string][]) => {
    for (const [score, member] of entries) await ctx.live().zadd(key, score, member);
  };

  it('returns 1 for a new member and 0 when only the score changes', async () => {
    expect(await ctx.live().zadd('queue', 5, 'call-1')).toBe(1);
    expect(await ctx.live().zadd('queue', 3, 'call-1')).toBe(0);
    expect(await ctx.live().zscore('queue', 'call-1')).toBe(3);
    expect(await ctx.live().zcard('queue')).toBe(1);
  });

  it('orders by score, then by member bytes when scores tie', async () => {
    await fill('queue', [
      [1, 'b'],
      [2, 'z'],
      [1, 'a'],
      [0, 'y'],
      [1, 'B'],
      [1, '10'],
      [1, '9'],
    ]);
    expect(await ctx.live().zrange('queue', 0, -1)).toEqual(['y', '10', '9', 'B', 'a', 'b', 'z']);
  });

  it('orders members beyond the basic plane by their UTF-8 bytes', async () => {
    // U+FF21 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes), though its UTF-16 unit is larger.
    await fill('queue', [
      [1, '\u{1F600}'],
      [1, '\uFF21'],
    ]);
    expect(await ctx.live().zrange('queue', 0, -1)).toEqual(['\uFF21', '\u{1F600}']);
  });

  it('keeps fractional and infinite scores exactly', async () => {
    await fill('queue', [
      [0.1, 'a'],
      [Infinity, 'last'],
      [-Infinity, 'first'],
      [-2.5, 'b'],
    ]);
    expect(await ctx.live().zscore('queue', 'a')).toBe(0.1);
    expect(await ctx.live().zscore('queue', 'b')).toBe(-2.5);
    expect(await ctx.live().zscore('queue', 'last')).toBe(Infinity);
    expect(await ctx.live().zscore('queue', 'first')).toBe(-Infinity);
  });

  it('reads missing members and sorted sets as empty', async () => {
    await fill('queue', [[1, 'a']]);
    expect(await ctx.live().zscore('queue', 'nope')).toBeNull();
    expect(await ctx.live().zrank('queue', 'nope')).toBeNull();
    expect(await ctx.live().zscore('none', 'a')).toBeNull();
    expect(await ctx.live().zcard('none')).toBe(0);
    expect(await ctx.live().zrange('none', 0, -1)).toEqual([]);
    expect(await ctx.live().zrangeByScore('none', -Infinity, Infinity)).toEqual([]);
  });

  it('ranks members from zero in ascending order', async () => {
    await fill('queue', [
      [30, 'c'],
      [10, 'a'],
      [20, 'b'],
    ]);
    expect(await ctx.live().zrank('queue', 'a')).toBe(0);
    expect(await ctx.live().zrank('queue', 'c')).toBe(2);
  });

  it('counts negative zrange indexes from the end and clamps the rest', async () => {
    await fill('queue', [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    expect(await ctx.live().zrange('queue', -2, -1)).toEqual(['c', 'd']);
    expect(await ctx.live().zrange('queue', 1, 1)).toEqual(['b']);
    expect(await ctx.live().zrange('queue', -100, 1)).toEqual(['a', 'b']);
    expect(await ctx.live().zrange('queue', 2, 100)).toEqual(['c', 'd']);
    expect(await ctx.live().zrange('queue', 3, 1)).toEqual([]);
    expect(await ctx.live().zrange('queue', 4, 10)).toEqual([]);
    expect(await ctx.live().zrange('queue', 0, -5)).toEqual([]);
  });

  it('refuses zrange indexes that are not integers', async () => {
    await fill('queue', [[1, 'a']]);
    await expectLiveStateError(ctx.live().zrange('queue', 0.5, 1), 'NOT_AN_INTEGER');
  });

  it('selects scores between inclusive bounds', async () => {
    await fill('queue', [
      [1, 'a'],
      [2, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
    expect(await ctx.live().zrangeByScore('queue', 2, 3)).toEqual(['b', 'c', 'd']);
    expect(await ctx.live().zrangeByScore('queue', 1.5, 2.5)).toEqual(['b', 'c']);
    expect(await ctx.live().zrangeByScore('queue', 3, 1)).toEqual([]);
  });

  it('accepts infinite bounds', async () => {
    await fill('queue', [
      [-1e9, 'a'],
      [Infinity, 'b'],
      [5, 'c'],
    ]);
    expect(await ctx.live().zrangeByScore('queue', -Infinity, Infinity)).toEqual(['a', 'c', 'b']);
    expect(await ctx.live().zrangeByScore('queue', -Infinity, 5)).toEqual(['a', 'c']);
    expect(await ctx.live().zrangeByScore('queue', 0, Infinity)).toEqual(['c', 'b']);
  });

  it('pages through a score range with limit', async () => {
    await fill('queue', [
      [1, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
      [9, 'e'],
    ]);
    expect(await ctx.live().zrangeByScore('queue', 1, 3, { offset: 1, count: 2 })).toEqual(['b', 'c']);
    expect(await ctx.live().zrangeByScore('queue', 1, 3, { offset: 3, count: 10 })).toEqual(['d']);
    expect(await ctx.live().zrangeByScore('queue', -Infinity, Infinity, { offset: 0, count: 1 })).toEqual([
      'a',
    ]);
    expect(await ctx.live().zrangeByScore('queue', -Infinity, Infinity, { offset: 2, count: -1 })).toEqual([
      'c',
      'd',
      'e',
    ]);
    expect(await ctx.live().zrangeByScore('queue', 1, 3, { offset: 0, count: 0 })).toEqual([]);
    expect(await ctx.live().zrangeByScore('queue', 1, 3, { offset: 9, count: 1 })).toEqual([]);
  });

  it('counts removed members on zrem and drops the empty sorted set', async () => {
    await fill('queue', [
      [1, 'a'],
      [2, 'b'],
    ]);
    await ctx.live().pexpire('queue', 60_000);
    expect(await ctx.live().zrem('queue', 'a', 'nope')).toBe(1);
    expect(await ctx.live().zrange('queue', 0, -1)).toEqual(['b']);
    expect(await ctx.live().zrem('queue', 'b')).toBe(1);
    expect(await ctx.live().pttl('queue')).toBe(-2);
    expect(await ctx.live().zrem('queue')).toBe(0);
  });

  it('refuses a NaN score', async () => {
    await expectLiveStateError(ctx.live().zadd('queue', NaN, 'a'), 'INVALID_ARGUMENT');
  });

  it('refuses sorted-set commands on a key of another type with WRONGTYPE', async () => {
    await ctx.live().hset('agent', { state: 'busy' });
    await expectLiveStateError(ctx.live().zadd('agent', 1, 'x'), 'WRONG_TYPE', /^WRONGTYPE/);
    await expectLiveStateError(ctx.live().zrangeByScore('agent', 0, 1), 'WRONG_TYPE');
    await expectLiveStateError(ctx.live().zrank('agent', 'x'), 'WRONG_TYPE');
  });
}
