import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('list cursors', () => {
  it('round-trips the last id', () => {
    expect(decodeCursor(encodeCursor('agt-0001'))).toBe('agt-0001');
  });

  it('refuses text that is not a cursor, naming the field', () => {
    expect(() => decodeCursor('bm90IGpzb24')).toThrow(
      expect.objectContaining({ status: 400, fields: [expect.objectContaining({ field: 'cursor' })] }),
    );
  });
});
