import type { DeliveredRecord } from './event-bus';
import type { DeliveryPolicy } from './delivery-policy';
import { runInTraceContext } from './trace-context';

export type DeliveryOutcome =
  | { kind: 'handled'; attempts: number }
  /** Out of attempts, or not retryable: the record goes to the dead-letter topic. */
  | { kind: 'failed'; attempts: number; error: unknown }
  /** The member stopped first: the record stays uncommitted and is delivered again later. */
  | { kind: 'abandoned' };

export interface DeliveryControl {
  /** Aborted when the member stops: no further attempt starts and a backoff wait ends at once. */
  stopping: AbortSignal;
  /** Aborted when the drain deadline passed: the running attempt is given up without a commit. */
  abandon: AbortSignal;
}

const ABANDONED = Symbol('abandoned');

/** Calls the handler until it succeeds, runs out of attempts, or the member stops. */
export async function deliverRecord(
  record: DeliveredRecord,
  handler: (record: DeliveredRecord) => Promise<void>,
  policy: DeliveryPolicy,
  control: DeliveryControl,
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await untilAborted(
      runInTraceContext(record.headers, async () => handler(record)).then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      control.abandon,
    );
    if (result === ABANDONED) return { kind: 'abandoned' };
    if (result.ok) return { kind: 'handled', attempts: attempt };
    if (attempt >= policy.maxAttempts || !policy.isRetryable(result.error)) {
      return { kind: 'failed', attempts: attempt, error: result.error };
    }
    if (!(await sleep(policy.backoffMs(attempt), control.stopping))) return { kind: 'abandoned' };
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABANDONED> {
  if (signal.aborted) return Promise.resolve(ABANDONED);
  return new Promise((resolve) => {
    const onAbort = () => resolve(ABANDONED);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
