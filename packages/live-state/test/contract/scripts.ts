import { expect, it } from 'vitest';
import type { AtomicScript } from '../../src/live-state';
import {
  acquireLease,
  claimOnce,
  compareAndSet,
  moveBetweenSortedSets,
  releaseLease,
  renewLease,
} from '../../src/scripts';
import { type ContractContext, expectLiveStateError, waitFor } from './context';

/** Echoes how ARGV arrives, to show both adapters hand scripts the same strings. */
const describeArgs: AtomicScript<string> = {
  name: 'describeArgs',
  lua: `
local out = {}
for i, v in ipairs(ARGV) do out[i] = type(v) .. ':' .. v end
return table.concat(out, ',')`,
  local: (_db, _keys, args) => args.map((v) => `${typeof v}:${v}`).join(','),
  decode: (reply) => String(reply),
};

/** Touches its key as a string, to show how errors inside scripts surface. */
const readAsString: AtomicScript<string | null> = {
  name: 'readAsString',
  lua: `return redis.call('GET', KEYS[1])`,
  local: (db, keys) => db.get(keys[0] ?? ''),
  decode: (reply) => (typeof reply === 'string' ? reply : null),
};

export function scriptContract(ctx: ContractContext): void {
  it('hands script arguments over as strings, infinities spelled as Redis spells them', async () => {
    expect(await ctx.live().run(describeArgs, [], [42, 'x', 0.5, -Infinity, Infinity])).toBe(
      'string:42,string:x,string:0.5,string:-inf,string:+inf',
    );
  });

  it('surfaces a WRONGTYPE raised inside a script as WRONG_TYPE', async () => {
    await ctx.live().sadd('a-set', 'x');
    await expectLiveStateError(ctx.live().run(readAsString, ['a-set']), 'WRONG_TYPE', /WRONGTYPE/);
  });

  it('claimOnce: the first claim wins and later ones lose', async () => {
    expect(await ctx.live().run(claimOnce, ['claim'], [10_000, 'worker-a'])).toBe(true);
    expect(await ctx.live().run(claimOnce, ['claim'], [10_000, 'worker-b'])).toBe(false);
    expect(await ctx.live().get('claim')).toBe('worker-a');
    expect(await ctx.live().pttl('claim')).toBeGreaterThan(9000);
  });

  it('claimOnce: a claim can be taken again once it expired', async () => {
    expect(await ctx.live().run(claimOnce, ['claim'], [60])).toBe(true);
    await waitFor(async () => (await ctx.live().get('claim')) === null);
    expect(await ctx.live().run(claimOnce, ['claim'], [60])).toBe(true);
  });

  it('claimOnce: exactly one of 200 concurrent claims wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => ctx.live().run(claimOnce, ['claim'], [10_000, `worker-${i}`])),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ctx.live().get('claim')).toBe(`worker-${results.indexOf(true)}`);
  });

  it('compareAndSet: writes when the current value is the expected one', async () => {
    await ctx.live().set('agent:1:state', 'available');
    expect(await ctx.live().run(compareAndSet, ['agent:1:state'], ['available', 'reserved'])).toBe(true);
    expect(await ctx.live().get('agent:1:state')).toBe('reserved');
  });

  it('compareAndSet: leaves the key alone when the value differs or the key is missing', async () => {
    await ctx.live().set('agent:1:state', 'busy');
    expect(await ctx.live().run(compareAndSet, ['agent:1:state'], ['available', 'reserved'])).toBe(false);
    expect(await ctx.live().get('agent:1:state')).toBe('busy');
    expect(await ctx.live().run(compareAndSet, ['agent:2:state'], ['available', 'reserved'])).toBe(false);
    expect(await ctx.live().get('agent:2:state')).toBeNull();
  });

  it('compareAndSet: keeps the ttl unless given a new one', async () => {
    await ctx.live().set('k', 'a', { ttlMs: 60_000 });
    await ctx.live().run(compareAndSet, ['k'], ['a', 'b']);
    expect(await ctx.live().pttl('k')).toBeGreaterThan(50_000);
    await ctx.live().run(compareAndSet, ['k'], ['b', 'c', 5000]);
    expect(await ctx.live().pttl('k')).toBeLessThanOrEqual(5000);
    await ctx.live().set('forever', 'a');
    await ctx.live().run(compareAndSet, ['forever'], ['a', 'b']);
    expect(await ctx.live().pttl('forever')).toBe(-1);
  });

  it('compareAndSet: exactly one of many concurrent swaps from the same value wins', async () => {
    await ctx.live().set('agent:1:state', 'available');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ctx.live().run(compareAndSet, ['agent:1:state'], ['available', `reserved-by-${i}`]),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('acquireLease: a free lease goes to the caller, a held one does not', async () => {
    expect(await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 10_000])).toBe(true);
    expect(await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-b', 10_000])).toBe(false);
    expect(await ctx.live().get('lease:call-1')).toBe('instance-a');
  });

  it('acquireLease: the owner acquiring again restarts its ttl', async () => {
    await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 1000]);
    expect(await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 60_000])).toBe(true);
    expect(await ctx.live().pttl('lease:call-1')).toBeGreaterThan(50_000);
  });

  it('acquireLease: another owner takes over once the lease lapsed', async () => {
    await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 60]);
    await waitFor(async () => (await ctx.live().get('lease:call-1')) === null);
    expect(await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-b', 10_000])).toBe(true);
    expect(await ctx.live().get('lease:call-1')).toBe('instance-b');
  });

  it('acquireLease: exactly one of 100 concurrent owners gets the lease', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ctx.live().run(acquireLease, ['lease:call-1'], [`instance-${i}`, 10_000]),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ctx.live().get('lease:call-1')).toBe(`instance-${results.indexOf(true)}`);
  });

  it('renewLease: the owner extends its lease', async () => {
    await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 1000]);
    expect(await ctx.live().run(renewLease, ['lease:call-1'], ['instance-a', 60_000])).toBe(true);
    expect(await ctx.live().pttl('lease:call-1')).toBeGreaterThan(50_000);
  });

  it('renewLease: anyone else is refused and the ttl stays', async () => {
    await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 5000]);
    expect(await ctx.live().run(renewLease, ['lease:call-1'], ['instance-b', 60_000])).toBe(false);
    expect(await ctx.live().pttl('lease:call-1')).toBeLessThanOrEqual(5000);
  });

  it('renewLease: a lapsed lease cannot be renewed', async () => {
    expect(await ctx.live().run(renewLease, ['lease:call-1'], ['instance-a', 60_000])).toBe(false);
    expect(await ctx.live().get('lease:call-1')).toBeNull();
  });

  it('releaseLease: the owner frees the lease for others', async () => {
    await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 60_000]);
    expect(await ctx.live().run(releaseLease, ['lease:call-1'], ['instance-a'])).toBe(true);
    expect(await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-b', 60_000])).toBe(true);
  });

  it('releaseLease: anyone else cannot release it', async () => {
    await ctx.live().run(acquireLease, ['lease:call-1'], ['instance-a', 60_000]);
    expect(await ctx.live().run(releaseLease, ['lease:call-1'], ['instance-b'])).toBe(false);
    expect(await ctx.live().get('lease:call-1')).toBe('instance-a');
  });

  it('moveBetweenSortedSets: moves a present member with its new score', async () => {
    await ctx.live().zadd('waiting', 100, 'call-1');
    await ctx.live().zadd('waiting', 200, 'call-2');
    expect(await ctx.live().run(moveBetweenSortedSets, ['waiting', 'ringing'], ['call-1', 7])).toBe(true);
    expect(await ctx.live().zrange('waiting', 0, -1)).toEqual(['call-2']);
    expect(await ctx.live().zscore('ringing', 'call-1')).toBe(7);
  });

  it('moveBetweenSortedSets: changes nothing when the member is absent', async () => {
    await ctx.live().zadd('ringing', 1, 'call-9');
    expect(await ctx.live().run(moveBetweenSortedSets, ['waiting', 'ringing'], ['call-1', 7])).toBe(false);
    expect(await ctx.live().zrange('ringing', 0, -1)).toEqual(['call-9']);
  });

  it('moveBetweenSortedSets: within one set it only changes the score', async () => {
    await ctx.live().zadd('waiting', 100, 'call-1');
    expect(await ctx.live().run(moveBetweenSortedSets, ['waiting', 'waiting'], ['call-1', -Infinity])).toBe(
      true,
    );
    expect(await ctx.live().zscore('waiting', 'call-1')).toBe(-Infinity);
  });

  it('moveBetweenSortedSets: a wrong-typed target fails before the member leaves its set', async () => {
    await ctx.live().zadd('waiting', 100, 'call-1');
    await ctx.live().set('ringing', 'not a sorted set');
    await expectLiveStateError(
      ctx.live().run(moveBetweenSortedSets, ['waiting', 'ringing'], ['call-1', 7]),
      'WRONG_TYPE',
    );
    expect(await ctx.live().zscore('waiting', 'call-1')).toBe(100);
  });

  it('moveBetweenSortedSets: of 50 routers racing for one call exactly one moves it', async () => {
    await ctx.live().zadd('waiting', 100, 'call-1');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ctx.live().run(moveBetweenSortedSets, ['waiting', `ringing:${i}`], ['call-1', i]),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ctx.live().zcard(`ringing:${results.indexOf(true)}`)).toBe(1);
    expect(await ctx.live().zcard('waiting')).toBe(0);
  });
}
