import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { alawEncode, ulawEncode } from './g711';

// Prompts played from Node: each call's silent inner endpoint becomes a speaker. The WAV is
// decoded once, encoded to the call's G.711 codec once, and sent as 20 ms RTP packets to the port
// rtpengine gave the inner side; rtpengine relays them to the caller (and encrypts or transcodes
// for that leg as it does for any party). Measured on this box, rtpengine 10.5's own "play media"
// costs ~8 ms of rtpengine CPU per command (file open + decode), which capped the edge near 100
// calls/s; relaying a packet costs ~37 µs.

export type G711 = 'PCMA' | 'PCMU';

const FRAME = 160; // 20 ms at 8 kHz
const TICK_MS = 20;
/** At most this many frames per tick when catching up after a stall (no bursts into the network). */
const MAX_CATCH_UP = 3;

interface Stream {
  dest: { host: string; port: number };
  payloadType: number;
  codec: G711;
  ssrc: number;
  seq: number;
  timestamp: number;
  playing?: {
    frames: Buffer[];
    startedAt: number;
    /** Frames sent so far, over all repetitions. */
    sent: number;
    total: number;
    marker: boolean;
    done: () => void;
  };
}

export class WavFormatError extends Error {
  readonly code = 'bad_wav';
  readonly retryable = false;
}

/** What RtpengineMedia needs of a prompt player: RtpPlayer here, or ThreadedRtpPlayer. */
export interface PromptPlayer {
  readonly active: number;
  open(callId: string, dest: { host: string; port: number }, codec: G711, payloadType: number): void;
  has(callId: string): boolean;
  play(callId: string, file: string, repeat?: number): Promise<{ durationMs: number; ended: Promise<void> }>;
  stop(callId: string): void;
  close(callId: string): void;
  shutdown(): void | Promise<void>;
}

