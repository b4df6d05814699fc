import { describe, expect, it } from 'vitest';
import { captureToWav } from './capture-to-wav';
import { writePcap, type UdpPacket } from './pcap';
import { alignStereo } from './stereo';
import { longestSilence, tonePacket, toneEnergy } from '../../test/support/test-signals';
import { readWav } from './wav';

const T0 = 1_795_831_990_000_000;
const CALLER = { src: '127.0.0.1:42085', dstPort: 40240, ssrc: 111 };
const AGENT = { src: '127.0.0.1:35301', dstPort: 40228, ssrc: 222 };

/** `count` 20 ms packets of a tone from `from`, the first arriving at `startMs`. */
function stream(
  from: typeof CALLER,
  frequency: number,
  startMs: number,
  count: number,
  options: { firstIndex?: number; skip?: number[]; jitterUs?: (i: number) => number } = {},
): UdpPacket[] {
  const out: UdpPacket[] = [];
  const first = options.firstIndex ?? 0;
  for (let i = first; i < first + count; i++) {
    if (options.skip?.includes(i)) continue;
    out.push(
      tonePacket(frequency, i, {
        ...from,
        atUs: T0 + startMs * 1000 + (i - first) * 20_000 + (options.jitterUs?.(i) ?? 0),
      }),
    );
  }
  return out;
}

const known = { localPorts: [40240], endpoints: ['127.0.0.1:42085'] };

describe('stereo recording from a capture', () => {
  it('puts the caller on the left and the agent on the right', () => {
    const pcap = writePcap([...stream(CALLER, 440, 0, 50), ...stream(AGENT, 1300, 5, 50)]);
    const audio = captureToWav([pcap], known);
    const [left, right] = readWav(audio.wav).channels;
    expect(toneEnergy(left!, 440)).toBeGreaterThan(100 * toneEnergy(left!, 1300));
    expect(toneEnergy(right!, 1300)).toBeGreaterThan(100 * toneEnergy(right!, 440));
    expect(audio.durationMs).toBeGreaterThanOrEqual(1000);
    expect(audio.durationMs).toBeLessThan(1030);
    expect(audio.packets).toEqual({ caller: 50, agent: 50 });
    expect(audio.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves the paused stretch silent: two pcaps, the gap between them is silence on both sides', () => {
    // 0.6 s recorded, 0.8 s paused (rtpengine wrote nothing), 0.6 s recorded; the phones kept
    // sending, so RTP time jumps with the wall clock.
    const before = writePcap([...stream(CALLER, 440, 0, 30), ...stream(AGENT, 1300, 0, 30)]);
    const after = writePcap([
      ...stream(CALLER, 440, 1400, 30, { firstIndex: 70 }),
      ...stream(AGENT, 1300, 1400, 30, { firstIndex: 70 }),
    ]);
    // Files arrive in any order (their names are random): time decides.
    const audio = captureToWav([after, before], known);
    const [left, right] = readWav(audio.wav).channels;
    expect(audio.durationMs).toBe(2000);
    const gap = { from: 600 * 8, to: 1400 * 8 };
    expect(longestSilence(left!.subarray(gap.from, gap.to))).toBe(gap.to - gap.from);
    expect(longestSilence(right!.subarray(gap.from, gap.to))).toBe(gap.to - gap.from);
    expect(toneEnergy(left!.subarray(1400 * 8), 440)).toBeGreaterThan(1e5);
    expect(toneEnergy(right!.subarray(1400 * 8), 1300)).toBeGreaterThan(1e5);
  });

  it('fills a lost packet with 20 ms of silence and keeps later audio in place', () => {
    const audio = alignStereo(
      stream(CALLER, 440, 0, 50, { skip: [10] }).map((u) => ({
        side: 'caller' as const,
        atUs: u.atUs,
        rtp: parseRtpOrThrow(u.payload),
      })),
    );
    expect(audio.left.length).toBe(50 * 160);
    expect(longestSilence(audio.left.subarray(10 * 160, 11 * 160))).toBe(160);
    // Packet 20 starts exactly at sample 3200: nothing shifted up to fill the hole.
    expect(audio.left.subarray(20 * 160, 21 * 160).some((s) => s !== 0)).toBe(true);
    expect(longestSilence(audio.left.subarray(11 * 160))).toBeLessThan(10);
  });

  it('places packets by RTP time, not by jittery arrival', () => {
    const jittered = stream(AGENT, 1300, 0, 50, { jitterUs: (i) => (i % 2 ? 15_000 : 0) });
    const audio = captureToWav([writePcap([...stream(CALLER, 440, 0, 50), ...jittered])], known);
    const right = readWav(audio.wav).channels[1]!;
    // With arrival-time placement every odd packet would overlap the next, leaving gaps.
    expect(longestSilence(right.subarray(160, 49 * 160))).toBeLessThan(5);
  });

  it('guesses the first stream heard as the caller when rtpengine could not say', () => {
    const pcap = writePcap([...stream(AGENT, 1300, 0, 20), ...stream(CALLER, 440, 10, 20)]);
    const audio = captureToWav([pcap], null);
    expect(audio.sidesKnown).toBe(false);
    const [left] = readWav(audio.wav).channels;
    expect(toneEnergy(left!, 1300)).toBeGreaterThan(100 * toneEnergy(left!, 440));
  });

  it('gives an empty recording for a capture without audio', () => {
    const audio = captureToWav([writePcap([])], known);
    expect(audio.durationMs).toBe(0);
    expect(audio.startedAt).toBeNull();
    expect(readWav(audio.wav).channels[0]).toHaveLength(0);
  });

  it('refuses a capture spanning more than the limit instead of allocating it', () => {
    const far = [...stream(CALLER, 440, 0, 1), ...stream(CALLER, 440, 20_000_000, 1, { firstIndex: 5 })];
    expect(() => captureToWav([writePcap(far)], known, { maxSeconds: 3600 })).toThrow(/above the limit/);
  });
});

import { parseRtp } from './rtp';
function parseRtpOrThrow(b: Buffer) {
  const r = parseRtp(b);
  if (!r) throw new Error('not RTP');
  return r;
}
