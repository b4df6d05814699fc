import { toneEnergy } from '../../services/sip-edge/test/support/test-phone';

export interface StereoWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  left: Int16Array;
  right: Int16Array;
}

/** A 16-bit PCM WAV's format and its two channels (left, right) de-interleaved. */
export function parseStereoWav(data: Buffer): StereoWav {
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a RIFF/WAVE file');
  let at = 12;
  let format: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (at + 8 <= data.length) {
    const id = data.toString('ascii', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      format = {
        channels: data.readUInt16LE(at + 10),
        sampleRate: data.readUInt32LE(at + 12),
        bitsPerSample: data.readUInt16LE(at + 22),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('data chunk before fmt chunk');
      const frames = Math.floor(Math.min(size, data.length - at - 8) / (2 * format.channels));
      const left = new Int16Array(frames);
      const right = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        const frame = at + 8 + i * 2 * format.channels;
        left[i] = data.readInt16LE(frame);
        right[i] = format.channels > 1 ? data.readInt16LE(frame + 2) : 0;
      }
      return { ...format, left, right };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/**
 * The strongest energy of `frequency` in any half-second window of `samples` (8 kHz), beside the
 * energy of `other` in that same window: where a tone was sent, it dominates.
 */
export function loudestTone(
  samples: Int16Array,
  frequency: number,
  other: number,
): { energy: number; otherEnergy: number; atSec: number } {
  const window = 4000;
  let best = { energy: 0, otherEnergy: 0, atSec: 0 };
  for (let start = 0; start + window <= samples.length; start += window / 2) {
    const slice = samples.subarray(start, start + window);
    const energy = toneEnergy(slice, frequency);
    if (energy > best.energy) best = { energy, otherEnergy: toneEnergy(slice, other), atSec: start / 8000 };
  }
  return best;
}
