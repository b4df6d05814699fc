import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeLiveStateContract } from '../test/live-state-contract';
import { createMemoryLiveState } from './memory-live-state';

describeLiveStateContract('memory', async () => createMemoryLiveState());

describe('memory live state', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops its sweep timer on close', async () => {
    vi.useFakeTimers();
    const live = createMemoryLiveState({ sweepIntervalMs: 50 });
    expect(vi.getTimerCount()).toBe(1);
    await live.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sweeps out expired keys that nobody reads again', async () => {
    vi.useFakeTimers();
    let now = 1_000;
    const live = createMemoryLiveState({ sweepIntervalMs: 50, now: () => now });
    await live.set('forgotten', 'x', { ttlMs: 10 });
    now += 11;
    vi.advanceTimersByTime(50);
    // Turning the clock back before the deadline tells a swept key (gone) from one that would
    // only expire lazily on this read (still there).
    now -= 11;
    expect(await live.pttl('forgotten')).toBe(-2);
    await live.close();
  });

  it('drops messages still in flight when closed', async () => {
    const live = createMemoryLiveState();
    const received: string[] = [];
    await live.subscribe('c', (message) => received.push(message));
    await live.publish('c', 'in flight');
    await live.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([]);
  });
});
