import type { HotlineEvent } from '@hotline/contracts';
import type { LiveRealtime } from '../adapters/live-realtime';
import { subjectKeys, type Facts, type ReportStore } from '../adapters/report-store';
import { AgentDayFold, agentEventTypes } from '../domain/agent-timeline';
import { buildCdr, callEventTypes } from '../domain/cdr-builder';
import { occurredMs, utcDay } from '../domain/event-order';
import { KeyedSerializer } from './keyed-serializer';

export interface ChangeListener {
  queueChanged(tenantId: string, queueId: string): void;
  agentChanged(tenantId: string, agentId: string): void;
}

export interface IngestOptions {
  /** How long a changed record waits at most before it is written and mirrored (ms). Default 250. */
  foldEveryMs?: number;
  /** A coalesced write failed (it is tried again at the next round). */
  onError?: (err: unknown) => void;
}

/** Which records an event feeds: its call's CDR, its agent's day, or both (offers). */
export function subjectsOf(event: HotlineEvent): string[] {
  const subjects: string[] = [];
  const data = event.data as { callId?: unknown; agentId?: unknown };
  if (callEventTypes.has(event.type) && typeof data.callId === 'string')
    subjects.push(subjectKeys.call(data.callId));
  if (agentEventTypes.has(event.type) && typeof data.agentId === 'string')
    subjects.push(subjectKeys.agent(data.agentId, utcDay(event.occurredAt)));
  return subjects;
}

/** A record folded but not yet written: a call (its facts) or an agent's day (its open fold). */
type Dirty =
  | { kind: 'call'; key: string; tenantId: string; callId: string; facts: Facts }
  | { kind: 'agent'; key: string; fold: AgentDayFold };

/**
 * One consumed event: kept once as a fact of every record it feeds (durable before `handle`
 * resolves), each record folded again and mirrored into real-time state. A redelivered event is
 * not kept twice but still refolds (a crash may have come between keeping and folding); the fold
 * gives the same anyway.
 *
 * Folding and writing are coalesced: a changed record is written at most every `foldEveryMs`
 * (a call's events come in bursts: answer, bridge, offer end, queue left within milliseconds),
 * and at once on `flush()` — which queries in this process call before they read
 * (pending-folds.ts) — and on `close()`. Each write is a fold of a prefix of the record's kept
 * facts and never goes back to fewer facts (report-store), so written records and real-time
 * figures are exact for what was consumed up to at most `foldEveryMs` ago, and exact for all of
 * it after a flush: the same numbers a replay gives.
 *
 * A call's record is small (tens of events) and folded from all its facts when written. An
 * agent's day grows to hundreds of events, so its fold is kept open and extended by the new
 * event when that event sorts after all the others (the usual case; anything else folds the
 * whole day again from its facts).
 */
export class ReportingIngest {
  private readonly serial = new KeyedSerializer();
  /** Open agent-day folds, by the facts they were folded from (a reread starts a new fold). */
  private readonly folds = new WeakMap<Facts, AgentDayFold>();
  private readonly dirty = new Map<string, Dirty>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private writing = 0;
  private closed = false;
  private readonly everyMs: number;

  constructor(
    private readonly reports: ReportStore,
    private readonly rt: LiveRealtime,
    private readonly changes: ChangeListener,
    private readonly options: IngestOptions = {},
  ) {
    this.everyMs = options.foldEveryMs ?? 250;
  }

  /** What came of it, for metrics: ignored, stored or duplicate. */
  async handle(event: HotlineEvent): Promise<'ignored' | 'stored' | 'duplicate'> {
    const subjects = subjectsOf(event);
    if (subjects.length === 0) return 'ignored';
    const data = event.data as { callId?: string; agentId?: string };
    const t = event.tenantId;
    let fresh = false;
    for (const subject of subjects) {
      if (subject.startsWith('call:') && data.callId)
        fresh = (await this.call(t, data.callId, event)) || fresh;
      else if (data.agentId)
        fresh = (await this.agent(t, data.agentId, utcDay(event.occurredAt), event)) || fresh;
    }
    return fresh ? 'stored' : 'duplicate';
  }

  /** Records folded but not yet written, plus writes under way (for activeWork). */
  pending(): number {
    return this.dirty.size + this.writing;
  }

  /** Writes every record changed so far (and mirrors it into real-time state). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.dirty.size === 0 && this.writing === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.writeDirty());
    return this.flushing;
  }

  /** Writes what is pending; a write failing then is not tried again. */
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }

  private mark(item: Dirty): void {
    this.dirty.set(item.key, item);
    if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
  }

  /** Keeps the event with its call's facts; the record is folded from all of them when written. */
  private call(tenantId: string, callId: string, event: HotlineEvent): Promise<boolean> {
    const key = `${tenantId}|call|${callId}`;
    return this.serial.run(key, async () => {
      const { facts, fresh } = await this.reports.addFact(event, subjectKeys.call(callId));
      this.mark({ kind: 'call', key, tenantId, callId, facts });
      return fresh;
    });
  }

  private agent(tenantId: string, agentId: string, day: string, event: HotlineEvent): Promise<boolean> {
    const key = `${tenantId}|agent|${agentId}|${day}`;
    return this.serial.run(key, async () => {
      const added = await this.reports.addFact(event, subjectKeys.agent(agentId, day));
      let fold = this.folds.get(added.facts);
      // Every fact of the day but the new one is in the open fold, and the new one comes last:
      // one more step of the same left fold. Otherwise (late event, another instance's facts, a
      // fold not open yet) fold the whole day in occurrence order.
      const oneBehind = fold?.count === added.events.length - 1 && added.fresh;
      const extendable = oneBehind && added.atEnd;
      const current = fold?.count === added.events.length && !added.fresh;
      if (fold && extendable) fold.add(event);
      else if (fold && oneBehind && occurredMs(event) === fold.lastInstantMs) {
        // The new event sorts among the last instant's events (same time, smaller id): every
        // event before that instant stays folded; the instant's events are folded again in order.
        // They are the tail of the sorted facts from the count folded before the instant.
        fold.rewindLastInstant();
        for (const e of added.events.slice(fold.count)) fold.add(e);
      } else if (!fold || !current) {
        fold = new AgentDayFold(tenantId, agentId, day);
        for (const e of added.events) fold.add(e);
        this.folds.set(added.facts, fold);
      }
      this.mark({ kind: 'agent', key, fold });
      return added.fresh;
    });
  }

  private async write(item: Dirty): Promise<void> {
    if (item.kind === 'call') {
      const { tenantId, callId } = item;
      const cdr = await this.reports.storeCdr(buildCdr(tenantId, callId, item.facts.events));
      await this.rt.applyCdr(cdr);
      for (const q of cdr.queueIds) this.changes.queueChanged(tenantId, q);
    } else {
      const agentDay = await this.reports.storeAgentDay(item.fold);
      await this.rt.applyAgentDay(agentDay);
      this.changes.agentChanged(agentDay.tenantId, agentDay.agentId);
    }
  }

  private async writeDirty(): Promise<void> {
    const items = [...this.dirty.values()];
    this.dirty.clear();
    this.writing += items.length;
    await Promise.all(
      items.map((item) =>
        // Under the record's key: no event of it is being kept meanwhile, so its facts and fold
        // are not half way through a change.
        this.serial
          .run(item.key, () => this.write(item))
          .catch((err: unknown) => {
            // Tried again with the next round, unless a newer fold of the record is pending already.
            if (!this.closed && !this.dirty.has(item.key)) this.mark(item);
            this.options.onError?.(err);
          })
          .finally(() => this.writing--),
      ),
    );
  }
}
