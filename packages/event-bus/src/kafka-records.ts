import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusRecord, DeliveredRecord } from './event-bus';
import { withTraceHeaders } from './trace-context';

export function toKafkaMessage(record: BusRecord): Message {
  return { key: record.key, value: record.value, headers: withTraceHeaders(record.headers) };
}

export function toDeliveredRecord(topic: string, partition: number, message: KafkaMessage): DeliveredRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ?? Buffer.alloc(0),
    headers: decodeHeaders(message.headers),
  };
}

/** The offset a group commits after handling `offset`: Kafka commits the next record to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

// Kafka allows a header name more than once (kafkajs then gives an array); like the Java
// client's lastHeader(), the last value wins.
function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    decoded[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return decoded;
}
