import { agentStates, type HotlineEvent } from '@hotline/contracts';
import { inOccurrenceOrder, occurredMs } from './event-order';
import type { AgentDay, AgentDaySummary, AgentState, StateSegment } from './types';

/** The event types an agent's day is folded from. */
export const agentEventTypes = new Set<string>([
  'agent.state.changed',
  'agent.reserved',
  'agent.reservation.ended',
]);

/** States that hold a call: the call id of the state change that entered them carries on. */
const onCall = new Set<AgentState>(['reserved', 'ringing', 'on-call', 'on-hold', 'wrap-up']);

/**
 * Folds one agent's events of one UTC day into its state timeline. The state before the day's
 * first change is that change's `from`, from midnight on, so a day's timeline needs only that
 * day's events. The last segment stays open (`to: null`); readers close it at the day's end or
 * at "now".
 */
export function buildAgentDay(
  tenantId: string,
  agentId: string,
  day: string,
  input: readonly HotlineEvent[],
): AgentDay {
  const fold = new AgentDayFold(tenantId, agentId, day);
  for (const event of inOccurrenceOrder(input)) fold.add(event);
  return fold.result();
}

/**
 * The fold behind `buildAgentDay`, kept open so that an event later than every event folded so
 * far costs one step instead of a fold of the whole day. It is a left fold over the events in
 * occurrence order, so adding the day's events one by one in that order, each once, gives
 * exactly what `buildAgentDay` gives for all of them; anything else (an event that sorts before
 * the last one folded, a duplicate) needs a new fold from all the day's facts.
 */
export class AgentDayFold {
  private readonly segmentList: StateSegment[] = [];
  private readonly closed = emptyStateMs();
  private readonly queueOfCall = new Map<string, string>();
  private readonly answered = new Set<string>();
  private offers = 0;
  private missed = 0;
  /** How many of the day's events were folded (the record's eventCount). */
  count = 0;
  /** The last event folded, to tell whether the next one comes after it. */
  last: HotlineEvent | null = null;
  /** The first segment added or changed since `written()` (all of them for a new fold). */
  changedFrom = 0;
  /**
   * The fold as it was before the first event at the instant of the last one (`atMs`), and how
   * to take back what the events at that instant changed in the call maps: an event that sorts
   * among them (same instant, smaller id: the ACD stamps an offer and its state change alike)
   * rewinds to here and folds that instant's events again, instead of the whole day.
   */
  private mark = {
    atMs: Number.NaN,
    count: 0,
    last: null as HotlineEvent | null,
    offers: 0,
    missed: 0,
    closed: emptyStateMs(),
    segments: 0,
    lastSegment: null as StateSegment | null,
    queueOfCall: [] as [string, string | undefined][],
    answered: [] as string[],
  };

  constructor(
    readonly tenantId: string,
    readonly agentId: string,
    readonly day: string,
  ) {}

  /** Folds one more event; it must sort after every event folded so far. */
  add(event: HotlineEvent): void {
    if (event.tenantId !== this.tenantId || !agentEventTypes.has(event.type)) return;
    const ms = occurredMs(event);
    if (ms !== this.mark.atMs) this.markInstant(ms);
    this.count++;
    this.last = event;
    const at = event.occurredAt;
    if (event.type === 'agent.reserved') {
      this.offers++;
      this.mark.queueOfCall.push([event.data.callId, this.queueOfCall.get(event.data.callId)]);
      this.queueOfCall.set(event.data.callId, event.data.queueId);
      return;
    }
    if (event.type === 'agent.reservation.ended') {
      const o = event.data.outcome;
      if (o === 'no-answer' || o === 'rejected' || o === 'failed' || o === 'timeout') this.missed++;
      return;
    }
    if (event.type !== 'agent.state.changed') return;
    const d = event.data;
    const segments = this.segmentList;
    if (segments.length === 0) segments.push({ state: d.from, from: `${this.day}T00:00:00.000Z`, to: null });
    const prev = segments.at(-1) as StateSegment;
    if (prev.state === d.to && (d.callId ?? prev.callId) === prev.callId && d.reason === prev.reason) return;
    prev.to = at;
    this.closed[prev.state] += Math.max(0, Date.parse(at) - Date.parse(prev.from));
    this.changedFrom = Math.min(this.changedFrom, segments.length - 1);
    const callId = d.callId ?? (onCall.has(d.to) && onCall.has(prev.state) ? prev.callId : undefined);
    const segment: StateSegment = { state: d.to, from: at, to: null };
    if (d.reason) segment.reason = d.reason;
    if (callId) {
      segment.callId = callId;
      const queueId = this.queueOfCall.get(callId);
      if (queueId) segment.queueId = queueId;
    }
    segments.push(segment);
    if (d.to === 'on-call' && callId && !this.answered.has(callId)) {
      this.mark.answered.push(callId);
      this.answered.add(callId);
    }
  }

