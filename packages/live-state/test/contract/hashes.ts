import { expect, it } from 'vitest';
import { type ContractContext, expectLiveStateError } from './context';

export function hashContract(ctx: ContractContext): void {
  it('reads missing hashes and fields as empty', async () => {
    await ctx.live().hset('agent:1', { state: 'available' });
    expect(await ctx.live().hget('agent:1', 'skills')).toBeNull();
    expect(await ctx.live().hget('agent:2', 'state')).toBeNull();
    expect(await ctx.live().hgetall('agent:2')).toEqual({});
  });

  it('counts only new fields on hset and overwrites existing ones', async () => {
    expect(await ctx.live().hset('agent:1', { state: 'available', name: 'Ada' })).toBe(2);
    expect(await ctx.live().hset('agent:1', { state: 'busy', call: 'c-1' })).toBe(1);
    expect(await ctx.live().hgetall('agent:1')).toEqual({ state: 'busy', name: 'Ada', call: 'c-1' });
  });

  it('writes nothing when hset gets no fields', async () => {
    expect(await ctx.live().hset('agent:1', {})).toBe(0);
    expect(await ctx.live().pttl('agent:1')).toBe(-2);
  });

  it('counts removed fields on hdel', async () => {
    await ctx.live().hset('agent:1', { state: 'busy', call: 'c-1' });
    expect(await ctx.live().hdel('agent:1', 'call', 'nope')).toBe(1);
    expect(await ctx.live().hgetall('agent:1')).toEqual({ state: 'busy' });
  });

  it('removes the key with its last field', async () => {
    await ctx.live().hset('agent:1', { state: 'busy' });
    await ctx.live().pexpire('agent:1', 60_000);
    await ctx.live().hdel('agent:1', 'state');
    expect(await ctx.live().pttl('agent:1')).toBe(-2);
  });

  it('keeps the ttl when fields change', async () => {
    await ctx.live().hset('agent:1', { state: 'busy' });
    await ctx.live().pexpire('agent:1', 60_000);
    await ctx.live().hset('agent:1', { state: 'wrap-up' });
    expect(await ctx.live().pttl('agent:1')).toBeGreaterThan(0);
  });

  it('increments a hash field from zero', async () => {
    expect(await ctx.live().hincrBy('stats', 'answered', 2)).toBe(2);
    expect(await ctx.live().hincrBy('stats', 'answered', 3)).toBe(5);
    expect(await ctx.live().hget('stats', 'answered')).toBe('5');
  });

  it('refuses to increment a hash field that is not an integer', async () => {
    await ctx.live().hset('stats', { average: '2.5' });
    await expectLiveStateError(
      ctx.live().hincrBy('stats', 'average', 1),
      'NOT_AN_INTEGER',
      /hash value is not an integer/,
    );
  });

  it('refuses hash commands on a key of another type with WRONGTYPE', async () => {
    await ctx.live().set('plain', 'x');
    await expectLiveStateError(ctx.live().hget('plain', 'f'), 'WRONG_TYPE', /^WRONGTYPE/);
    await expectLiveStateError(ctx.live().hset('plain', { f: '1' }), 'WRONG_TYPE');
    await expectLiveStateError(ctx.live().hgetall('plain'), 'WRONG_TYPE');
  });
}
