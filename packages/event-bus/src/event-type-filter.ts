import type { CallCommand, EventType, HotlineEvent } from '@hotline/contracts';

/**
 * The header every published event carries its type in, so a consumer group can pass over the
 * records it has no use for without parsing them (most groups read a topic for a few of its
 * event types: the ACD reads the agents topic, where most records are the ACD's own
 * agent.state.changed).
 */
export const EVENT_TYPE_HEADER = 'hotline-event-type';
/** Call command events (requested, completed) also carry the command's action. */
export const COMMAND_ACTION_HEADER = 'hotline-command-action';

type CommandEventType = 'call.command.requested' | 'call.command.completed';

/**
 * What a group names to be handed: an event type, or a call command event of one action
 * ('call.command.completed:bridge' for the ACD, which waits only on the rings it asked for).
 */
export type EventSelector = EventType | `${CommandEventType}:${CallCommand['action']}`;

/** The action of a call command event, else undefined. */
export function commandActionOf(event: HotlineEvent): string | undefined {
  if (event.type === 'call.command.completed') return event.data.action;
  if (event.type === 'call.command.requested') return event.data.command.action;
  return undefined;
}

/** The headers that say what an event is (type, and a command's action). */
export function selectorHeaders(event: HotlineEvent): Record<string, string> {
  const action = commandActionOf(event);
  return action === undefined
    ? { [EVENT_TYPE_HEADER]: event.type }
    : { [EVENT_TYPE_HEADER]: event.type, [COMMAND_ACTION_HEADER]: action };
}

/** Whether `selectors` take an event of this type (and command action). */
export function selects(selectors: ReadonlySet<string>, type: string, action: string | undefined): boolean {
  return selectors.has(type) || (action !== undefined && selectors.has(`${type}:${action}`));
}

/**
 * Whether a group wants a record with these headers. A record without the type header
 * (published before it existed, or by something else) is delivered: only the handler can tell
 * what it is.
 */
export type RecordFilter = (headers: Record<string, string>) => boolean;

/** The filter for a group's selectors; undefined (deliver everything) when it names none. */
export function eventTypeFilter(selectors: readonly string[] | undefined): RecordFilter | undefined {
  if (!selectors) return undefined;
  const wanted = new Set(selectors);
  return (headers) => {
    const type = headers[EVENT_TYPE_HEADER];
    return type === undefined || selects(wanted, type, headers[COMMAND_ACTION_HEADER]);
  };
}
