import { decodeG711, PT_PCMA, PT_PCMU } from './g711';
import type { RtpPacket } from './rtp';
import { SAMPLE_RATE } from './wav';

export type Side = 'caller' | 'agent';

/** An RTP packet as rtpengine received it from one side of the call. */
export interface SidePacket {
  side: Side;
  /** Arrival at rtpengine, microseconds since the epoch (the pcap record time). */
  atUs: number;
  rtp: RtpPacket;
}

export interface StereoAudio {
  /** The caller, 8 kHz 16-bit. */
  left: Int16Array;
  /** The agent side (agent, or the edge's mix during a conference), 8 kHz 16-bit. */
  right: Int16Array;
  /** When sample 0 was heard, microseconds since the epoch; null when nothing was recorded. */
  startUs: number | null;
}

export class RecordingTooLongError extends Error {
  readonly code = 'recording_too_long';
  readonly retryable = false;
  constructor(seconds: number, limit: number) {
    super(`the capture spans ${seconds.toFixed(0)} s, above the limit of ${limit} s`);
    this.name = 'RecordingTooLongError';
  }
}

/**
 * Two channels on one time line. Arrival time places the first packet of each RTP stream (and
 * of each stretch after a pause, when arrival and RTP time disagree by more than REANCHOR);
 * within a stream the RTP timestamp places every packet to the sample, so network jitter does
 * not smear the audio and a lost packet leaves 20 ms of silence instead of shifting the rest.
 * Whatever no packet covers — a pause (rtpengine wrote nothing), loss, a side that was quiet or
 * on hold — stays silence.
 */
export function alignStereo(packets: SidePacket[], options: { maxSeconds?: number } = {}): StereoAudio {
  const audio = packets
    .filter((p) => p.rtp.payloadType === PT_PCMA || p.rtp.payloadType === PT_PCMU)
    .sort((a, b) => a.atUs - b.atUs);
  const first = audio[0];
  if (!first) return { left: new Int16Array(0), right: new Int16Array(0), startUs: null };
  const startUs = first.atUs;

  const anchors = new Map<string, { sample: number; timestamp: number }>();
  const placed: { packet: SidePacket; sample: number }[] = [];
  let length = 0;
  for (const packet of audio) {
    const byArrival = Math.round(((packet.atUs - startUs) * SAMPLE_RATE) / 1_000_000);
    const key = `${packet.side}:${packet.rtp.ssrc}`;
    const anchor = anchors.get(key);
    let sample = byArrival;
    if (anchor) {
      // RTP timestamps are 32-bit and wrap: the signed difference is what elapsed.
      const elapsed = (packet.rtp.timestamp - anchor.timestamp) | 0;
      const byTimestamp = anchor.sample + elapsed;
      if (Math.abs(byTimestamp - byArrival) <= REANCHOR_SAMPLES) sample = byTimestamp;
      else anchors.set(key, { sample: byArrival, timestamp: packet.rtp.timestamp });
    } else {
      anchors.set(key, { sample: byArrival, timestamp: packet.rtp.timestamp });
    }
    placed.push({ packet, sample });
    length = Math.max(length, sample + packet.rtp.payload.length);
  }
  const maxSeconds = options.maxSeconds ?? 4 * 3600;
  if (length > maxSeconds * SAMPLE_RATE) throw new RecordingTooLongError(length / SAMPLE_RATE, maxSeconds);

  const left = new Int16Array(length);
  const right = new Int16Array(length);
  for (const { packet, sample } of placed) {
    decodeG711(packet.rtp.payloadType, packet.rtp.payload, packet.side === 'caller' ? left : right, sample);
  }
  return { left, right, startUs };
}

/** Half a second: more than any jitter buffer, less than any pause a person makes. */
const REANCHOR_SAMPLES = SAMPLE_RATE / 2;
