import type { Subscription } from './event-bus';
import type { TopicPartition } from './group-assignment';
import { partitionKey, type InProcessGroup, type InProcessGroupMember } from './in-process-group';
import { PartitionWorker, type PartitionWorkerContext } from './partition-worker';

export type WorkerFactory = (tp: TopicPartition) => Omit<PartitionWorkerContext, 'tp'>;

/** One member of an in-process consumer group: a worker per partition it is assigned. */
export class InProcessSubscription implements Subscription, InProcessGroupMember {
  private readonly workers = new Map<string, PartitionWorker>();
  /** Workers of revoked partitions still finishing their in-flight record. */
  private readonly draining = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly id: number,
    readonly topics: readonly string[],
    private readonly groupState: InProcessGroup,
    private readonly workerContext: WorkerFactory,
    private readonly onClosed: (subscription: InProcessSubscription) => void,
  ) {}

  get group(): string {
    return this.groupState.id;
  }

  assign(partitions: TopicPartition[]): void {
    const wanted = new Set(partitions.map(partitionKey));
    for (const [key, worker] of this.workers) {
      if (wanted.has(key)) continue;
      this.workers.delete(key);
      const done = worker.stop();
      this.draining.add(done);
      void done.finally(() => this.draining.delete(done));
    }
    for (const tp of partitions) {
      const key = partitionKey(tp);
      if (!this.workers.has(key))
        this.workers.set(key, new PartitionWorker({ ...this.workerContext(tp), tp }));
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.groupState.leave(this);
      await Promise.all([...this.draining]);
      this.onClosed(this);
    })();
    return this.closing;
  }
}
