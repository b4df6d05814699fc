// Read-only scripts: several reads in one round trip, which matters when each decision would
// otherwise wait on Redis once per agent or per queue.

import type { AtomicScript } from '@hotline/live-state';
import type { QueueCounts, ReadyWindow } from '../../domain/ports';

/** KEYS: hashes. Returns each hash's fields ({} for a missing hash), in KEYS order. */
export const readHashesScript: AtomicScript<Record<string, string>[]> = {
  name: 'acdReadHashes',
  lua: `
local out = {}
for i, k in ipairs(KEYS) do out[i] = redis.call('HGETALL', k) end
return out`,
  local: (db, keys) => keys.map((k) => db.hgetall(k)),
  decode(reply) {
    return (reply as string[][]).map((flat) => {
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
      return record;
    });
  },
};

/**
 * KEYS: [ready(q), offered(q), handled]. ARGV: [offset, count]. A window of the queue's ready
 * agents, longest idle first, each with what the orderings need.
 */
export const readyWindowScript: AtomicScript<ReadyWindow> = {
  name: 'acdReadyWindow',
  lua: `
local offset = tonumber(ARGV[1])
local members = redis.call('ZRANGE', KEYS[1], offset, offset + tonumber(ARGV[2]) - 1, 'WITHSCORES')
local out = {redis.call('ZCARD', KEYS[1])}
for i = 1, #members, 2 do
  local id = members[i]
  out[#out + 1] = id
  out[#out + 1] = members[i + 1]
  out[#out + 1] = redis.call('ZSCORE', KEYS[2], id) or '0'
  out[#out + 1] = redis.call('ZSCORE', KEYS[3], id) or '0'
end
return out`,
  local(db, keys, args) {
    const [ready, offered, handled] = keys as [string, string, string];
    const offset = Number(args[0]);
    const ids = db.zrange(ready, offset, offset + Number(args[1]) - 1);
    return {
      total: db.zcard(ready),
      agents: ids.map((agentId) => ({
        agentId,
        idleSince: db.zscore(ready, agentId) ?? 0,
        lastOffered: db.zscore(offered, agentId) ?? 0,
        handled: db.zscore(handled, agentId) ?? 0,
      })),
    };
  },
  decode(reply) {
    const flat = reply as (string | number)[];
    const agents: ReadyWindow['agents'] = [];
    for (let i = 1; i + 3 < flat.length; i += 4) {
      agents.push({
        agentId: String(flat[i]),
        idleSince: Number(flat[i + 1]),
        lastOffered: Number(flat[i + 2]),
        handled: Number(flat[i + 3]),
      });
    }
    return { total: Number(flat[0]), agents };
  },
};

/** A waiting call at the head of one of the queues asked; `queue` indexes the KEYS given. */
export interface IndexedHead {
  queue: number;
  callId: string;
  score: number;
}

/** KEYS: waiting(q) for several queues. ARGV: [count]. The first `count` calls of each. */
export const peekWaitingScript: AtomicScript<IndexedHead[]> = {
  name: 'acdPeekWaiting',
  lua: `
local out = {}
for q, k in ipairs(KEYS) do
  local members = redis.call('ZRANGE', k, 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
  for i = 1, #members, 2 do
    out[#out + 1] = q - 1
    out[#out + 1] = members[i]
    out[#out + 1] = members[i + 1]
  end
end
return out`,
  local(db, keys, args) {
    const out: IndexedHead[] = [];
    keys.forEach((k, queue) => {
      for (const callId of db.zrange(k, 0, Number(args[0]) - 1)) {
        out.push({ queue, callId, score: db.zscore(k, callId) ?? 0 });
      }
    });
    return out;
  },
  decode(reply) {
    const flat = reply as (string | number)[];
    const out: IndexedHead[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      out.push({ queue: Number(flat[i]), callId: String(flat[i + 1]), score: Number(flat[i + 2]) });
    }
    return out;
  },
};

/** KEYS: [waiting(q), members(q), ready(q), stats(q)]. ARGV: [callId or ""]. */
export const queueCountsScript: AtomicScript<QueueCounts> = {
  name: 'acdQueueCounts',
  lua: `
local rank = false
if ARGV[1] ~= '' then rank = redis.call('ZRANK', KEYS[1], ARGV[1]) end
local s = redis.call('HMGET', KEYS[4], 'last', 'gap')
return {redis.call('ZCARD', KEYS[1]), redis.call('SCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  rank and (rank + 1) or 0, s[1] or '', s[2] or ''}`,
  local(db, keys, args) {
    const [waiting, members, ready, stats] = keys as [string, string, string, string];
    const rank = args[0] ? db.zrank(waiting, args[0]) : null;
    const last = db.hget(stats, 'last');
    const gap = db.hget(stats, 'gap');
    return {
      waiting: db.zcard(waiting),
      agentsLoggedIn: db.smembers(members).length,
      agentsReady: db.zcard(ready),
      position: rank === null ? 0 : rank + 1,
      ...(last !== null ? { lastServedAt: Number(last) } : {}),
      ...(gap !== null ? { serviceGapMs: Number(gap) } : {}),
    };
  },
  decode(reply) {
    const [waiting, loggedIn, ready, position, last, gap] = reply as (number | string)[];
    return {
      waiting: Number(waiting),
      agentsLoggedIn: Number(loggedIn),
      agentsReady: Number(ready),
      position: Number(position),
      ...(last !== '' && last !== undefined ? { lastServedAt: Number(last) } : {}),
      ...(gap !== '' && gap !== undefined ? { serviceGapMs: Number(gap) } : {}),
    };
  },
};