export class RtpPlayer implements PromptPlayer {
  private readonly streams = new Map<string, Stream>();
  private readonly cache = new Map<string, Promise<Buffer[]>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly cacheSize = 256,
  ) {}

  get active(): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.playing) n++;
    return n;
  }

  /** Where this call's prompts go (rtpengine's inner-side port) and in which codec. */
  open(callId: string, dest: { host: string; port: number }, codec: G711, payloadType: number): void {
    // Reopened (the call came back to the inner side): a prompt still going to the old
    // destination ends here, or its `ended` would never come.
    const existing = this.streams.get(callId);
    if (existing) this.stopStream(existing);
    // One draw for all three: RFC 3550 wants them random, not independent syscalls.
    const random = randomBytes(10);
    this.streams.set(callId, {
      dest,
      codec,
      payloadType,
      ssrc: random.readUInt32BE(0),
      seq: random.readUInt16BE(4),
      timestamp: random.readUInt32BE(6),
    });
  }

  has(callId: string): boolean {
    return this.streams.has(callId);
  }

  /**
   * Starts playing `file` (8 kHz mono 16-bit WAV) to the call; `repeat` plays it that many times.
   * Resolves the duration of one pass; `ended` resolves when playback finishes or is stopped.
   */
  async play(
    callId: string,
    file: string,
    repeat = 1,
  ): Promise<{ durationMs: number; ended: Promise<void> }> {
    const stream = this.streams.get(callId);
    if (!stream) throw new Error(`no media stream for call ${callId}`);
    const frames = await this.frames(file, stream.codec);
    this.stopStream(stream);
    let done!: () => void;
    const ended = new Promise<void>((resolve) => (done = resolve));
    // Closed while the file loaded: the stream is no longer ticked, so nothing would end it.
    if (frames.length === 0 || this.streams.get(callId) !== stream) {
      done();
      return { durationMs: 0, ended };
    }
    stream.playing = {
      frames,
      startedAt: performance.now(),
      sent: 0,
      total: frames.length * Math.max(1, repeat),
      marker: true,
      done,
    };
    this.ensureTicking();
    return { durationMs: frames.length * TICK_MS, ended };
  }

  stop(callId: string): void {
    const stream = this.streams.get(callId);
    if (stream) this.stopStream(stream);
  }

  close(callId: string): void {
    this.stop(callId);
    this.streams.delete(callId);
  }

  shutdown(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private stopStream(stream: Stream): void {
    const playing = stream.playing;
    stream.playing = undefined;
    playing?.done();
  }

  private ensureTicking(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Sends every frame that is due by the clock (so timer jitter does not change the rate). */
  private tick(): void {
    const now = performance.now();
    let anyPlaying = false;
    for (const stream of this.streams.values()) {
      const p = stream.playing;
      if (!p) continue;
      anyPlaying = true;
      const due = Math.min(p.total, Math.floor((now - p.startedAt) / TICK_MS) + 1);
      // Behind by a lot (the event loop stalled): skip ahead instead of bursting.
      if (due - p.sent > MAX_CATCH_UP * 5) p.sent = due - MAX_CATCH_UP;
      let budget = MAX_CATCH_UP;
      while (p.sent < due && budget-- > 0) {
        this.send(stream, p.frames[p.sent % p.frames.length]!, p.marker);
        p.marker = false;
        p.sent += 1;
      }
      if (p.sent >= p.total) this.stopStream(stream);
    }
    if (!anyPlaying && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private send(stream: Stream, payload: Buffer, marker: boolean): void {
    const header = Buffer.allocUnsafe(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | stream.payloadType;
    header.writeUInt16BE(stream.seq, 2);
    header.writeUInt32BE(stream.timestamp >>> 0, 4);
    header.writeUInt32BE(stream.ssrc, 8);
    stream.seq = (stream.seq + 1) & 0xffff;
    stream.timestamp = (stream.timestamp + FRAME) >>> 0;
    this.socket.send([header, payload], stream.dest.port, stream.dest.host);
  }

  /** The file as 20 ms frames in the codec, decoded once per file and codec. */
  private frames(file: string, codec: G711): Promise<Buffer[]> {
    const key = `${codec}|${file}`;
    let frames = this.cache.get(key);
    if (!frames) {
      frames = readFile(file).then((data) => encodeFrames(readPcm16(data, file), codec));
      this.cache.set(key, frames);
      frames.catch(() => this.cache.delete(key));
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    }
    return frames;
  }
}

/** 8 kHz mono 16-bit PCM of a WAV file. */
export function readPcm16(data: Buffer, name = 'wav'): Int16Array {
  if (
    data.length < 12 ||
    data.toString('ascii', 0, 4) !== 'RIFF' ||
    data.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new WavFormatError(`${name} is not a WAV file`);
  }
  let at = 12;
  let format: { channels: number; rate: number; bits: number; tag: number } | undefined;
  while (at + 8 <= data.length) {
    const id = data.toString('ascii', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      format = {
        tag: data.readUInt16LE(body),
        channels: data.readUInt16LE(body + 2),
        rate: data.readUInt32LE(body + 4),
        bits: data.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (
        !format ||
        format.tag !== 1 ||
        format.channels !== 1 ||
        format.rate !== 8000 ||
        format.bits !== 16
      ) {
        throw new WavFormatError(`${name} is not 8 kHz mono 16-bit PCM`);
      }
      const count = Math.floor(Math.min(size, data.length - body) / 2);
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = data.readInt16LE(body + i * 2);
      return out;
    }
    at = body + size + (size % 2);
  }
  throw new WavFormatError(`${name} has no audio data`);
}

export function encodeFrames(pcm: Int16Array, codec: G711): Buffer[] {
  const encode = codec === 'PCMA' ? alawEncode : ulawEncode;
  const silence = encode(0);
  const frames: Buffer[] = [];
  for (let start = 0; start < pcm.length; start += FRAME) {
    const frame = Buffer.alloc(FRAME, silence);
    for (let i = 0; i < FRAME && start + i < pcm.length; i++) frame[i] = encode(pcm[start + i]!);
    frames.push(frame);
  }
  return frames;
}
