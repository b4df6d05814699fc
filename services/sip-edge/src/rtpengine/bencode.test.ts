import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bdecode, bencode, BencodeError } from './bencode';

describe('bencode', () => {
  it('encodes dictionaries with sorted keys, as rtpengine expects', () => {
    expect(
      bencode({ 'to-tag': 'b', command: 'offer', flags: ['port latching'], 'repeat-times': 3 }).toString(),
    ).toBe('d7:command5:offer5:flagsl13:port latchinge12:repeat-timesi3e6:to-tag1:be');
  });

  it('counts string lengths in bytes, not characters', () => {
    expect(bencode('é').toString('latin1')).toBe('2:\xc3\xa9');
  });

  it('keeps binary blobs byte for byte (rtpengine-client 0.4.12 corrupts them)', () => {
    const blob = Buffer.from([0, 255, 128, 10, 13]);
    const encoded = bencode({ blob });
    expect(encoded.subarray(encoded.length - 6, encoded.length - 1)).toEqual(blob);
  });

  it('places a blob between text exactly where it belongs', () => {
    const blob = Buffer.from([0, 255, 58, 101]);
    expect(bencode(['é', blob, { k: 1 }])).toEqual(
      Buffer.concat([Buffer.from('l2:\xc3\xa94:', 'latin1'), blob, Buffer.from('d1:ki1eee')]),
    );
  });

  it('round-trips text structures', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string(),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(bdecode(bencode(v as never))).toEqual(v);
      }),
    );
  });

  it('refuses truncated and trailing input with BencodeError', () => {
    for (const bad of ['d3:abc', 'i12', '5:abc', 'l', 'i1ei2e', 'x']) {
      expect(() => bdecode(Buffer.from(bad)), bad).toThrow(BencodeError);
    }
  });

  it('refuses non-integer numbers on encode', () => {
    expect(() => bencode(1.5)).toThrow(BencodeError);
  });
});
