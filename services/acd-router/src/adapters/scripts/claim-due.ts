// Timers shared by every router instance: one sorted set of "<kind>|<tenant>|<id>" by due time.
// Claiming moves a due item a lease into the future instead of removing it, so an instance that
// dies while handling it does not lose it: the item comes due again after the lease and another
// instance handles it (handlers are idempotent). A handler that finished removes or re-arms it.

import type { AtomicScript } from '@hotline/live-state';

/** KEYS: [due]. ARGV: [now, leaseMs, limit]. Returns the claimed items. */
export const claimDueScript: AtomicScript<string[]> = {
  name: 'acdClaimDue',
  lua: `
local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_ = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, item in ipairs(items) do redis.call('ZADD', KEYS[1], until_, item) end
return items`,
  local(db, keys, args) {
    const due = keys[0] as string;
    const items = db.zrangeByScore(due, -Infinity, Number(args[0]), { offset: 0, count: Number(args[2]) });
    for (const item of items) db.zadd(due, Number(args[0]) + Number(args[1]), item);
    return items;
  },
  decode: (reply) => (reply as string[]).map(String),
};

/**
 * KEYS: [due]. ARGV: [item, at, mode]: mode "min" keeps the earlier of the existing and the new
 * time (several reasons to look at a call again), "set" replaces it.
 */
export const scheduleScript: AtomicScript<boolean> = {
  name: 'acdSchedule',
  lua: `
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if ARGV[3] == 'min' and current and tonumber(current) <= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1`,
  local(db, keys, args) {
    const due = keys[0] as string;
    const current = db.zscore(due, args[0] as string);
    if (args[2] === 'min' && current !== null && current <= Number(args[1])) return false;
    db.zadd(due, Number(args[1]), args[0] as string);
    return true;
  },
  decode: (reply) => reply === 1,
};

/** KEYS: [due]. ARGV: [item, score]. Removes the item only if nobody re-armed it since (its score is still ours). */
export const unscheduleIfScript: AtomicScript<boolean> = {
  name: 'acdUnscheduleIf',
  lua: `
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not current or tonumber(current) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1`,
  local(db, keys, args) {
    const due = keys[0] as string;
    if (db.zscore(due, args[0] as string) !== Number(args[1])) return false;
    db.zrem(due, args[0] as string);
    return true;
  },
  decode: (reply) => reply === 1,
};
