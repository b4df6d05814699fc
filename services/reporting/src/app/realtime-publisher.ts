import type { Logger } from '@hotline/platform';
import type { LiveRealtime } from '../adapters/live-realtime';
import type { ReportingQueries } from './queries';

interface Pending {
  tenantId: string;
  kind: 'queue' | 'agent' | 'all-queues';
  id: string;
}

/**
 * Pushes changed queues and agents on `hotline:rt:<tenantId>`, coalesced: a queue or agent that
 * changes many times within `everyMs` is published once, with its figures at publish time.
 */
export class RealtimePublisher {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly rt: LiveRealtime,
    private readonly queries: ReportingQueries,
    private readonly log: Logger,
    private readonly everyMs = 250,
  ) {}

  queueChanged(tenantId: string, queueId: string): void {
    this.mark({ tenantId, kind: 'queue', id: queueId });
  }

  /** An agent's change also moves every queue's agents-by-state count. */
  agentChanged(tenantId: string, agentId: string): void {
    this.mark({ tenantId, kind: 'agent', id: agentId });
    this.mark({ tenantId, kind: 'all-queues', id: '' });
  }

  private mark(item: Pending): void {
    if (this.closed) return;
    this.pending.set(`${item.tenantId}|${item.kind}|${item.id}`, item);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.everyMs);
  }

  private async flush(): Promise<void> {
    const marked = [...this.pending.values()];
    this.pending.clear();
    // Every queue of a tenant at once: its agents, waiting calls and thresholds are read once.
    const allQueues = new Set(marked.filter((i) => i.kind === 'all-queues').map((i) => i.tenantId));
    for (const tenantId of allQueues) {
      try {
        for (const queue of await this.queries.realtimeQueues(tenantId))
          await this.rt.publish(tenantId, { kind: 'queue', queue });
      } catch (err) {
        this.log.warn({ err, kind: 'all-queues' }, 'real-time figures not published');
      }
    }
    for (const item of marked) {
      if (item.kind === 'all-queues' || (item.kind === 'queue' && allQueues.has(item.tenantId))) continue;
      try {
        if (item.kind === 'queue') {
          const queue = await this.queries.realtimeQueue(item.tenantId, item.id);
          await this.rt.publish(item.tenantId, { kind: 'queue', queue });
        } else {
          const agent = await this.queries.realtimeAgent(item.tenantId, item.id);
          if (agent) await this.rt.publish(item.tenantId, { kind: 'agent', agent });
        }
      } catch (err) {
        this.log.warn({ err, kind: item.kind }, 'real-time figures not published');
      }
    }
  }

  /** Publishes what is pending and stops. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
  }
}
