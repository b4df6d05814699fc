// Configuration read from the provisioned documents (packages/provisioning collections), cached
// per instance: routing reads a queue's rules for every decision and cannot afford a database
// round trip each time. config.changed evicts an entry at once; the TTL bounds staleness when an
// event is missed.

import type { DocumentStore, StoredDoc } from '@hotline/document-store';
import { type Agent, Collections, type Queue } from '@hotline/provisioning';
import type { ConfigSource } from '../domain/ports';
import type { AgentProfile, QueueConfig } from '../domain/types';
import { agentProfileOf, queueConfigOf } from './provisioning-mapping';

export interface ProvisioningConfigOptions {
  ttlMs?: number;
  now?: () => number;
  onInvalid?: (resource: string, id: string, error: unknown) => void;
}

export class ProvisioningConfig implements ConfigSource {
  private readonly queues = new Map<string, { value: QueueConfig | undefined; at: number }>();
  private readonly agents = new Map<string, { value: AgentProfile | undefined; at: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: ProvisioningConfigOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** config.changed: forget what was cached for this resource. */
  invalidate(tenantId: string, resource: string, id: string): void {
    if (resource === 'queues' || resource === 'queue') this.queues.delete(`${tenantId}|${id}`);
    if (resource === 'agents' || resource === 'agent') this.agents.delete(`${tenantId}|${id}`);
  }

  queue(tenantId: string, queueId: string): Promise<QueueConfig | undefined> {
    return this.cached(this.queues, tenantId, queueId, async () => {
      const doc = await this.store.collection<Queue & StoredDoc>(Collections.queues).get(queueId);
      return doc && doc.tenantId === tenantId
        ? this.map('queues', queueId, () => queueConfigOf(doc))
        : undefined;
    });
  }

  agent(tenantId: string, agentId: string): Promise<AgentProfile | undefined> {
    return this.cached(this.agents, tenantId, agentId, async () => {
      const doc = await this.store.collection<Agent & StoredDoc>(Collections.agents).get(agentId);
      return doc && doc.tenantId === tenantId
        ? this.map('agents', agentId, () => agentProfileOf(doc))
        : undefined;
    });
  }

  async reasonCodes(_tenantId: string): Promise<readonly string[]> {
    // Provisioning has no not-ready reason codes yet: any code is accepted until it does.
    return [];
  }

  private map<T>(resource: string, id: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.options.onInvalid?.(resource, id, error);
      return undefined;
    }
  }

  private async cached<T>(
    cache: Map<string, { value: T | undefined; at: number }>,
    tenantId: string,
    id: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const key = `${tenantId}|${id}`;
    const hit = cache.get(key);
    const now = this.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await load();
    cache.set(key, { value, at: now });
    return value;
  }
}
