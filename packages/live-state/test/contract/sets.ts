import { expect, it } from 'vitest';
import { type ContractContext, expectLiveStateError } from './context';

export function setContract(ctx: ContractContext): void {
  it('counts only new members on sadd', async () => {
    expect(await ctx.live().sadd('skills', 'sales', 'billing')).toBe(2);
    expect(await ctx.live().sadd('skills', 'billing', 'german')).toBe(1);
    // Redis gives set members in no particular order.
    expect((await ctx.live().smembers('skills')).sort()).toEqual(['billing', 'german', 'sales']);
  });

  it('reads a missing set as empty', async () => {
    expect(await ctx.live().smembers('none')).toEqual([]);
    expect(await ctx.live().sismember('none', 'x')).toBe(false);
  });

  it('answers membership', async () => {
    await ctx.live().sadd('skills', 'sales');
    expect(await ctx.live().sismember('skills', 'sales')).toBe(true);
    expect(await ctx.live().sismember('skills', 'support')).toBe(false);
  });

  it('counts removed members on srem and drops the empty set', async () => {
    await ctx.live().sadd('skills', 'sales', 'billing');
    expect(await ctx.live().srem('skills', 'sales', 'nope')).toBe(1);
    expect(await ctx.live().srem('skills', 'billing')).toBe(1);
    expect(await ctx.live().pttl('skills')).toBe(-2);
  });

  it('changes nothing when sadd or srem get no members', async () => {
    expect(await ctx.live().sadd('skills')).toBe(0);
    expect(await ctx.live().srem('skills')).toBe(0);
  });

  it('refuses set commands on a key of another type with WRONGTYPE', async () => {
    await ctx.live().zadd('queue', 1, 'x');
    await expectLiveStateError(ctx.live().sadd('queue', 'y'), 'WRONG_TYPE', /^WRONGTYPE/);
    await expectLiveStateError(ctx.live().smembers('queue'), 'WRONG_TYPE');
  });
}
