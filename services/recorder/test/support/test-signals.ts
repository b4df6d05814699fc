import { alawEncode } from '../../../sip-edge/src/media/g711';
import type { UdpPacket } from '../../src/media/pcap';
import { buildRtp } from '../../src/media/rtp';

export { toneEnergy } from '../../../sip-edge/test/support/test-phone';

// Crafted RTP streams for tests: a sine tone as 20 ms PCMA packets from one address to another.

export function tonePacket(
  frequency: number,
  index: number,
  options: { ssrc: number; atUs: number; src: string; dstPort: number; amplitude?: number },
): UdpPacket {
  const amplitude = options.amplitude ?? 8000;
  const samples = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) {
    const n = index * 160 + i;
    samples[i] = alawEncode(amplitude * Math.sin((2 * Math.PI * frequency * n) / 8000));
  }
  const [host = '127.0.0.1', port = '4000'] = options.src.split(':');
  return {
    atUs: options.atUs,
    src: host,
    srcPort: Number(port),
    dst: '127.0.0.1',
    dstPort: options.dstPort,
    payload: buildRtp({
      payloadType: 8,
      sequence: index,
      timestamp: index * 160,
      ssrc: options.ssrc,
      payload: samples,
    }),
  };
}

/** The longest run of exact zeros. */
export function longestSilence(samples: Int16Array): number {
  let best = 0;
  let run = 0;
  for (const s of samples) {
    run = s === 0 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}
