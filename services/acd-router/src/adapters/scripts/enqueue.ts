// A call joins a queue: its hash and its place in the waiting set appear together, and the
// queue's size limit is checked in the same step, so two joins racing for the last place cannot
// both get it.

import type { AtomicScript } from '@hotline/live-state';
import type { EnqueueOutcome } from '../../domain/ports';

/**
 * KEYS: [call, waiting(q)]. ARGV: [callId, score, fields as JSON, maxSize or ""].
 * A call hash that exists (waiting, reserved, connected, or the tombstone "ended") is left alone.
 */
export const enqueueScript: AtomicScript<EnqueueOutcome> = {
  name: 'acdEnqueue',
  lua: `
local state = redis.call('HGET', KEYS[1], 'state')
if state then return {'exists', state, redis.call('HGET', KEYS[1], 'q') or ''} end
if ARGV[4] ~= '' and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {'full'} end
local fields = cjson.decode(ARGV[3])
local args = {}
for f, value in pairs(fields) do
  args[#args + 1] = f
  args[#args + 1] = value
end
redis.call('HSET', KEYS[1], 'v', '1', unpack(args))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return {'ok', redis.call('ZRANK', KEYS[2], ARGV[1]) + 1}`,
  local(db, keys, args) {
    const [call, waiting] = keys as [string, string];
    const state = db.hget(call, 'state');
    if (state !== null) return { result: 'exists', state, queueId: db.hget(call, 'q') ?? '' };
    if (args[3] !== '' && db.zcard(waiting) >= Number(args[3])) return { result: 'full' };
    db.hset(call, { v: '1', ...(JSON.parse(args[2] as string) as Record<string, string>) });
    db.zadd(waiting, Number(args[1]), args[0] as string);
    return { result: 'ok', position: (db.zrank(waiting, args[0] as string) ?? 0) + 1 };
  },
  decode(reply) {
    const [result, a, b] = reply as (string | number)[];
    if (result === 'ok') return { result, position: Number(a) };
    if (result === 'full') return { result };
    return { result: 'exists', state: String(a), queueId: String(b) };
  },
};
