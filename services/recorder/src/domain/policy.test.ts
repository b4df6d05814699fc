import { describe, expect, it } from 'vitest';
import { decideRecording, sampleBucket, type ScopedPolicy } from './policy';

const p = (
  source: ScopedPolicy['source'],
  mode: ScopedPolicy['policy']['mode'],
  percentage: number | null = null,
  allowPause = true,
): ScopedPolicy => ({
  source,
  policy: { mode, percentage, allowPause },
});

describe('recording policy', () => {
  it('records nothing when no policy applies', () => {
    expect(decideRecording('call-1', [])).toMatchObject({ record: false, source: null });
  });

  it('records every call under "all"', () => {
    expect(decideRecording('call-1', [p('hotline', 'all')])).toMatchObject({
      record: true,
      source: 'hotline',
    });
  });

  it('lets the strongest policy win: a tenant-wide "all" beats a hotline left at "none"', () => {
    expect(decideRecording('call-1', [p('hotline', 'none'), p('tenant', 'all')])).toMatchObject({
      record: true,
      source: 'tenant',
    });
  });

  it('leaves on-demand calls to be started by hand', () => {
    expect(decideRecording('call-1', [p('queue', 'on-demand')])).toMatchObject({
      record: false,
      mode: 'on-demand',
    });
  });

  it('samples about the given share of calls, the same calls every time', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `call-${i}`);
    const picked = ids.filter((id) => decideRecording(id, [p('queue', 'percentage', 25)]).record);
    expect(picked.length / ids.length).toBeGreaterThan(0.22);
    expect(picked.length / ids.length).toBeLessThan(0.28);
    const again = ids.filter((id) => decideRecording(id, [p('queue', 'percentage', 25)]).record);
    expect(again).toEqual(picked);
  });

  it('samples with the highest percentage when several apply', () => {
    const id = Array.from({ length: 100 }, (_, i) => `c${i}`).find(
      (c) => sampleBucket(c) >= 10 && sampleBucket(c) < 50,
    )!;
    expect(decideRecording(id, [p('tenant', 'percentage', 10), p('queue', 'percentage', 50)]).record).toBe(
      true,
    );
  });

  it('allows pausing only when every applying policy allows it', () => {
    expect(
      decideRecording('c', [p('tenant', 'all', null, true), p('queue', 'none', null, false)]).allowPause,
    ).toBe(false);
  });
});
