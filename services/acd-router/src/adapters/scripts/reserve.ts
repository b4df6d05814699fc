// The reservation: the one step that decides which agent gets which call (F-ACD-4). Any number of
// router instances, at any site, may race for the same call or the same agent; Redis runs one
// script at a time, so exactly one wins and the others learn why they lost. It checks everything
// before it writes anything (Redis does not roll back a script that fails halfway).

import type { AtomicScript } from '@hotline/live-state';
import type { ReserveOutcome } from '../../domain/ports';

/**
 * KEYS: [call, agent, waiting(q), offered(q), stats(q), ready(q_1) .. ready(q_n)] where q_1..q_n are
 * the queues the agent serves.
 * ARGV: [callId, agentId, reservationId, now, queueId, agentQueues, channel, offeredState, n, channel(q_1) .. channel(q_n)]
 * `offeredState` is the state a ready agent is left in: "ringing" when the router rings at once
 * (it publishes ready→reserved→ringing), "reserved" for a flow where the agent accepts first.
 * `agentQueues` is the agent's queue list as the router read it ("q1=voice,q2=voice"): if the
 * agent's hash says otherwise, the router's ready keys are stale and nothing is written.
 */
export const reserveScript: AtomicScript<ReserveOutcome> = {
  name: 'acdReserve',
  lua: `
local call, agent, waiting, offered, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local callId, agentId, resv, now, queueId, queues, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local offeredState = ARGV[8]
local n = tonumber(ARGV[9])
local c = redis.call('HMGET', call, 'state', 'q', 'excl', 'qjoin')
if not c[1] or c[1] == 'ended' then return {'call-gone'} end
if c[1] ~= 'waiting' then return {'call-taken'} end
if c[2] ~= queueId then return {'call-moved'} end
if c[3] and string.find(c[3], ',' .. agentId .. ',', 1, true) then return {'excluded'} end
local a = redis.call('HMGET', agent, 'state', 'queues', 'cap:' .. channel, 'load:' .. channel)
if not a[1] or a[1] == 'logged-out' then return {'agent-gone'} end
if a[2] ~= queues then return {'stale-agent'} end
local busy = {reserved = true, ringing = true, ['on-call'] = true, ['on-hold'] = true}
local cap = tonumber(a[3] or '0')
local load = tonumber(a[4] or '0')
if load >= cap then return {'agent-busy'} end
if not (a[1] == 'ready' or (busy[a[1]] and cap > 1)) then return {'agent-busy'} end
local to = a[1]
if a[1] == 'ready' then
  to = offeredState
  redis.call('HSET', agent, 'state', offeredState, 'since', now)
  redis.call('HDEL', agent, 'reason')
end
redis.call('HSET', agent, 'i:' .. callId, channel)
redis.call('HINCRBY', agent, 'load:' .. channel, 1)
redis.call('HINCRBY', agent, 'v', 1)
redis.call('HSET', call, 'state', 'reserved', 'agent', agentId, 'resv', resv, 'resvAt', now)
redis.call('HINCRBY', call, 'v', 1)
redis.call('ZREM', waiting, callId)
redis.call('ZADD', offered, now, agentId)
local t = tonumber(now)
local gap = t - tonumber(c[4] or now)
local last = tonumber(redis.call('HGET', stats, 'last') or '')
if last and t - last < gap then gap = t - last end
local avg = tonumber(redis.call('HGET', stats, 'gap') or '')
if avg then gap = math.floor(avg * 0.8 + gap * 0.2 + 0.5) end
redis.call('HSET', stats, 'last', now, 'gap', gap)
for i = 1, n do
  local ch = ARGV[9 + i]
  local chCap = tonumber(redis.call('HGET', agent, 'cap:' .. ch) or '0')
  local chLoad = tonumber(redis.call('HGET', agent, 'load:' .. ch) or '0')
  if not (busy[to] and chCap > 1 and chLoad < chCap) then redis.call('ZREM', KEYS[5 + i], agentId) end
end
return {'ok', a[1], to}`,
  local(db, keys, args) {
    const [call, agent, waiting, offered, stats] = keys as [string, string, string, string, string];
    const [callId, agentId, resv, now, queueId, queues, channel] = args as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const offeredState = args[7] as string;
    const n = Number(args[8]);
    const state = db.hget(call, 'state');
    if (state === null || state === 'ended') return { result: 'call-gone' };
    if (state !== 'waiting') return { result: 'call-taken' };
    if (db.hget(call, 'q') !== queueId) return { result: 'call-moved' };
    if (db.hget(call, 'excl')?.includes(`,${agentId},`)) return { result: 'excluded' };
    const from = db.hget(agent, 'state');
    if (from === null || from === 'logged-out') return { result: 'agent-gone' };
    if (db.hget(agent, 'queues') !== queues) return { result: 'stale-agent' };
    const busy = new Set(['reserved', 'ringing', 'on-call', 'on-hold']);
    const cap = Number(db.hget(agent, `cap:${channel}`) ?? '0');
    const load = Number(db.hget(agent, `load:${channel}`) ?? '0');
    if (load >= cap) return { result: 'agent-busy' };
    if (!(from === 'ready' || (busy.has(from) && cap > 1))) return { result: 'agent-busy' };
    let to = from;
    if (from === 'ready') {
      to = offeredState;
      db.hset(agent, { state: offeredState, since: now });
      db.hdel(agent, 'reason');
    }
    db.hset(agent, { [`i:${callId}`]: channel });
    db.hincrBy(agent, `load:${channel}`, 1);
    db.hincrBy(agent, 'v', 1);
    db.hset(call, { state: 'reserved', agent: agentId, resv, resvAt: now });
    db.hincrBy(call, 'v', 1);
    db.zrem(waiting, callId);
    db.zadd(offered, Number(now), agentId);
    const t = Number(now);
    let gap = t - Number(db.hget(call, 'qjoin') ?? now);
    const lastText = db.hget(stats, 'last');
    if (lastText !== null && t - Number(lastText) < gap) gap = t - Number(lastText);
    const avgText = db.hget(stats, 'gap');
    if (avgText !== null) gap = Math.floor(Number(avgText) * 0.8 + gap * 0.2 + 0.5);
    db.hset(stats, { last: now, gap: String(gap) });
    for (let i = 0; i < n; i++) {
      const ch = args[9 + i] as string;
      const chCap = Number(db.hget(agent, `cap:${ch}`) ?? '0');
      const chLoad = Number(db.hget(agent, `load:${ch}`) ?? '0');
      if (!(busy.has(to) && chCap > 1 && chLoad < chCap)) db.zrem(keys[5 + i] as string, agentId);
    }
    return { result: 'ok', from, to };
  },
  decode(reply) {
    const [result, from, to] = reply as string[];
    if (result === 'ok') return { result, from: from as string, to: to as string };
    return { result } as ReserveOutcome;
  },
};