  private markInstant(atMs: number): void {
    const last = this.segmentList.at(-1);
    this.mark = {
      atMs,
      count: this.count,
      last: this.last,
      offers: this.offers,
      missed: this.missed,
      closed: { ...this.closed },
      segments: this.segmentList.length,
      lastSegment: last ? { ...last } : null,
      queueOfCall: [],
      answered: [],
    };
  }

  /** The instant of the last event folded (epoch ms); NaN before any. */
  get lastInstantMs(): number {
    return this.mark.atMs;
  }

  /**
   * Takes back every event at the last instant: the fold is then as it was after the events
   * before `lastInstantMs`, and the caller adds that instant's events again in order.
   */
  rewindLastInstant(): void {
    const m = this.mark;
    for (const [callId, queueId] of m.queueOfCall.reverse())
      if (queueId === undefined) this.queueOfCall.delete(callId);
      else this.queueOfCall.set(callId, queueId);
    for (const callId of m.answered) this.answered.delete(callId);
    this.count = m.count;
    this.last = m.last;
    this.offers = m.offers;
    this.missed = m.missed;
    Object.assign(this.closed, m.closed);
    this.segmentList.length = m.segments;
    if (m.lastSegment) this.segmentList[m.segments - 1] = { ...m.lastSegment };
    this.changedFrom = Math.min(this.changedFrom, Math.max(0, m.segments - 1));
    this.mark = { ...m, atMs: Number.NaN, queueOfCall: [], answered: [] };
  }

  /** The segments so far (the fold's own: read them only, before the next `add`). */
  get segments(): readonly StateSegment[] {
    return this.segmentList;
  }

  /** The segments before `changedFrom` were written; later changes are counted from here. */
  written(): void {
    this.changedFrom = this.segmentList.length;
  }

  /** The day as folded so far (a copy: later events do not change it). */
  result(): AgentDay {
    const { closedMs: _c, segmentCount: _n, ...day } = this.summary();
    return { ...day, segments: this.segmentList.map((s) => ({ ...s })) };
  }

  /** The day without its segments (a copy). */
  summary(): AgentDaySummary {
    const last = this.segmentList.at(-1);
    return {
      tenantId: this.tenantId,
      agentId: this.agentId,
      day: this.day,
      calls: this.answered.size,
      offers: this.offers,
      missed: this.missed,
      current: last
        ? {
            state: last.state,
            since: last.from,
            ...(last.reason ? { reason: last.reason } : {}),
            ...(last.callId ? { callId: last.callId } : {}),
            ...(last.queueId ? { queueId: last.queueId } : {}),
          }
        : null,
      eventCount: this.count,
      lastEventAt: this.last?.occurredAt ?? `${this.day}T00:00:00.000Z`,
      closedMs: { ...this.closed },
      segmentCount: this.segmentList.length,
    };
  }
}

export function emptyStateMs(): Record<AgentState, number> {
  return Object.fromEntries(agentStates.map((s) => [s, 0])) as Record<AgentState, number>;
}

/**
 * Milliseconds per state within [from, to), the open segment closed at `openUntil` (the day's
 * end for a past day, "now" for today).
 */
export function stateMsWithin(
  segments: readonly StateSegment[],
  from: number,
  to: number,
  openUntil: number,
): Record<AgentState, number> {
  const out = emptyStateMs();
  for (const s of segments) {
    const start = Math.max(from, Date.parse(s.from));
    const end = Math.min(to, s.to ? Date.parse(s.to) : openUntil);
    if (end > start) out[s.state] += end - start;
  }
  return out;
}

/** The end of a UTC day (exclusive), as epoch ms. */
export function dayEndMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) + 86_400_000;
}
