import { describe, expect, it } from 'vitest';
import { alawEncode, ulawEncode } from '../../../sip-edge/src/media/g711';
import { decodeG711Frame, PT_PCMA, PT_PCMU } from './g711';

describe('G.711 decoding', () => {
  it('decodes A-law silence and full scale to the ITU values', () => {
    expect([...decodeG711Frame(PT_PCMA, Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a]))]).toEqual([
      8, -8, 32256, -32256,
    ]);
  });

  it('decodes µ-law silence and full scale to the ITU values', () => {
    expect([...decodeG711Frame(PT_PCMU, Uint8Array.from([0xff, 0x7f, 0x80, 0x00]))]).toEqual([
      0, 0, 32124, -32124,
    ]);
  });

  it('decodes what sip-edge’s encoder made within the law’s quantisation step', () => {
    for (const x of [-20000, -1000, -37, 0, 55, 1234, 16000, 30000]) {
      const a = decodeG711Frame(PT_PCMA, Uint8Array.from([alawEncode(x)]))[0]!;
      const u = decodeG711Frame(PT_PCMU, Uint8Array.from([ulawEncode(x)]))[0]!;
      const step = Math.max(16, Math.abs(x) / 16);
      expect(Math.abs(a - x)).toBeLessThanOrEqual(step);
      expect(Math.abs(u - x)).toBeLessThanOrEqual(step);
    }
  });
});
