import { setImmediate } from 'node:timers';

// A consumer whose handler only touches memory never hands the event loop back: its promise
// resolves in microtasks and the next record follows at once. Behind a backlog, the partition
// workers of one process could then hold the thread for seconds while SIP messages, rtpengine
// replies and timers wait (and a proxy retransmits, times out, marks the instance down). So every
// worker asks before a record; once the thread has run SLICE_MS without a turn of the event loop,
// they all wait for the same setImmediate, which runs after the loop's I/O poll.
// (setImmediate comes from node:timers at load, so tests with fake timers do not stop the bus.)

const SLICE_MS = 10;
/**
 * Records the background groups (reporting) may start per turn of the event loop, all together:
 * one per worker per turn let 80 of reporting's workers (16 partitions x 5 topics) stretch every
 * turn, and each hop of a call waits a turn under load. When the thread is idle, turns follow one
 * another at once and a backlog still drains quickly.
 */
const BACKGROUND_PER_TURN = 4;

let backgroundStarted = 0;

let sliceStart = performance.now();
let pending: Promise<void> | undefined;

/** Resolves on the next turn of the event loop, after its I/O: one promise for every caller of a turn. */
export function nextTurn(): Promise<void> {
  pending ??= new Promise(turn);
  return pending;
}

function turn(resolve: () => void): void {
  setImmediate(() => {
    pending = undefined;
    sliceStart = performance.now();
    backgroundStarted = 0;
    resolve();
  });
}

/** A promise to await before the next record when the thread has been busy too long, else undefined. */
export function fairShare(): Promise<void> | undefined {
  if (pending) return pending;
  if (performance.now() - sliceStart < SLICE_MS) return undefined;
  return nextTurn();
}

/** Resolves when a background group may handle its next record (see BACKGROUND_PER_TURN). */
export async function backgroundTurn(): Promise<void> {
  for (;;) {
    await nextTurn();
    if (backgroundStarted < BACKGROUND_PER_TURN) {
      backgroundStarted++;
      return;
    }
  }
}
