import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode, ulawDecode, ulawEncode } from './g711';

describe('G.711', () => {
  it('A-law: every code decodes to a value that encodes back to the same code', () => {
    for (let code = 0; code < 256; code++) expect(alawEncode(alawDecode(code))).toBe(code);
  });

  it('µ-law: every code except negative zero decodes and re-encodes to itself', () => {
    for (let code = 0; code < 256; code++) {
      if (code === 0x7f) continue; // -0 and +0 share the value 0
      expect(ulawEncode(ulawDecode(code))).toBe(code);
    }
  });

  it('keeps the quantisation error within the segment step (about 3 % of the value)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (sample) => {
        const a = alawDecode(alawEncode(sample));
        const u = ulawDecode(ulawEncode(sample));
        const tolerance = Math.max(32, Math.abs(sample) / 16);
        return (
          Math.abs(a - sample) <= tolerance &&
          Math.abs(u - Math.max(-32635, Math.min(32635, sample))) <= tolerance
        );
      }),
    );
  });

  it('knows the table values of the standard (A-law 0xD5 is the smallest positive step)', () => {
    expect(alawDecode(0xd5)).toBe(8);
    expect(alawDecode(0x55)).toBe(-8);
    expect(alawEncode(0)).toBe(0xd5);
    expect(ulawEncode(0)).toBe(0xff);
  });
});
