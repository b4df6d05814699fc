import { expect } from 'vitest';
import type { LiveState } from '../../src/live-state';
import { LiveStateError, type LiveStateErrorCode } from '../../src/live-state-error';

/** Gives each contract section the adapter opened for the current test. */
export interface ContractContext {
  live(): LiveState;
}

export async function expectLiveStateError(
  promise: Promise<unknown>,
  code: LiveStateErrorCode,
  message?: RegExp,
) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a LiveStateError ${code}`).toBeInstanceOf(LiveStateError);
  expect((error as LiveStateError).code).toBe(code);
  if (message) expect((error as LiveStateError).message).toMatch(message);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; TTLs are enforced lazily and timers are coarse, so never sleep-and-hope. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Subscribes and records what arrives; `until(n)` waits for the n-th message. */
export async function collect(live: LiveState, channel: string) {
  const received: string[] = [];
  const unsubscribe = await live.subscribe(channel, (message) => received.push(message));
  return {
    received,
    unsubscribe,
    until: (count: number) => waitFor(async () => received.length >= count),
  };
}
