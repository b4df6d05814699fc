import { createHash } from 'node:crypto';
import { readPcap } from './pcap';
import { parseRtp } from './rtp';
import { alignStereo, type Side, type SidePacket } from './stereo';
import { SAMPLE_RATE, stereoWav } from './wav';

/**
 * How to tell the caller's packets in a capture: rtpengine's ports facing the caller (the
 * packets' destination) and the caller's own address (their source), from an ng `query` of the
 * call's "caller" monologue while it was recorded.
 */
export interface CallerMedia {
  localPorts: number[];
  endpoints: string[];
}

export interface RecordingAudio {
  wav: Buffer;
  sha256: string;
  durationMs: number;
  /** When the first recorded packet arrived (ISO), null if the capture held no audio. */
  startedAt: string | null;
  packets: { caller: number; agent: number };
  /** False when the caller's side was guessed (no query answer): the first stream heard. */
  sidesKnown: boolean;
}

/** pcaps of one recording (any order) → a stereo WAV, caller left and agent right. */
export function captureToWav(
  pcaps: Buffer[],
  caller: CallerMedia | null,
  options: { maxSeconds?: number } = {},
): RecordingAudio {
  const udp = pcaps.flatMap((p) => readPcap(p)).sort((a, b) => a.atUs - b.atUs);
  const ports = new Set(caller?.localPorts ?? []);
  const endpoints = new Set(caller?.endpoints ?? []);
  let guessed: string | undefined;
  const packets: SidePacket[] = [];
  for (const d of udp) {
    const rtp = parseRtp(d.payload);
    if (!rtp) continue;
    const source = `${d.src}:${d.srcPort}`;
    let side: Side;
    if (caller) {
      side = ports.has(d.dstPort) || endpoints.has(source) ? 'caller' : 'agent';
    } else {
      guessed ??= source;
      side = source === guessed ? 'caller' : 'agent';
    }
    packets.push({ side, atUs: d.atUs, rtp });
  }
  const { left, right, startUs } = alignStereo(packets, options);
  const wav = stereoWav(left, right);
  return {
    wav,
    sha256: createHash('sha256').update(wav).digest('hex'),
    durationMs: Math.round((left.length * 1000) / SAMPLE_RATE),
    startedAt: startUs === null ? null : new Date(startUs / 1000).toISOString(),
    packets: {
      caller: packets.filter((p) => p.side === 'caller').length,
      agent: packets.filter((p) => p.side === 'agent').length,
    },
    sidesKnown: caller !== null,
  };
}
