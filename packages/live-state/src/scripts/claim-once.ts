// The first caller to claim a key wins until the claim expires: the basis of idempotent consumers
// (claim "consumer group + event id" before acting; a redelivered event finds the claim taken).

import type { AtomicScript } from '../live-state';
import { decodeFlag, keyAt, msArg } from './script-args';

const name = 'claimOnce';

/** KEYS: [claimKey]. ARGV: [ttlMs, holder = "1"]. True for the one caller that got the claim. */
export const claimOnce: AtomicScript<boolean> = {
  name,
  lua: `
if redis.call('SET', KEYS[1], ARGV[2] or '1', 'NX', 'PX', ARGV[1]) then return 1 end
return 0`,
  local(db, keys, args) {
    return db.set(keyAt(name, keys, 0), args[1] ?? '1', { ttlMs: msArg(name, args, 0), ifAbsent: true });
  },
  decode: decodeFlag,
};
