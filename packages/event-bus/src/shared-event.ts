import { parseEvent, type HotlineEvent } from '@hotline/contracts';
import type { DeliveredRecord } from './event-bus';

/** Where a record's validated event can be had without parsing its bytes again. */
export interface SharedEventSource {
  sharedEvent(): HotlineEvent;
}

/**
 * The validated event a record carries. The in-process bus hands each delivery its stored
 * record's source, which parses once and gives every consumer group the same deep-frozen object;
 * other records are parsed here. Either way an invalid record throws ContractError for each
 * group that reads it, so each group dead-letters it as before.
 */
export function eventOf(record: DeliveredRecord, shared: SharedEventSource | undefined): HotlineEvent {
  return shared ? shared.sharedEvent() : parseEvent(record.value);
}

/**
 * Freezes an event and everything in it, so one consumer group cannot change what another group
 * (or a redelivery) sees: a write throws in strict-mode code instead of leaking across groups.
 */
export function deepFreeze<T>(value: T): T {
  Object.freeze(value);
  // Parsed JSON: plain objects and arrays only, no cycles, nothing inherited to walk.
  for (const key in value) {
    const child = value[key];
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return value;
}
