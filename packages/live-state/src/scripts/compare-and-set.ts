// Optimistic update of a single value: write only if nobody changed it since we read it (e.g. an
// agent state moves "available" -> "reserved" only if it is still "available").

import type { AtomicScript } from '../live-state';
import { argAt, decodeFlag, keyAt, msArg } from './script-args';

const name = 'compareAndSet';

/**
 * KEYS: [key]. ARGV: [expected, next, ttlMs?]. Sets `next` only when the key currently holds
 * `expected` (a missing key never matches). With ttlMs the key gets that TTL; without, it keeps
 * the TTL it had (SET ... KEEPTTL). Returns whether it wrote.
 */
export const compareAndSet: AtomicScript<boolean> = {
  name,
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
return 1`,
  local(db, keys, args) {
    const key = keyAt(name, keys, 0);
    if (db.get(key) !== argAt(name, args, 0)) return false;
    const next = argAt(name, args, 1);
    if (args[2] !== undefined) {
      db.set(key, next, { ttlMs: msArg(name, args, 2) });
    } else {
      const remaining = db.pttl(key);
      db.set(key, next, remaining >= 0 ? { ttlMs: Math.max(remaining, 1) } : {});
    }
    return true;
  },
  decode: decodeFlag,
};
