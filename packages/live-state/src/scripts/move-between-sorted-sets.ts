// Moves a member from one sorted set to another in one step, e.g. a call from a queue's waiting
// set to its ringing set: two routers racing for the same call cannot both move it.

import type { AtomicScript } from '../live-state';
import { argAt, decodeFlag, keyAt, scoreArg } from './script-args';

const name = 'moveBetweenSortedSets';

/**
 * KEYS: [from, to]. ARGV: [member, score]. True if the member was in `from` and now is in `to`
 * with `score`; false (and nothing changes) if it was not in `from`. ZADD runs before ZREM so that
 * a bad score or a wrong-typed `to` fails before anything changed (Redis does not roll back a
 * script that fails halfway). With from = to it just sets the score.
 */
export const moveBetweenSortedSets: AtomicScript<boolean> = {
  name,
  lua: `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if KEYS[1] ~= KEYS[2] then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 1`,
  local(db, keys, args) {
    const from = keyAt(name, keys, 0);
    const to = keyAt(name, keys, 1);
    const member = argAt(name, args, 0);
    if (db.zscore(from, member) === null) return false;
    db.zadd(to, scoreArg(name, args, 1), member);
    if (from !== to) db.zrem(from, member);
    return true;
  },
  decode: decodeFlag,
};
