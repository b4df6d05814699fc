// RIFF/WAVE, PCM 16-bit little-endian: what every player and browser <audio> plays.

import { endianness } from 'node:os';

export const SAMPLE_RATE = 8000;
const LITTLE_ENDIAN = endianness() === 'LE';

/** A stereo WAV (left and right interleaved) of two equally long channels. */
export function stereoWav(left: Int16Array, right: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  if (left.length !== right.length) throw new Error('channels differ in length');
  const dataBytes = left.length * 4;
  // Not from the shared pool: the typed-array view below needs an even, owned offset.
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(2, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 4, 28);
  out.writeUInt16LE(4, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  if (LITTLE_ENDIAN) {
    // Interleave in a typed array over the output's own memory: ~10x faster than per-sample writes.
    const frames = new Int16Array(out.buffer, out.byteOffset + 44, left.length * 2);
    for (let i = 0; i < left.length; i++) {
      frames[2 * i] = left[i]!;
      frames[2 * i + 1] = right[i]!;
    }
  } else {
    for (let i = 0; i < left.length; i++) {
      out.writeInt16LE(left[i]!, 44 + i * 4);
      out.writeInt16LE(right[i]!, 46 + i * 4);
    }
  }
  return out;
}

export interface Pcm {
  sampleRate: number;
  channels: Int16Array[];
}

/** The PCM channels of a 16-bit WAV (fmt and data chunks; others skipped). */
export function readWav(data: Buffer): Pcm {
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let at = 12;
  let channels = 0;
  let sampleRate = 0;
  while (at + 8 <= data.length) {
    const id = data.toString('ascii', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = data.readUInt16LE(at + 10);
      sampleRate = data.readUInt32LE(at + 12);
      if (data.readUInt16LE(at + 22) !== 16) throw new Error('only 16-bit WAV is read');
    } else if (id === 'data') {
      if (channels === 0) throw new Error('data before fmt');
      const frames = Math.floor(Math.min(size, data.length - at - 8) / (2 * channels));
      const out = Array.from({ length: channels }, () => new Int16Array(frames));
      for (let f = 0; f < frames; f++) {
        for (let c = 0; c < channels; c++) out[c]![f] = data.readInt16LE(at + 8 + (f * channels + c) * 2);
      }
      return { sampleRate, channels: out };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}
