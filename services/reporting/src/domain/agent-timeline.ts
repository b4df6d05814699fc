import { agentStates, type HotlineEvent } from '@hotline/contracts';
import { inOccurrenceOrder } from './event-order';
import type { AgentDay, AgentState, StateSegment } from './types';

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
  const events = inOccurrenceOrder(
    input.filter((e) => e.tenantId === tenantId && agentEventTypes.has(e.type)),
  );
  const dayStart = `${day}T00:00:00.000Z`;
  const segments: StateSegment[] = [];
  const queueOfCall = new Map<string, string>();
  const answered = new Set<string>();
  let offers = 0;
  let missed = 0;
  for (const event of events) {
    const at = event.occurredAt;
    if (event.type === 'agent.reserved') {
      offers++;
      queueOfCall.set(event.data.callId, event.data.queueId);
      continue;
    }
    if (event.type === 'agent.reservation.ended') {
      const o = event.data.outcome;
      if (o === 'no-answer' || o === 'rejected' || o === 'failed' || o === 'timeout') missed++;
      continue;
    }
    if (event.type !== 'agent.state.changed') continue;
    const d = event.data;
    const last = segments.at(-1);
    if (!last) segments.push({ state: d.from, from: dayStart, to: null });
    const prev = segments.at(-1) as StateSegment;
    if (prev.state === d.to && (d.callId ?? prev.callId) === prev.callId && d.reason === prev.reason)
      continue;
    prev.to = at;
    const callId = d.callId ?? (onCall.has(d.to) && onCall.has(prev.state) ? prev.callId : undefined);
    const segment: StateSegment = { state: d.to, from: at, to: null };
    if (d.reason) segment.reason = d.reason;
    if (callId) {
      segment.callId = callId;
      const queueId = queueOfCall.get(callId);
      if (queueId) segment.queueId = queueId;
    }
    segments.push(segment);
    if (d.to === 'on-call' && callId) answered.add(callId);
  }
  const last = segments.at(-1);
  return {
    tenantId,
    agentId,
    day,
    segments,
    calls: answered.size,
    offers,
    missed,
    current: last
      ? {
          state: last.state,
          since: last.from,
          ...(last.reason ? { reason: last.reason } : {}),
          ...(last.callId ? { callId: last.callId } : {}),
          ...(last.queueId ? { queueId: last.queueId } : {}),
        }
      : null,
    eventCount: events.length,
    lastEventAt: events.at(-1)?.occurredAt ?? dayStart,
  };
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
