import { realtimeChannel } from '@hotline/contracts';
import type { AtomicScript, LiveState, LocalDb } from '@hotline/live-state';
import { utcDay } from '../domain/event-order';
import { intervalFacts, type IntervalFact } from '../domain/interval-facts';
import { contributionOf, encodeContribution } from '../domain/queue-tally';
import type { AgentDay, AgentDaySummary, CallDetailRecord } from '../domain/types';

// Real-time figures in live state. Each call writes its own entries (what it contributes to one
// queue and day, its place in a waiting list) and each agent its latest day, all recomputed from
// the stored events, so a replay or a duplicate writes the same values again. A queue-day's sums
// move only by the difference between a call's previous and new contribution, in one atomic
// script (two instances may fold the same call), so they always equal the sum of the entries.

const dayTtlMs = 2 * 86_400_000;

export { realtimeChannel };

const k = {
  queues: (t: string) => `rpt:${t}:queues`,
  /** callId -> that call's contribution (encodeContribution) to the queue-day. */
  queueCalls: (t: string, day: string, q: string) => `rpt:${t}:qcalls:${day}:${q}`,
  /** The queue-day's sums of its calls' contributions, plus the latest event time behind them. */
  queueSums: (t: string, day: string, q: string) => `rpt:${t}:qsums:${day}:${q}`,
  waiting: (t: string) => `rpt:${t}:waiting`,
  agents: (t: string) => `rpt:${t}:agents`,
  agent: (t: string, a: string) => `rpt:${t}:agent:${a}`,
};

interface QueueDayGroup {
  facts: IntervalFact[];
  lastEventAt: string;
}

/** `field=n` pairs of an encoded contribution. */
function* pairs(encoded: string | null): Generator<[string, number]> {
  if (!encoded) return;
  for (const pair of encoded.split(',')) {
    const at = pair.lastIndexOf('=');
    yield [pair.slice(0, at), Number(pair.slice(at + 1))];
  }
}

const applyContributionName = 'reportingApplyContribution';

/**
 * KEYS: [queueCalls, queueSums]. ARGV: [callId, contribution, lastEventAtMs, lastEventAt, ttlMs].
 * Replaces the call's contribution and moves the sums by the difference; raises the sums'
 * `updatedAtMs`/`updatedAt` to the call's latest event. Returns whether the sums changed.
 */
export const applyContribution: AtomicScript<boolean> = {
  name: applyContributionName,
  lua: `
local cur = redis.call('HGET', KEYS[2], 'updatedAtMs')
if not cur or tonumber(ARGV[3]) > tonumber(cur) then
  redis.call('HSET', KEYS[2], 'updatedAtMs', ARGV[3], 'updatedAt', ARGV[4])
end
local old = redis.call('HGET', KEYS[1], ARGV[1])
local changed = 0
if old ~= ARGV[2] then
  if old then
    for f, n in string.gmatch(old, '([^,]+)=(%d+)') do redis.call('HINCRBY', KEYS[2], f, -tonumber(n)) end
  end
  for f, n in string.gmatch(ARGV[2], '([^,]+)=(%d+)') do redis.call('HINCRBY', KEYS[2], f, tonumber(n)) end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  changed = 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return changed`,
  local(db: LocalDb, keys: string[], args: string[]) {
    const [calls, sums] = keys as [string, string];
    const [callId, next, atMs, at, ttl] = args as [string, string, string, string, string];
    const cur = db.hget(sums, 'updatedAtMs');
    if (cur === null || Number(atMs) > Number(cur)) db.hset(sums, { updatedAtMs: atMs, updatedAt: at });
    const old = db.hget(calls, callId);
    let changed = false;
    if (old !== next) {
      for (const [f, n] of pairs(old)) db.hincrBy(sums, f, -n);
      for (const [f, n] of pairs(next)) db.hincrBy(sums, f, n);
      db.hset(calls, { [callId]: next });
      changed = true;
    }
    db.pexpire(calls, Number(ttl));
    db.pexpire(sums, Number(ttl));
    return changed;
  },
  decode: (reply) => reply === 1,
};

export interface WaitingEntry {
  queueId: string;
  joinedAt: string;
  ani: string | null;
}

export class LiveRealtime {
  /** The agent entries this instance wrote last (a cache: a mismatch reads the entry). */
  private readonly agentEntries = new Map<string, { raw: string; day: string }>();

  constructor(private readonly live: LiveState) {}

