import type { Consumer, EachBatchPayload } from 'kafkajs';
import { EventBusError } from './bus-error';
import type { BusLog } from './bus-log';
import { deadLetterRecord } from './dead-letter';
import { AbortWatch } from './abort-watch';
import { deliverRecord } from './deliver-record';
import type { DeliveryPolicy } from './delivery-policy';
import { eventTypeFilter, type RecordFilter } from './event-type-filter';
import type { BusRecord, SubscribeOptions, Subscription } from './event-bus';
import { nextOffset, toDeliveredRecord } from './kafka-records';

export interface KafkaSubscriptionSettings {
  heartbeatIntervalMs: number;
  /** Longest one record may keep the member alive by heartbeats (Java's max.poll.interval.ms). */
  maxHandlingMs: number;
  partitionsConsumedConcurrently: number;
  drainTimeoutMs: number;
  joinTimeoutMs: number;
}

export interface KafkaSubscriptionDeps {
  consumer: Consumer;
  options: SubscribeOptions;
  policy: DeliveryPolicy;
  settings: KafkaSubscriptionSettings;
  publish: (records: BusRecord[]) => Promise<void>;
  log: BusLog;
  onClosed: (subscription: KafkaSubscription) => void;
}

/**
 * One member of a Kafka consumer group. Records are handled one at a time per partition and the
 * group's offset is committed after each one, so a crash redelivers at most the record in flight
 * (per partition consumed concurrently).
 */
export class KafkaSubscription implements Subscription {
  readonly group: string;
  private readonly stopping = new AbortController();
  private readonly abandon = new AbortController();
  private readonly abandonWatch = new AbortWatch(this.abandon.signal);
  private heartbeatError: unknown;
  private closing: Promise<void> | undefined;
  private readonly accepts: RecordFilter | undefined;

  constructor(private readonly deps: KafkaSubscriptionDeps) {
    this.group = deps.options.group;
    this.accepts = eventTypeFilter(deps.options.types);
  }

  /** Joins the group; resolves once this member holds its partitions and has fetched from them. */
  async start(): Promise<void> {
    const { consumer, options, settings, log } = this.deps;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log('error', 'kafka consumer crashed', {
        group: this.group,
        restart: payload.restart,
        err: payload.error,
      });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
      const ready = this.readiness();
      await consumer.run({
        autoCommit: false,
        // Records after an early return (stop, stale batch) must be fetched again, not skipped.
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      await ready;
    } catch (err) {
      await this.close().catch(() => {});
      if (err instanceof EventBusError) throw err;
      throw new EventBusError('unavailable', `could not join consumer group ${this.group}`, { cause: err });
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort();
      const drain = setTimeout(() => this.abandon.abort(), this.deps.settings.drainTimeoutMs);
      try {
        await this.deps.consumer.disconnect();
      } finally {
        clearTimeout(drain);
        this.deps.onClosed(this);
      }
    })();
    return this.closing;
  }

  // A "latest" member fixes its positions (ListOffsets) just before its first fetch after
  // joining; waiting for that fetch means records published after subscribe() resolved are
  // never skipped. A member that got no partitions has nothing to wait for.
  private readiness(): Promise<void> {
    const { consumer, settings } = this.deps;
    return new Promise<void>((resolve, reject) => {
      let assigned = false;
      const done = (err?: unknown) => {
        clearTimeout(timer);
        for (const remove of listeners) remove();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () =>
          done(
            new EventBusError(
              'join_timeout',
              `no partitions from group ${this.group} after ${settings.joinTimeoutMs} ms`,
            ),
          ),
        settings.joinTimeoutMs,
      );
      const listeners = [
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          assigned = Object.values(payload.memberAssignment).some((partitions) => partitions.length > 0);
          if (!assigned) done();
        }),
        consumer.on(consumer.events.FETCH, () => {
          if (assigned) done();
        }),
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart) done(payload.error);
        }),
      ];
    });
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload) {
    const { options, policy, log } = this.deps;
    const { topic, partition } = batch;
    const commit = (offset: string) =>
      // Committed explicitly through the batch payload: kafkajs' consumer.commitOffsets() is a
      // silent no-op once stop() began, which would lose the commit of the record being drained.
      commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: nextOffset(offset) }] }],
      });
    // The last record passed over (a type the group does not handle) and not committed yet: its
    // commit rides on the next handled record's, or comes at the end of the batch. A crash in
    // between only hands the passed-over records out again, to be passed over again.
    let passedOver: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.stopping.signal.aborted) return;
      const record = toDeliveredRecord(topic, partition, message);
      if (this.accepts && !this.accepts(record.headers)) {
        resolveOffset(message.offset);
        passedOver = message.offset;
        continue;
      }
      passedOver = undefined;
      const outcome = await this.whileHeartbeating(heartbeat, () =>
        deliverRecord(record, options.handler, policy, {
          stopping: this.stopping.signal,
          abandon: this.abandonWatch,
        }),
      );
      if (outcome.kind === 'abandoned') return;
      if (outcome.kind === 'failed') {
        await this.deps.publish([
          deadLetterRecord(record, this.group, outcome.error, policy.deadLetterTopic),
        ]);
        log('warn', 'record dead-lettered', {
          group: this.group,
          topic,
          partition,
          offset: record.offset,
          attempts: outcome.attempts,
        });
      }
      resolveOffset(message.offset);
      await commit(message.offset);
      this.raiseHeartbeatError();
      await heartbeat();
    }
    if (passedOver !== undefined) await commit(passedOver);
  }

  // kafkajs heartbeats only between records; a handler slower than the session timeout would get
  // the member evicted mid-record. Heartbeat meanwhile, and remember a rebalance it reports; but
  // not forever: a handler stuck past maxHandlingMs lets the session lapse so the group moves on.
  private async whileHeartbeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const { heartbeatIntervalMs, maxHandlingMs } = this.deps.settings;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > maxHandlingMs) {
        clearInterval(timer);
        this.deps.log(
          'warn',
          'record handling exceeded its time; leaving the group to reassign the partition',
          {
            group: this.group,
            maxHandlingMs,
          },
        );
        return;
      }
      heartbeat().catch((err: unknown) => {
        this.heartbeatError ??= err;
      });
    }, heartbeatIntervalMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Leaves the batch so kafkajs rejoins the group now instead of after the whole batch. */
  private raiseHeartbeatError(): void {
    const err = this.heartbeatError;
    this.heartbeatError = undefined;
    if (err) throw err;
  }
}
