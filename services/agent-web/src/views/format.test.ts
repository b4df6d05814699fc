import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, msSince, stateLabel } from './format';

describe('display formats', () => {
  it('durations as m:ss, and h:mm:ss past an hour', () => {
    expect(formatDuration(75_000)).toBe('1:15');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(undefined)).toBe('0:00');
  });

  it('time since an ISO instant, never negative', () => {
    expect(msSince('2026-01-01T00:00:10Z', Date.parse('2026-01-01T00:00:15Z'))).toBe(5000);
    expect(msSince('2026-01-01T00:00:20Z', Date.parse('2026-01-01T00:00:15Z'))).toBe(0);
    expect(msSince('garbage', 1)).toBe(0);
  });

  it('percent and state labels', () => {
    expect(formatPercent(88.3)).toBe('88 %');
    expect(formatPercent(null)).toBe('–');
    expect(stateLabel('not-ready')).toBe('Not ready');
  });
});
