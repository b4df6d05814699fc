import { describe, expect, it } from 'vitest';
import { HotlineError } from '@hotline/platform';
import { parseWav } from './wav';

function wav(
  options: { rate?: number; format?: number; bits?: number; samples?: number; declaredData?: number } = {},
) {
  const { rate = 8000, format = 1, bits = 16, samples = 80 } = options;
  const align = bits / 8;
  const data = samples * align;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(format, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * align, 28);
  b.writeUInt16LE(align, 32);
  b.writeUInt16LE(bits, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(options.declaredData ?? data, 40);
  return b;
}

describe('WAV parsing', () => {
  it('reads format and duration of linear PCM', () => {
    expect(parseWav(wav({ rate: 8000, samples: 800 }))).toMatchObject({
      formatTag: 1,
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      durationMs: 100,
    });
  });

  it('accepts G.711 µ-law', () => {
    expect(parseWav(wav({ format: 7, bits: 8, samples: 8000 })).durationMs).toBe(1000);
  });

  it('fixes the sizes a streaming writer left unknown', () => {
    const streamed = wav({ samples: 80, declaredData: 0x7ffff000 });
    streamed.writeUInt32LE(0x7ffff024, 4);
    const info = parseWav(streamed);
    expect(info.bytes.readUInt32LE(4)).toBe(info.bytes.length - 8);
    expect(info.bytes.readUInt32LE(40)).toBe(160);
  });

  it('refuses compressed formats and files that are not WAV', () => {
    expect(() => parseWav(wav({ format: 85 }))).toThrow(HotlineError);
    expect(() => parseWav(Buffer.from('ID3 this is an mp3 file, honest, with padding...'))).toThrow(/RIFF/);
    expect(() => parseWav(Buffer.alloc(10))).toThrow(/too short/);
  });
});
