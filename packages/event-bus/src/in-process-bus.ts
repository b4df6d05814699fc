import { EventBusError } from './bus-error';
import { silentLog, type BusLog } from './bus-log';
import { deliveryPolicy, type BackoffOptions } from './delivery-policy';
import type { BusRecord, EventBus, SubscribeOptions, Subscription } from './event-bus';
import { eventTypeFilter } from './event-type-filter';
import { InProcessGroup } from './in-process-group';
import { InProcessSubscription } from './in-process-subscription';
import { partitionForKey } from './murmur2';
import { PartitionLog } from './partition-log';
import { withTraceHeaders } from './trace-context';

export interface InProcessBusOptions {
  /** Partitions of a topic created without a count (by ensureTopics, publish or subscribe). Default 4. */
  partitions?: number;
  /** Records kept per partition; older ones are dropped, so a long-running `hotline up` stays bounded. Default 10 000. */
  retention?: number;
  /**
   * Of the records every group reading a partition has committed, how many of the newest it keeps
   * (for a group that joins later from the beginning). Default 64.
   */
  keepConsumed?: number;
  /** Waits between attempts of a failing handler. */
  backoff?: BackoffOptions;
  /** How long close() lets an in-flight record finish before leaving it uncommitted. Default 10 s. */
  drainTimeoutMs?: number;
  log?: BusLog;
}

/**
 * The event bus of the all-in-one shape: Kafka's model (partitioned logs, consumer groups,
 * committed offsets) kept in memory. Nothing survives the process; everything else behaves as
 * the Kafka adapter does, which the shared contract suite checks.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): EventBus {
  return new InProcessBus(options);
}

class InProcessBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, InProcessGroup>();
  /** The groups that have subscribed to each topic. */
  private readonly readers = new Map<string, Set<InProcessGroup>>();
  private readonly subscriptions = new Set<InProcessSubscription>();
  private nextMemberId = 1;
  private closed = false;
  private readonly partitions: number;
  private readonly retention: number;
  private readonly keepConsumed: number;
  private readonly log: BusLog;

  constructor(private readonly options: InProcessBusOptions) {
    this.partitions = positiveInteger('partitions', options.partitions ?? 4);
    this.retention = positiveInteger('retention', options.retention ?? 10_000);
    this.keepConsumed = Math.min(this.retention, positiveInteger('keepConsumed', options.keepConsumed ?? 64));
    this.log = options.log ?? silentLog;
  }

  async ensureTopics(topics: { name: string; partitions?: number }[]): Promise<void> {
    this.assertOpen();
    for (const { name, partitions } of topics) this.topic(name, partitions);
  }

  async publish(records: BusRecord[]): Promise<void> {
    this.assertOpen();
    for (const record of records) this.append(record);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (!options.group) throw new EventBusError('invalid_argument', 'a subscription needs a consumer group');
    if (options.topics.length === 0)
      throw new EventBusError('invalid_argument', 'a subscription needs at least one topic');
    const policy = deliveryPolicy(options, this.options.backoff);
    const accepts = eventTypeFilter(options.types);
    const logs = new Map(options.topics.map((name) => [name, this.topic(name)]));
    const group = this.group(options.group);
    for (const topic of options.topics) {
      let readers = this.readers.get(topic);
      if (!readers) this.readers.set(topic, (readers = new Set()));
      readers.add(group);
    }
    // "latest" means the end of the log as of now: fix it as the group's position at once, so
    // records published after subscribe() resolved are never skipped whoever gets the partition.
    if (!options.fromBeginning) {
      for (const [topic, partitions] of logs) {
        partitions.forEach((log, partition) => {
          if (group.committedOffset({ topic, partition }) === undefined)
            group.commit({ topic, partition }, log.endOffset);
        });
      }
    }
    const subscription = new InProcessSubscription(
      this.nextMemberId++,
      [...options.topics],
      group,
      ({ topic, partition }) => ({
        log: this.partitionLog(topic, partition),
        group,
        policy,
        handler: options.handler,
        fromBeginning: options.fromBeginning ?? false,
        background: options.background ?? false,
        accepts,
        drainTimeoutMs: this.options.drainTimeoutMs ?? 10_000,
        publishDeadLetter: (record) => this.append(record),
        busLog: this.log,
      }),
      (closed) => this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    group.join(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  private append(record: BusRecord): void {
    const partitions = this.topic(record.topic);
    const partition = partitionForKey(record.key, partitions.length);
    const value =
      typeof record.value === 'string' ? Buffer.from(record.value, 'utf8') : Buffer.from(record.value);
    this.partitionLog(record.topic, partition).append({
      key: record.key,
      value,
      headers: withTraceHeaders(record.headers),
      ...(record.event ? { event: record.event } : {}),
    });
  }

  /** A topic's partitions, created on first use as Kafka's auto-creation would. */
  private topic(name: string, partitions?: number): PartitionLog[] {
    if (!name) throw new EventBusError('invalid_argument', 'a topic needs a name');
    let logs = this.topics.get(name);
    if (!logs) {
      const count = positiveInteger('partitions', partitions ?? this.partitions);
      logs = Array.from(
        { length: count },
        (_, partition) =>
          new PartitionLog({
            retention: this.retention,
            keepConsumed: this.keepConsumed,
            consumedUpTo: () => this.consumedUpTo(name, partition),
          }),
      );
      this.topics.set(name, logs);
    }
    return logs;
  }

  /** The lowest offset the active groups reading a partition have committed (undefined: none reads). */
  private consumedUpTo(topic: string, partition: number): number | undefined {
    let lowest: number | undefined;
    for (const group of this.readers.get(topic) ?? []) {
      if (!group.active) continue;
      // An active group that has not committed here yet reads from its start: nothing is done.
      const committed = group.committedOffset({ topic, partition }) ?? 0;
      if (lowest === undefined || committed < lowest) lowest = committed;
    }
    return lowest;
  }

  private partitionLog(topic: string, partition: number): PartitionLog {
    const log = this.topic(topic)[partition];
    if (!log) throw new EventBusError('invalid_argument', `topic ${topic} has no partition ${partition}`);
    return log;
  }

  private group(id: string): InProcessGroup {
    let group = this.groups.get(id);
    if (!group) {
      group = new InProcessGroup(id, (topic) => this.topic(topic).length);
      this.groups.set(id, group);
    }
    return group;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventBusError('closed', 'the event bus is closed');
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new EventBusError('invalid_argument', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
