import { DeadLetterHeaders } from '@hotline/contracts';
import type { BusRecord, DeliveredRecord } from './event-bus';

const MAX_ERROR_MESSAGE = 1_000;

/**
 * The dead-letter copy of a record: its original bytes, key and headers, plus where it came from
 * and why it failed, so it can be inspected and replayed onto its original topic.
 */
export function deadLetterRecord(
  record: DeliveredRecord,
  group: string,
  error: unknown,
  topic: string,
): BusRecord {
  return {
    topic,
    // Same key: dead letters of one entity stay in order on one partition.
    key: record.key ?? `${record.topic}/${record.partition}`,
    value: record.value,
    headers: {
      ...record.headers,
      [DeadLetterHeaders.originalTopic]: record.topic,
      [DeadLetterHeaders.originalPartition]: String(record.partition),
      [DeadLetterHeaders.originalOffset]: record.offset,
      [DeadLetterHeaders.consumerGroup]: group,
      [DeadLetterHeaders.errorCode]: errorCode(error),
      [DeadLetterHeaders.errorMessage]: errorMessage(error).slice(0, MAX_ERROR_MESSAGE),
    },
  };
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return 'handler_failed';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
