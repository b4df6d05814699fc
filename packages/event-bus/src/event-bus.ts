// The event-bus port. Two adapters implement it: Kafka (kafkajs) for `hotline serve`, and an
// in-process bus for `hotline up`. Both pass test/event-bus-contract.ts.
//
// Semantics both adapters keep:
// - at-least-once: a record is delivered again after a crash until its group committed past it;
// - ordered per key: records with the same key land on one partition and reach one member of a
//   group in publish order;
// - consumer groups: every group sees every record; within a group each partition has one member;
// - a handler that throws is retried (bounded), then the record goes to the dead-letter topic and
//   the consumer moves on.

import type { SharedEventSource } from './shared-event';
import type { HotlineEvent } from '@hotline/contracts';

export interface BusRecord {
  topic: string;
  /** Partition key; records with equal keys keep their order. */
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
  /**
   * The validated event `value` serializes (publishEvents sets it). The in-process bus hands it,
   * frozen, to the groups that read the record instead of parsing and validating `value` again;
   * whoever publishes must not change it afterwards. Other adapters send only `value`.
   */
  event?: HotlineEvent;
}

export interface DeliveredRecord {
  topic: string;
  partition: number;
  /** Offset within the partition, as a decimal string (Kafka offsets exceed 2^53 in theory). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface SubscribeOptions {
  /** Consumer group id: members of one group share the work, groups each see everything. */
  group: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default: latest. */
  fromBeginning?: boolean;
  /**
   * Called once per record, in order per partition. The offset is committed only after the
   * handler resolves (or after the record was dead-lettered). An adapter that already holds the
   * record's validated event (the in-process bus) passes `shared`, so consumeEvents does not
   * parse the same bytes once per group; other adapters pass nothing.
   */
  handler: (record: DeliveredRecord, shared?: SharedEventSource) => Promise<void>;
  /** Attempts before dead-lettering a record whose handler keeps throwing. Default 3. */
  maxAttempts?: number;
  /** Dead-letter topic. Default: Topics.deadLetter from the contracts package. */
  deadLetterTopic?: string;
  /** Whether a thrown error is worth retrying; non-retryable errors go to the DLT at once. */
  isRetryable?: (err: unknown) => boolean;
  /**
   * A group whose lag does not hold up a call (reporting). In the in-process bus, where every
   * service shares one thread, its records wait for a turn of the event loop and the background
   * groups together start only a few per turn, so SIP messages and the call path's own records go
   * first and it catches up when the thread has time. Kafka: no effect (each service has its own
   * process there).
   */
  background?: boolean;
  /**
   * What the group handles: event types, or call command events of one action
   * ('call.command.completed:bridge'; see EventSelector). A record whose headers
   * (EVENT_TYPE_HEADER, COMMAND_ACTION_HEADER) name anything else is committed without calling
   * the handler; records without the type header are delivered. Default: every record.
   */
  types?: readonly string[];
}

export interface Subscription {
  readonly group: string;
  /**
   * Stops fetching, lets the in-flight record finish, commits, leaves the group. A record still
   * running after the adapter's drain timeout is left uncommitted (redelivered, as after a crash).
   */
  close(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'kafka' | 'in-process';
  /** Creates topics that do not exist yet (idempotent). */
  ensureTopics(topics: { name: string; partitions?: number }[]): Promise<void>;
  /** Resolves once every record is durably accepted (Kafka: acks from all in-sync replicas). */
  publish(records: BusRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Closes producers and every subscription. */
  close(): Promise<void>;
}
