import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range';

describe('HTTP Range', () => {
  it('serves the whole object without a header', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
  });

  it('reads a closed range, clipping its end to the object', () => {
    expect(parseRange('bytes=10-19', 100)).toEqual({ kind: 'partial', range: { start: 10, end: 19 } });
    expect(parseRange('bytes=90-500', 100)).toEqual({ kind: 'partial', range: { start: 90, end: 99 } });
  });

  it('reads an open range and a suffix range', () => {
    expect(parseRange('bytes=44-', 100)).toEqual({ kind: 'partial', range: { start: 44, end: 99 } });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', range: { start: 90, end: 99 } });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', range: { start: 0, end: 99 } });
  });

  it('says unsatisfiable for a start beyond the end', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not serve: other units, several ranges, a reversed range', () => {
    expect(parseRange('items=1-2', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=20-10', 100)).toEqual({ kind: 'whole' });
  });
});
