// A lease: one owner (an instance's token) holds a key for a while and must renew it to keep it.
// When an instance dies its leases lapse, and another instance may acquire them and take over its
// calls. Only the owner can renew or release, so a slow former owner cannot undo a takeover.

import type { AtomicScript } from '../live-state';
import { argAt, decodeFlag, keyAt, msArg } from './script-args';

/**
 * KEYS: [leaseKey]. ARGV: [owner, ttlMs]. True if the caller now holds the lease: it was free, or
 * the caller already held it (then its TTL restarts, so acquiring again is harmless).
 */
export const acquireLease: AtomicScript<boolean> = {
  name: 'acquireLease',
  lua: `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`,
  local(db, keys, args) {
    const key = keyAt('acquireLease', keys, 0);
    const owner = argAt('acquireLease', args, 0);
    const ttlMs = msArg('acquireLease', args, 1);
    if (db.set(key, owner, { ttlMs, ifAbsent: true })) return true;
    if (db.get(key) !== owner) return false;
    db.pexpire(key, ttlMs);
    return true;
  },
  decode: decodeFlag,
};

/** KEYS: [leaseKey]. ARGV: [owner, ttlMs]. Restarts the TTL; false if the caller is not the owner. */
export const renewLease: AtomicScript<boolean> = {
  name: 'renewLease',
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  local(db, keys, args) {
    const key = keyAt('renewLease', keys, 0);
    if (db.get(key) !== argAt('renewLease', args, 0)) return false;
    db.pexpire(key, msArg('renewLease', args, 1));
    return true;
  },
  decode: decodeFlag,
};

/** KEYS: [leaseKey]. ARGV: [owner]. Frees the lease; false if the caller is not the owner. */
export const releaseLease: AtomicScript<boolean> = {
  name: 'releaseLease',
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  local(db, keys, args) {
    const key = keyAt('releaseLease', keys, 0);
    if (db.get(key) !== argAt('releaseLease', args, 0)) return false;
    db.del(key);
    return true;
  },
  decode: decodeFlag,
};
