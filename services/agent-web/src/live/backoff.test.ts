import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff';

describe('reconnect backoff', () => {
  it('doubles its bound per attempt, between half and all of it', () => {
    expect(retryDelayMs(0, { baseMs: 1000, random: () => 0 })).toBe(500);
    expect(retryDelayMs(0, { baseMs: 1000, random: () => 1 })).toBe(1000);
    expect(retryDelayMs(3, { baseMs: 1000, random: () => 1 })).toBe(8000);
  });

  it('never exceeds the maximum, however many attempts', () => {
    expect(retryDelayMs(500, { baseMs: 1000, maxMs: 20_000, random: () => 1 })).toBe(20_000);
  });
});
