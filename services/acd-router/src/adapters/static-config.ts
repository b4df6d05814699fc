// Configuration held in memory: tests, the benchmark, and the provisioning-backed source's cache.

import type { ConfigSource } from '../domain/ports';
import type { AgentProfile, QueueConfig } from '../domain/types';

export class StaticConfig implements ConfigSource {
  private readonly queues = new Map<string, QueueConfig>();
  private readonly agents = new Map<string, AgentProfile>();
  private readonly reasons = new Map<string, readonly string[]>();

  setQueue(queue: QueueConfig): this {
    this.queues.set(`${queue.tenantId}|${queue.queueId}`, queue);
    return this;
  }
  setAgent(agent: AgentProfile): this {
    this.agents.set(`${agent.tenantId}|${agent.agentId}`, agent);
    return this;
  }
  setReasonCodes(tenantId: string, codes: readonly string[]): this {
    this.reasons.set(tenantId, codes);
    return this;
  }

  async queue(tenantId: string, queueId: string): Promise<QueueConfig | undefined> {
    return this.queues.get(`${tenantId}|${queueId}`);
  }
  async agent(tenantId: string, agentId: string): Promise<AgentProfile | undefined> {
    return this.agents.get(`${tenantId}|${agentId}`);
  }
  async reasonCodes(tenantId: string): Promise<readonly string[]> {
    return this.reasons.get(tenantId) ?? [];
  }
}
