// Agent profiles and queue lists, cached per router instance. Candidate filtering reads them for
// every ready agent it looks at, so fetching each from live state would cost a round trip per
// agent; the cache is allowed to be a little stale because the reserve script re-checks the queue
// list and the agent's state, and a profile change (config.changed) evicts the entry.

import type { AgentRecord, QueueChannel } from '../domain/records';
import type { AcdStore } from '../domain/ports';
import type { AgentProfile } from '../domain/types';

export interface CachedAgent {
  profile: AgentProfile;
  queues: QueueChannel[];
}

export class AgentCache {
  private readonly entries = new Map<string, { agent: CachedAgent; at: number }>();

  constructor(
    private readonly store: AcdStore,
    private readonly now: () => number,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 200_000,
  ) {}

  remember(tenantId: string, record: Pick<AgentRecord, 'agentId' | 'profile' | 'queues'>): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(`${tenantId}|${record.agentId}`, {
      agent: { profile: record.profile, queues: record.queues },
      at: this.now(),
    });
  }

  forget(tenantId: string, agentId: string): void {
    this.entries.delete(`${tenantId}|${agentId}`);
  }

  /** Profiles of these agents, reading the ones not cached (or too old) in one round trip. */
  async get(tenantId: string, agentIds: string[]): Promise<Map<string, CachedAgent>> {
    const out = new Map<string, CachedAgent>();
    const missing: string[] = [];
    const now = this.now();
    for (const agentId of agentIds) {
      const entry = this.entries.get(`${tenantId}|${agentId}`);
      if (entry && now - entry.at < this.ttlMs) out.set(agentId, entry.agent);
      else missing.push(agentId);
    }
    if (missing.length > 0) {
      const records = await this.store.readAgents(tenantId, missing);
      for (const record of records) {
        if (!record) continue;
        this.remember(tenantId, record);
        out.set(record.agentId, { profile: record.profile, queues: record.queues });
      }
    }
    return out;
  }
}
