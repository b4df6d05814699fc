import { HotlineError } from '@hotline/platform';

export interface WavInfo {
  /** WAVE format tag: 1 linear PCM, 6 A-law, 7 µ-law (G.711, what trunks carry). */
  formatTag: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  durationMs: number;
  /** The file with its RIFF and data sizes made exact. */
  bytes: Buffer;
}

const FORMATS = new Map([
  [1, 'PCM'],
  [6, 'A-law'],
  [7, 'µ-law'],
]);

function bad(message: string): HotlineError {
  return new HotlineError('validation_failed', `not a usable WAV file: ${message}`, {
    fields: [{ field: '(body)', message }],
  });
}

/**
 * Reads a RIFF/WAVE file's format and audio length. Streaming writers (espeak-ng --stdout)
 * cannot know the length up front and write 0x7fffffff-ish sizes; the sizes are fixed here
 * to the bytes actually present, so players and the media server read the file as it is.
 */
export function parseWav(input: Buffer): WavInfo {
  if (input.length < 44) throw bad('too short for a WAV header');
  if (input.toString('ascii', 0, 4) !== 'RIFF' || input.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('no RIFF/WAVE header');
  }
  let offset = 12;
  let fmt: Omit<WavInfo, 'durationMs' | 'bytes'> | undefined;
  let blockAlign = 0;
  while (offset + 8 <= input.length) {
    const id = input.toString('ascii', offset, offset + 4);
    const declared = input.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (declared < 16 || body + 16 > input.length) throw bad('fmt chunk too short');
      const formatTag = input.readUInt16LE(body);
      const channels = input.readUInt16LE(body + 2);
      const sampleRate = input.readUInt32LE(body + 4);
      blockAlign = input.readUInt16LE(body + 12);
      const bitsPerSample = input.readUInt16LE(body + 14);
      if (!FORMATS.has(formatTag)) throw bad(`format ${formatTag} (PCM, A-law or µ-law only)`);
      if (channels < 1 || channels > 2) throw bad(`${channels} channels (1 or 2 only)`);
      if (sampleRate < 8000 || sampleRate > 48_000) throw bad(`sample rate ${sampleRate} (8000–48000 only)`);
      if (![8, 16, 24, 32].includes(bitsPerSample)) throw bad(`${bitsPerSample} bits per sample`);
      if (blockAlign !== (channels * bitsPerSample) / 8) throw bad('block align does not match the format');
      fmt = { formatTag, channels, sampleRate, bitsPerSample };
    } else if (id === 'data') {
      if (!fmt) throw bad('data before fmt');
      const available = input.length - body;
      const size = Math.min(declared, available);
      const frames = Math.floor(size / blockAlign);
      if (frames === 0) throw bad('no audio samples');
      const bytes = Buffer.from(input.subarray(0, body + frames * blockAlign));
      bytes.writeUInt32LE(bytes.length - 8, 4);
      bytes.writeUInt32LE(frames * blockAlign, offset + 4);
      return { ...fmt, durationMs: Math.round((frames * 1000) / fmt.sampleRate), bytes };
    }
    offset = body + declared + (declared % 2);
  }
  throw bad('no data chunk');
}
