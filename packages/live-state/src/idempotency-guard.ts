// Consumer-side dedupe for at-least-once delivery: a handler asks `seen` before acting and calls
// `remember` after it succeeded, so a redelivered event (after a crash or rebalance) changes
// nothing. Entries expire after ttlMs, which must outlast any redelivery window (Kafka retention
// of uncommitted offsets, retries). Shaped to match the event bus's dedupe-store interface.

import type { LiveState } from './live-state';
import { LiveStateError } from './live-state-error';

export interface IdempotencyGuard {
  seen(group: string, eventId: string): Promise<boolean>;
  remember(group: string, eventId: string): Promise<void>;
}

export interface IdempotencyGuardOptions {
  ttlMs: number;
  /** Key namespace, e.g. "idem". Keys are `${prefix}:${group}:${eventId}`, group URI-encoded. */
  prefix: string;
}

export function createIdempotencyGuard(live: LiveState, options: IdempotencyGuardOptions): IdempotencyGuard {
  const { ttlMs, prefix } = options;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new LiveStateError(
      'INVALID_ARGUMENT',
      `idempotency ttlMs must be a positive integer, got ${ttlMs}`,
    );
  }
  // Encoding the group keeps "a:b" + "c" and "a" + "b:c" apart.
  const keyOf = (group: string, eventId: string) => `${prefix}:${encodeURIComponent(group)}:${eventId}`;
  return {
    async seen(group, eventId) {
      return (await live.get(keyOf(group, eventId))) !== null;
    },
    async remember(group, eventId) {
      await live.set(keyOf(group, eventId), String(Date.now()), { ttlMs });
    },
  };
}
