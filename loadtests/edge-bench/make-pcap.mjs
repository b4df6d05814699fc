// Writes a pcap of PCMA RTP (20 ms packets, a 440 Hz tone) for SIPp's play_pcap_audio: SIPp ships
// only a 30 ms g711a.pcap, and 20 ms (50 packets/s each way) is what real phones send.
//   node make-pcap.mjs OUT.pcap SECONDS
import { writeFileSync } from 'node:fs';

const [out = 'g711a-20ms.pcap', secondsText = '10'] = process.argv.slice(2);
const packets = Math.round(Number(secondsText) * 50);

function alaw(sample) {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm >= 0 ? 0x80 : 0;
  if (pcm < 0) pcm = -pcm - 1;
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = exponent === 0 ? (pcm >> 4) & 0x0f : (pcm >> (exponent + 3)) & 0x0f;
  return ((sign | (exponent << 4) | mantissa) ^ 0x55) & 0xff;
}

const chunks = [];
const global = Buffer.alloc(24);
global.writeUInt32LE(0xa1b2c3d4, 0);
global.writeUInt16LE(2, 4);
global.writeUInt16LE(4, 6);
global.writeUInt32LE(65535, 16);
global.writeUInt32LE(1, 20); // Ethernet
chunks.push(global);

for (let n = 0; n < packets; n++) {
  const rtp = Buffer.alloc(12 + 160);
  rtp[0] = 0x80;
  rtp[1] = 8;
  rtp.writeUInt16BE(n & 0xffff, 2);
  rtp.writeUInt32BE((n * 160) >>> 0, 4);
  rtp.writeUInt32BE(0x12345678, 8);
  for (let i = 0; i < 160; i++)
    rtp[12 + i] = alaw(6000 * Math.sin((2 * Math.PI * 440 * (n * 160 + i)) / 8000));
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(40000, 0);
  udp.writeUInt16BE(40002, 2);
  udp.writeUInt16BE(8 + rtp.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + rtp.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  ip.set([127, 0, 0, 1], 12);
  ip.set([127, 0, 0, 1], 16);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const frame = Buffer.concat([eth, ip, udp, rtp]);
  const record = Buffer.alloc(16);
  const usec = n * 20_000;
  record.writeUInt32LE(Math.floor(usec / 1e6), 0);
  record.writeUInt32LE(usec % 1e6, 4);
  record.writeUInt32LE(frame.length, 8);
  record.writeUInt32LE(frame.length, 12);
  chunks.push(record, frame);
}
writeFileSync(out, Buffer.concat(chunks));
