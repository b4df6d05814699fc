import { Kafka, logLevel, Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { EventBusError } from './bus-error';
import { silentLog, type BusLog, type BusLogLevel } from './bus-log';
import { deliveryPolicy, type BackoffOptions } from './delivery-policy';
import type { BusRecord, EventBus, SubscribeOptions, Subscription } from './event-bus';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-logging';
import { toKafkaMessage } from './kafka-records';
import { KafkaSubscription, type KafkaSubscriptionSettings } from './kafka-subscription';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  log?: BusLog;
  /** kafkajs' own lines below this level are dropped. Default 'warn'. */
  logLevel?: BusLogLevel;
  /** Default 3 s. */
  connectionTimeoutMs?: number;
  /** Default 30 s. */
  requestTimeoutMs?: number;
  /** A member silent this long is evicted from its group. Default 30 s; the broker bounds it (group.min/max.session.timeout.ms). */
  sessionTimeoutMs?: number;
  /** How long a rebalance waits for members to rejoin. Default 60 s. */
  rebalanceTimeoutMs?: number;
  /** Default 3 s; keep it well under a third of the session timeout. */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits on the broker for new records. Default 500 ms. */
  maxWaitTimeMs?: number;
  /**
   * Longest one record's handler may run while the member keeps its partitions; past it the
   * member stops heartbeating and the group hands its partitions to others. Default 5 min.
   */
  maxHandlingMs?: number;
  /** Partitions a member handles at once. Default 1. */
  partitionsConsumedConcurrently?: number;
  /** How long close() lets an in-flight record finish before leaving it uncommitted. Default 10 s. */
  drainTimeoutMs?: number;
  /** How long subscribe() waits to get into its group. Default 60 s. */
  joinTimeoutMs?: number;
  /** Waits between attempts of a failing handler. */
  backoff?: BackoffOptions;
  /** Partitions of a topic ensureTopics creates without a count. Default 3. */
  defaultPartitions?: number;
  /** Replicas of a topic ensureTopics creates. Default: the broker's default.replication.factor. */
  replicationFactor?: number;
}

/** The Kafka adapter of the event bus; resolves once the producer is connected. */
export async function createKafkaBus(options: KafkaBusOptions): Promise<EventBus> {
  const bus = new KafkaBus(options);
  await bus.connect();
  return bus;
}

class KafkaBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly log: BusLog;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closed = false;

  constructor(private readonly options: KafkaBusOptions) {
    this.log = options.log ?? silentLog;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      logLevel: options.log ? kafkaLogLevel(options.logLevel ?? 'warn') : logLevel.NOTHING,
      logCreator: kafkaLogCreator(this.log),
    });
    this.producer = this.kafka.producer({
      // Idempotence: a retried send is not written twice (the broker dedupes by sequence
      // number). One request in flight keeps retries from reordering records of a partition.
      idempotent: true,
      maxInFlightRequests: 1,
      // Passed explicitly: the murmur2 partitioner of the Java client (and of the in-process bus).
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
      await this.admin.connect();
    } catch (err) {
      await this.close().catch(() => {});
      throw new EventBusError('unavailable', `cannot reach Kafka at ${this.options.brokers.join(',')}`, {
        cause: err,
      });
    }
  }

  async ensureTopics(topics: { name: string; partitions?: number }[]): Promise<void> {
    this.assertOpen();
    try {
      // Create only the missing ones: kafkajs skips waiting for leaders of new topics when the
      // same request also named existing ones.
      const existing = new Set(await this.admin.listTopics());
      const missing = new Map(topics.filter((t) => !existing.has(t.name)).map((t) => [t.name, t]));
      if (missing.size === 0) return;
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: [...missing.values()].map((t) => ({
          topic: t.name,
          numPartitions: t.partitions ?? this.options.defaultPartitions ?? 3,
          // -1 asks the broker for its default.replication.factor.
          replicationFactor: this.options.replicationFactor ?? -1,
        })),
      });
    } catch (err) {
      throw new EventBusError(
        'unavailable',
        `could not create topics ${topics.map((t) => t.name).join(',')}`,
        { cause: err },
      );
    }
  }

  async publish(records: BusRecord[]): Promise<void> {
    this.assertOpen();
    await this.send(records);
  }

  // Also used for dead letters, which a draining subscription may still send while close() runs.
  private async send(records: BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      if (!record.topic) throw new EventBusError('invalid_argument', 'a record needs a topic');
      const messages = byTopic.get(record.topic) ?? [];
      messages.push(toKafkaMessage(record));
      byTopic.set(record.topic, messages);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      throw new EventBusError('unavailable', 'Kafka did not accept the records', { cause: err });
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (!options.group) throw new EventBusError('invalid_argument', 'a subscription needs a consumer group');
    if (options.topics.length === 0)
      throw new EventBusError('invalid_argument', 'a subscription needs at least one topic');
    const o = this.options;
    const settings: KafkaSubscriptionSettings = {
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? 3_000,
      maxHandlingMs: o.maxHandlingMs ?? 300_000,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
      drainTimeoutMs: o.drainTimeoutMs ?? 10_000,
      joinTimeoutMs: o.joinTimeoutMs ?? 60_000,
    };
    const consumer = this.kafka.consumer({
      groupId: options.group,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: o.maxWaitTimeMs ?? 500,
    });
    const subscription = new KafkaSubscription({
      consumer,
      options,
      policy: deliveryPolicy(options, o.backoff),
      settings,
      publish: (records) => this.send(records),
      log: this.log,
      onClosed: (closed) => this.subscriptions.delete(closed),
    });
    this.subscriptions.add(subscription);
    await subscription.start();
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private assertOpen(): void {
    if (this.closed) throw new EventBusError('closed', 'the event bus is closed');
  }
}
