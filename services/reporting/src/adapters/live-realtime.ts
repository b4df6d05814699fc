import { realtimeChannel } from '@hotline/contracts';
import type { LiveState } from '@hotline/live-state';
import { utcDay } from '../domain/event-order';
import { intervalFacts, type IntervalFact } from '../domain/interval-facts';
import type { AgentDay, CallDetailRecord } from '../domain/types';

// Real-time figures in live state. Nothing here is incremented: each call writes its own entry
// (its facts for one queue and day, its place in a waiting list) and each agent its latest day,
// all recomputed from the stored events, so a replay or a duplicate writes the same values again.

const dayTtlMs = 2 * 86_400_000;

export { realtimeChannel };

const k = {
  queues: (t: string) => `rpt:${t}:queues`,
  queueDay: (t: string, day: string, q: string) => `rpt:${t}:qday:${day}:${q}`,
  waiting: (t: string) => `rpt:${t}:waiting`,
  agents: (t: string) => `rpt:${t}:agents`,
  agent: (t: string, a: string) => `rpt:${t}:agent:${a}`,
};

export interface QueueDayEntry {
  facts: IntervalFact[];
  lastEventAt: string;
}

export interface WaitingEntry {
  queueId: string;
  joinedAt: string;
  ani: string | null;
}

export class LiveRealtime {
  constructor(private readonly live: LiveState) {}

  /** Writes what one call contributes to its queues' days and whether it is waiting now. */
  async applyCdr(cdr: CallDetailRecord): Promise<void> {
    const t = cdr.tenantId;
    if (cdr.queueIds.length > 0) await this.live.sadd(k.queues(t), ...cdr.queueIds);
    const groups = new Map<string, QueueDayEntry>();
    for (const fact of intervalFacts(cdr)) {
      if (!fact.queueId) continue;
      const key = k.queueDay(t, utcDay(fact.at), fact.queueId);
      const group = groups.get(key) ?? { facts: [], lastEventAt: cdr.lastEventAt };
      group.facts.push(fact);
      groups.set(key, group);
    }
    for (const [key, entry] of groups) {
      await this.live.hset(key, { [cdr.callId]: JSON.stringify(entry) });
      await this.live.pexpire(key, dayTtlMs);
    }
    const last = cdr.queues.at(-1);
    if (cdr.status === 'active' && last?.outcome === 'waiting') {
      const entry: WaitingEntry = { queueId: last.queueId, joinedAt: last.joinedAt, ani: cdr.ani };
      await this.live.hset(k.waiting(t), { [cdr.callId]: JSON.stringify(entry) });
    } else {
      await this.live.hdel(k.waiting(t), cdr.callId);
    }
  }

  /** Keeps an agent's latest day: an older day arriving late does not replace a newer one. */
  async applyAgentDay(day: AgentDay): Promise<void> {
    const key = k.agent(day.tenantId, day.agentId);
    const stored = await this.live.get(key);
    if (stored && (JSON.parse(stored) as AgentDay).day > day.day) return;
    await this.live.set(key, JSON.stringify(day));
    await this.live.sadd(k.agents(day.tenantId), day.agentId);
  }

  queueIds(tenantId: string): Promise<string[]> {
    return this.live.smembers(k.queues(tenantId));
  }

  async queueDay(tenantId: string, day: string, queueId: string): Promise<QueueDayEntry[]> {
    const all = await this.live.hgetall(k.queueDay(tenantId, day, queueId));
    return Object.keys(all)
      .sort()
      .map((callId) => JSON.parse(all[callId] as string) as QueueDayEntry);
  }

  async waiting(tenantId: string): Promise<Map<string, WaitingEntry>> {
    const all = await this.live.hgetall(k.waiting(tenantId));
    return new Map(Object.entries(all).map(([callId, v]) => [callId, JSON.parse(v) as WaitingEntry]));
  }

  async agentDays(tenantId: string): Promise<AgentDay[]> {
    const ids = (await this.live.smembers(k.agents(tenantId))).sort();
    const out: AgentDay[] = [];
    for (const id of ids) {
      const raw = await this.live.get(k.agent(tenantId, id));
      if (raw) out.push(JSON.parse(raw) as AgentDay);
    }
    return out;
  }

  async agentDay(tenantId: string, agentId: string): Promise<AgentDay | null> {
    const raw = await this.live.get(k.agent(tenantId, agentId));
    return raw ? (JSON.parse(raw) as AgentDay) : null;
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
    for (const q of queues) for (const day of days) keys.push(k.queueDay(tenantId, day, q));
    for (const a of await this.live.smembers(k.agents(tenantId))) keys.push(k.agent(tenantId, a));
    await this.live.del(...keys);
  }
}
