import { context, type Context } from '@opentelemetry/api';
import type { AbortWatch } from './abort-watch';
import type { DeliveredRecord, SubscribeOptions } from './event-bus';
import type { DeliveryPolicy } from './delivery-policy';
import type { SharedEventSource } from './shared-event';
import { extractTraceContext } from './trace-context';

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
  abandon: AbortWatch;
  /**
   * The trace context the record's headers carry, when the adapter already has it (the
   * in-process bus extracts it once per record for all groups). Default: extracted here.
   */
  traceContext?: Context;
  /** The record's shared parsed event, handed to the handler (see SubscribeOptions.handler). */
  shared?: SharedEventSource;
}

const ABANDONED: DeliveryOutcome = Object.freeze({ kind: 'abandoned' });
const HANDLED_AT_ONCE: DeliveryOutcome = Object.freeze({ kind: 'handled', attempts: 1 });

/** Calls the handler until it succeeds, runs out of attempts, or the member stops. */
export function deliverRecord(
  record: DeliveredRecord,
  handler: SubscribeOptions['handler'],
  policy: DeliveryPolicy,
  control: DeliveryControl,
): Promise<DeliveryOutcome> {
  // The handler runs inside the trace context its record carried.
  const traceContext = control.traceContext ?? extractTraceContext(record.headers);
  return attempt(1, { record, handler, policy, control, traceContext });
}

interface Delivery {
  record: DeliveredRecord;
  handler: SubscribeOptions['handler'];
  policy: DeliveryPolicy;
  control: DeliveryControl;
  traceContext: Context;
}

// One promise per attempt besides the handler's own, and no listener churn: the abandon watch
// holds one signal listener for the member's life, and an attempt only adds and removes a
// callback in a Set. Most records succeed at once, so the first attempt resolves straight to the
// outcome; only a failure goes on to the retry path.
function attempt(n: number, delivery: Delivery): Promise<DeliveryOutcome> {
  const { record, handler, control, traceContext } = delivery;
  const { abandon, shared } = control;
  if (abandon.aborted) return Promise.resolve(ABANDONED);
  return new Promise<DeliveryOutcome>((resolve) => {
    // Past the drain deadline the running attempt is given up: the record stays uncommitted.
    // (resolve itself is registered, not a named closure: under tsx those cost per attempt.)
    abandon.add(resolve, ABANDONED);
    let running: Promise<void>;
    try {
      running = context.with(traceContext, handler, undefined, record, shared);
    } catch (error) {
      // A handler that throws before returning its promise fails like one that rejects.
      running = Promise.reject(error);
    }
    running.then(
      () => {
        abandon.remove(resolve);
        resolve(n === 1 ? HANDLED_AT_ONCE : { kind: 'handled', attempts: n });
      },
      (error: unknown) => {
        abandon.remove(resolve);
        if (!abandon.aborted) resolve(afterFailure(n, error, delivery));
      },
    );
  });
}

async function afterFailure(n: number, error: unknown, delivery: Delivery): Promise<DeliveryOutcome> {
  const { policy, control } = delivery;
  if (n >= policy.maxAttempts || !policy.isRetryable(error)) {
    return { kind: 'failed', attempts: n, error };
  }
  if (!(await sleep(policy.backoffMs(n), control.stopping))) return ABANDONED;
  return attempt(n + 1, delivery);
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
