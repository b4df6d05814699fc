import { randomUUID } from 'node:crypto';
import { envelopeSchema } from './envelope';
import { eventCatalog, isEventType, type EventData, type EventType } from './catalog';
import type { TopicName } from './topics';

/** A validated event: the envelope plus data typed by its event type. */
export type HotlineEvent<T extends EventType = EventType> = {
  [K in T]: {
    id: string;
    type: K;
    version: number;
    tenantId: string;
    occurredAt: string;
    key: string;
    source: string;
    traceparent?: string;
    data: EventData<K>;
  };
}[T];

export interface FieldIssue {
  path: string;
  message: string;
}

/** An event that does not match its contract. Never retryable: the bytes will not change. */
export class ContractError extends Error {
  readonly code = 'contract_violation';
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

export interface NewEvent<T extends EventType> {
  type: T;
  tenantId: string;
  source: string;
  data: EventData<T>;
  traceparent?: string;
  /** Defaults to now; tests and replays pass their own clock. */
  occurredAt?: Date;
  id?: string;
}

function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

// What makeEvent checks of the envelope: the fields the producer handed in, and the key it took
// from them. A generated id (randomUUID), a generated occurredAt (Date#toISOString) and the
// catalog's version are valid by construction; checking them again only cost time on every
// event. Same schemas as envelopeSchema, so the issues name the same fields.
const producedFieldsSchema = envelopeSchema
  .pick({ id: true, tenantId: true, occurredAt: true, key: true, source: true, traceparent: true })
  .partial({ id: true, occurredAt: true });

/** Builds and validates an event; the partition key is taken from the field its type names. */
export function makeEvent<T extends EventType>(input: NewEvent<T>): HotlineEvent<T> {
  const spec = eventCatalog[input.type];
  const data = spec.schema.safeParse(input.data);
  if (!data.success) {
    throw new ContractError(`invalid data for ${input.type}`, issuesOf(data.error, 'data'));
  }
  const key =
    spec.keyField === 'tenantId'
      ? input.tenantId
      : String((data.data as Record<string, unknown>)[spec.keyField]);
  const event = {
    id: input.id ?? randomUUID(),
    type: input.type,
    version: spec.version,
    tenantId: input.tenantId,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    key,
    source: input.source,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    data: data.data,
  };
  const envelope = producedFieldsSchema.safeParse({
    tenantId: event.tenantId,
    key: event.key,
    source: event.source,
    ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    ...(input.id !== undefined ? { id: event.id } : {}),
    ...(input.occurredAt !== undefined ? { occurredAt: event.occurredAt } : {}),
  });
  if (!envelope.success)
    throw new ContractError(`invalid envelope for ${input.type}`, issuesOf(envelope.error));
  return event as HotlineEvent<T>;
}

/** The topic an event type belongs on. */
export function topicOf(type: EventType): TopicName {
  return eventCatalog[type].topic;
}

/** Parses bytes or text from the wire into a validated event, or throws ContractError. */
export function parseEvent(raw: string | Uint8Array): HotlineEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : utf8(raw));
  } catch (err) {
    throw new ContractError(`not JSON: ${(err as Error).message}`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new ContractError('invalid event envelope', issuesOf(envelope.error));
  const { type, version } = envelope.data;
  if (!isEventType(type))
    throw new ContractError(`unknown event type "${type}"`, [{ path: 'type', message: 'unknown' }]);
  const spec = eventCatalog[type];
  if (version !== spec.version) {
    throw new ContractError(`unsupported version ${version} of ${type} (expected ${spec.version})`, [
      { path: 'version', message: `expected ${spec.version}` },
    ]);
  }
  const data = spec.schema.safeParse(envelope.data.data);
  if (!data.success) throw new ContractError(`invalid data for ${type}`, issuesOf(data.error, 'data'));
  return { ...envelope.data, data: data.data } as HotlineEvent;
}

/** Decodes bytes without copying them first (a Buffer decodes itself; other views are wrapped). */
function utf8(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('utf8');
}

export function serializeEvent(event: HotlineEvent): string {
  return JSON.stringify(event);
}
