import { AbortWatch } from './abort-watch';
import type { BusLog } from './bus-log';
import { deadLetterRecord } from './dead-letter';
import { deliverRecord } from './deliver-record';
import { backgroundTurn, fairShare } from './fair-share';
import type { DeliveryPolicy } from './delivery-policy';
import type { RecordFilter } from './event-type-filter';
import type { BusRecord, DeliveredRecord, SubscribeOptions } from './event-bus';
import type { TopicPartition } from './group-assignment';
import { partitionKey, type InProcessGroup } from './in-process-group';
import type { PartitionLog, StoredRecord } from './partition-log';

export interface PartitionWorkerContext {
  tp: TopicPartition;
  log: PartitionLog;
  group: InProcessGroup;
  policy: DeliveryPolicy;
  handler: SubscribeOptions['handler'];
  fromBeginning: boolean;
  /** A background group waits for the next turn of the event loop before each record (fair-share.ts). */
  background: boolean;
  drainTimeoutMs: number;
  /** Which records the group handles (SubscribeOptions.types); the others are committed unread. */
  accepts: RecordFilter | undefined;
  publishDeadLetter: (record: BusRecord) => void;
  busLog: BusLog;
}

/** Records passed over in a row before the worker checks whether the thread is due a turn. */
const PASS_OVER_RUN = 256;

/** Consumes one partition for one member of a group: in order, committing after each record. */
export class PartitionWorker {
  private readonly stopping = new AbortController();
  private readonly abandon = new AbortController();
  // One listener each for the worker's life, not one per record.
  private readonly stoppingWatch = new AbortWatch(this.stopping.signal);
  private readonly abandonWatch = new AbortWatch(this.abandon.signal);
  private drainTimer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;

  constructor(private readonly ctx: PartitionWorkerContext) {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const previousOwner = ctx.group.claim(ctx.tp, released);
    this.done = this.run(previousOwner).finally(() => {
      clearTimeout(this.drainTimer);
      release();
    });
  }

  /** Lets the in-flight record finish (at most drainTimeoutMs), then stops. */
  stop(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort();
      this.drainTimer = setTimeout(() => this.abandon.abort(), this.ctx.drainTimeoutMs);
    }
    return this.done;
  }

  private async run(previousOwner: Promise<void>): Promise<void> {
    const { tp, log, group, policy, busLog } = this.ctx;
    await previousOwner;
    const commitKey = partitionKey(tp);
    let position = group.committedOffset(tp) ?? (this.ctx.fromBeginning ? log.startOffset : log.endOffset);
    const accepts = this.ctx.accepts;
    let passedOver = 0;
    try {
      while (!this.stoppingWatch.aborted) {
        if (position < log.startOffset) {
          busLog('warn', 'records dropped by retention before the group read them', {
            group: group.id,
            topic: tp.topic,
            partition: tp.partition,
            skipped: log.startOffset - position,
          });
          position = log.startOffset;
        }
        let stored = log.at(position);
        if (!stored) {
          await log.waitFor(position, this.stoppingWatch);
          continue;
        }
        if (accepts && !accepts(stored.headers)) {
          // A record the group does not handle costs no turn of its own: it is committed and the
          // worker goes on (a long run of them still gives the thread back now and then).
          position = stored.offset + 1;
          group.commitAt(commitKey, position);
          if (++passedOver < PASS_OVER_RUN) continue;
          passedOver = 0;
          const turn = fairShare();
          if (turn) await turn;
          continue;
        }
        passedOver = 0;
        const turn = this.ctx.background ? backgroundTurn() : fairShare();
        if (turn) {
          await turn;
          // The group may have been rebalanced while this worker waited its turn.
          if (this.stoppingWatch.aborted) break;
          // Retention may have dropped it meanwhile (the warning above says so next round).
          stored = log.at(position);
          if (!stored) continue;
        }
        const record = delivered(tp, stored);
        // Near the head of the log every group shares the record's parsed event and trace
        // context; a group far behind parses for itself (see SHARED_WINDOW).
        const outcome = await deliverRecord(
          record,
          this.ctx.handler,
          policy,
          log.isShared(stored.offset)
            ? {
                stopping: this.stopping.signal,
                abandon: this.abandonWatch,
                traceContext: stored.traceContext(),
                shared: stored,
              }
            : { stopping: this.stopping.signal, abandon: this.abandonWatch },
        );
        if (outcome.kind === 'abandoned') return;
        if (outcome.kind === 'failed') {
          this.ctx.publishDeadLetter(
            deadLetterRecord(record, group.id, outcome.error, policy.deadLetterTopic),
          );
          busLog('warn', 'record dead-lettered', {
            group: group.id,
            topic: tp.topic,
            partition: tp.partition,
            offset: record.offset,
            attempts: outcome.attempts,
          });
        }
        position = stored.offset + 1;
        group.commitAt(commitKey, position);
      }
    } catch (err) {
      busLog('error', 'partition worker failed', {
        group: group.id,
        topic: tp.topic,
        partition: tp.partition,
        err,
      });
    }
  }
}

// Each delivery gets its own copies, so a handler that mutates its record cannot change what
// another group (or a redelivery) sees.
function delivered(tp: TopicPartition, stored: StoredRecord): DeliveredRecord {
  return {
    topic: tp.topic,
    partition: tp.partition,
    offset: String(stored.offset),
    key: stored.key,
    value: Buffer.from(stored.value),
    headers: { ...stored.headers },
  };
}
