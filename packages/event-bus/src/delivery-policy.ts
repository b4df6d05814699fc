import { Topics } from '@hotline/contracts';
import { EventBusError } from './bus-error';
import type { SubscribeOptions } from './event-bus';

export interface BackoffOptions {
  /** Wait before the second attempt; each later wait doubles. Default 100 ms. */
  initialMs?: number;
  /** Upper bound of one wait. Default 5 s. */
  maxMs?: number;
}

export interface DeliveryPolicy {
  group: string;
  maxAttempts: number;
  deadLetterTopic: string;
  isRetryable: (err: unknown) => boolean;
  /** Wait before attempt `attempt + 1`. */
  backoffMs: (attempt: number) => number;
}

/** Typed errors say whether trying again can help; anything else is assumed transient. */
export function defaultIsRetryable(err: unknown): boolean {
  if (err && typeof err === 'object' && 'retryable' in err && typeof err.retryable === 'boolean') {
    return err.retryable;
  }
  return true;
}

export function exponentialBackoff({ initialMs = 100, maxMs = 5_000 }: BackoffOptions = {}): (
  attempt: number,
) => number {
  // ±20 % jitter: members that failed on the same dependency at once do not retry in lockstep.
  return (attempt) => Math.min(maxMs, initialMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
}

export function deliveryPolicy(
  options: SubscribeOptions,
  backoff: BackoffOptions | undefined,
): DeliveryPolicy {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new EventBusError('invalid_argument', `maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  return {
    group: options.group,
    maxAttempts,
    deadLetterTopic: options.deadLetterTopic ?? Topics.deadLetter,
    isRetryable: options.isRetryable ?? defaultIsRetryable,
    backoffMs: exponentialBackoff(backoff),
  };
}