  /** Writes what one call contributes to its queues' days and whether it is waiting now. */
  async applyCdr(cdr: CallDetailRecord): Promise<void> {
    const t = cdr.tenantId;
    if (cdr.queueIds.length > 0) await this.live.sadd(k.queues(t), ...cdr.queueIds);
    const groups = new Map<string, QueueDayGroup & { day: string; queueId: string }>();
    for (const fact of intervalFacts(cdr)) {
      if (!fact.queueId) continue;
      const day = utcDay(fact.at);
      const key = `${day}|${fact.queueId}`;
      const group = groups.get(key) ?? {
        facts: [],
        lastEventAt: cdr.lastEventAt,
        day,
        queueId: fact.queueId,
      };
      group.facts.push(fact);
      groups.set(key, group);
    }
    const atMs = String(Date.parse(cdr.lastEventAt));
    for (const g of groups.values())
      await this.live.run(
        applyContribution,
        [k.queueCalls(t, g.day, g.queueId), k.queueSums(t, g.day, g.queueId)],
        [cdr.callId, encodeContribution(contributionOf(g.facts)), atMs, g.lastEventAt, dayTtlMs],
      );
    const last = cdr.queues.at(-1);
    if (cdr.status === 'active' && last?.outcome === 'waiting') {
      const entry: WaitingEntry = { queueId: last.queueId, joinedAt: last.joinedAt, ani: cdr.ani };
      await this.live.hset(k.waiting(t), { [cdr.callId]: JSON.stringify(entry) });
    } else {
      await this.live.hdel(k.waiting(t), cdr.callId);
    }
  }

  /**
   * Keeps the summary of an agent's latest day (its segments stay in the store: real-time
   * figures need only the closed segments' sums and the current state): an older day arriving
   * late does not replace a newer one.
   */
  async applyAgentDay(day: AgentDaySummary): Promise<void> {
    const key = k.agent(day.tenantId, day.agentId);
    const stored = await this.live.get(key);
    // The entry is usually the one this instance wrote last: its day is known without parsing.
    const mine = this.agentEntries.get(key);
    const storedDay =
      stored === null ? null : mine?.raw === stored ? mine.day : (JSON.parse(stored) as AgentDaySummary).day;
    if (storedDay !== null && storedDay > day.day) return;
    const raw = JSON.stringify(day);
    await this.live.set(key, raw);
    if (this.agentEntries.size >= 10_000) this.agentEntries.clear();
    this.agentEntries.set(key, { raw, day: day.day });
    await this.live.sadd(k.agents(day.tenantId), day.agentId);
  }

  queueIds(tenantId: string): Promise<string[]> {
    return this.live.smembers(k.queues(tenantId));
  }

  /** A queue-day's running sums (queue-tally.ts reads them): a few fields, however many calls. */
  queueSums(tenantId: string, day: string, queueId: string): Promise<Record<string, string>> {
    return this.live.hgetall(k.queueSums(tenantId, day, queueId));
  }

  /** The sums added up again from every call's contribution (tests check the running sums). */
  async queueSumsScanned(tenantId: string, day: string, queueId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const encoded of Object.values(await this.live.hgetall(k.queueCalls(tenantId, day, queueId))))
      for (const [f, n] of pairs(encoded)) out[f] = (out[f] ?? 0) + n;
    return out;
  }

  async waiting(tenantId: string): Promise<Map<string, WaitingEntry>> {
    const all = await this.live.hgetall(k.waiting(tenantId));
    return new Map(Object.entries(all).map(([callId, v]) => [callId, JSON.parse(v) as WaitingEntry]));
  }

  /** Each agent's latest day: a summary (an entry written before summaries: the whole day). */
  async agentDays(tenantId: string): Promise<(AgentDaySummary | AgentDay)[]> {
    const ids = (await this.live.smembers(k.agents(tenantId))).sort();
    const out: (AgentDaySummary | AgentDay)[] = [];
    for (const id of ids) {
      const raw = await this.live.get(k.agent(tenantId, id));
      if (raw) out.push(JSON.parse(raw) as AgentDaySummary | AgentDay);
    }
    return out;
  }

  async agentDay(tenantId: string, agentId: string): Promise<AgentDaySummary | AgentDay | null> {
    const raw = await this.live.get(k.agent(tenantId, agentId));
    return raw ? (JSON.parse(raw) as AgentDaySummary | AgentDay) : null;
  }

  publish(tenantId: string, message: unknown): Promise<number> {
    return this.live.publish(realtimeChannel(tenantId), JSON.stringify(message));
  }

  /** Forgets a tenant's real-time state (tests; a rebuild from the topics). */
  async wipe(tenantId: string): Promise<void> {
    const queues = await this.queueIds(tenantId);
    const days = new Set<string>();
    const today = Date.now();
    for (let d = -3; d <= 1; d++) days.add(utcDay(today + d * 86_400_000));
    const keys = [k.queues(tenantId), k.waiting(tenantId), k.agents(tenantId)];
    for (const q of queues)
      for (const day of days) keys.push(k.queueCalls(tenantId, day, q), k.queueSums(tenantId, day, q));
    for (const a of await this.live.smembers(k.agents(tenantId))) keys.push(k.agent(tenantId, a));
    await this.live.del(...keys);
  }
}
