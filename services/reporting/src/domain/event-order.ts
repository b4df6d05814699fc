import type { HotlineEvent } from '@hotline/contracts';

/**
 * The one order every fold uses: occurredAt, then event id. Kafka keeps order only per key, and
 * a call's events come from several topics (the agent topic is keyed by agent), so arrival order
 * is not trusted; this order is the same however and whenever the events arrived.
 */
export function byOccurrence(a: HotlineEvent, b: HotlineEvent): number {
  const d = occurredMs(a) - occurredMs(b);
  if (d !== 0) return d;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// Events are immutable once consumed and every fold sorts and dates them again: each event's
// instant is parsed once.
const parsed = new WeakMap<HotlineEvent, number>();

/** The event's occurredAt in epoch ms. */
export function occurredMs(e: HotlineEvent): number {
  let ms = parsed.get(e);
  if (ms === undefined) parsed.set(e, (ms = Date.parse(e.occurredAt)));
  return ms;
}

/** Duplicates (the same event id) dropped, the rest in occurrence order. */
export function inOccurrenceOrder(events: readonly HotlineEvent[]): HotlineEvent[] {
  const unique = new Map<string, HotlineEvent>();
  for (const e of events) if (!unique.has(e.id)) unique.set(e.id, e);
  return [...unique.values()].sort(byOccurrence);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whole seconds between two instants, rounded; never negative. */
export function secondsBetween(fromIso: string, toIso: string): number {
  return Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
}

export function msBetween(fromIso: string, toIso: string): number {
  return Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
}

const utcIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The UTC day (YYYY-MM-DD) of an instant. */
export function utcDay(at: string | number): string {
  // A UTC instant as toISOString writes it names its day in its first ten characters; anything
  // else (an offset, another year width) goes through Date.
  if (typeof at === 'string' && utcIso.test(at)) return at.slice(0, 10);
  return new Date(typeof at === 'number' ? at : Date.parse(at)).toISOString().slice(0, 10);
}
