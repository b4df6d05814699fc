// Optimistic commit of a change the domain computed from what it read: every hash whose version
// field "v" was read must still be at that version, then all writes happen in one step. Agent
// commands, ring outcomes, answers and hang-ups all go through here, so the rules stay in the
// TypeScript state machine and the script only guarantees that nobody changed anything in between.

import type { AtomicScript } from '@hotline/live-state';

/** Key positions are 1-based indexes into KEYS, as Lua sees them. */
export interface CommitPlan {
  /** [key, expected "v"]; "" means the hash must not exist. */
  check: [number, string][];
  del: number[];
  hset: [number, Record<string, string>][];
  hdel: [number, string[]][];
  /** HINCRBY v 1 on these hashes. */
  bump: number[];
  /** Removals run before additions, so a member removed and added again stays. */
  zadd: [number, string, string][];
  zrem: [number, string][];
  sadd: [number, string][];
  srem: [number, string][];
  /** PEXPIRE (a tombstone that outlives redelivered events for a while). */
  expire: [number, string][];
}

export const emptyPlan = (): CommitPlan => ({
  check: [],
  del: [],
  hset: [],
  hdel: [],
  bump: [],
  zadd: [],
  zrem: [],
  sadd: [],
  srem: [],
  expire: [],
});

/** KEYS: every key the plan names. ARGV: [plan as JSON]. True if written, false on a version conflict. */
export const commitScript: AtomicScript<boolean> = {
  name: 'acdCommit',
  lua: `
local plan = cjson.decode(ARGV[1])
for _, c in ipairs(plan.check) do
  local v = redis.call('HGET', KEYS[c[1]], 'v')
  if c[2] == '' then
    if v then return 0 end
  elseif v ~= c[2] then
    return 0
  end
end
for _, k in ipairs(plan.del) do redis.call('DEL', KEYS[k]) end
for _, h in ipairs(plan.hset) do
  local args = {}
  for f, value in pairs(h[2]) do
    args[#args + 1] = f
    args[#args + 1] = value
  end
  if #args > 0 then redis.call('HSET', KEYS[h[1]], unpack(args)) end
end
for _, h in ipairs(plan.hdel) do
  if #h[2] > 0 then redis.call('HDEL', KEYS[h[1]], unpack(h[2])) end
end
for _, k in ipairs(plan.bump) do redis.call('HINCRBY', KEYS[k], 'v', 1) end
for _, z in ipairs(plan.zrem) do redis.call('ZREM', KEYS[z[1]], z[2]) end
for _, z in ipairs(plan.zadd) do redis.call('ZADD', KEYS[z[1]], z[2], z[3]) end
for _, s in ipairs(plan.srem) do redis.call('SREM', KEYS[s[1]], s[2]) end
for _, s in ipairs(plan.sadd) do redis.call('SADD', KEYS[s[1]], s[2]) end
for _, e in ipairs(plan.expire) do redis.call('PEXPIRE', KEYS[e[1]], e[2]) end
return 1`,
  local(db, keys, args) {
    const plan = JSON.parse(args[0] as string) as CommitPlan;
    const key = (i: number) => keys[i - 1] as string;
    for (const [k, expected] of plan.check) {
      const v = db.hget(key(k), 'v');
      if (expected === '' ? v !== null : v !== expected) return false;
    }
    for (const k of plan.del) db.del(key(k));
    for (const [k, fields] of plan.hset) if (Object.keys(fields).length > 0) db.hset(key(k), fields);
    for (const [k, fields] of plan.hdel) if (fields.length > 0) db.hdel(key(k), ...fields);
    for (const k of plan.bump) db.hincrBy(key(k), 'v', 1);
    for (const [k, member] of plan.zrem) db.zrem(key(k), member);
    for (const [k, score, member] of plan.zadd) db.zadd(key(k), Number(score), member);
    for (const [k, member] of plan.srem) db.srem(key(k), member);
    for (const [k, member] of plan.sadd) db.sadd(key(k), member);
    for (const [k, ms] of plan.expire) db.pexpire(key(k), Number(ms));
    return true;
  },
  decode: (reply) => reply === 1,
};
