import { describe, expect, it } from 'vitest';
import { PcapError, readPcap, writePcap } from './pcap';
import { parseRtp } from './rtp';
import { tonePacket } from '../../test/support/test-signals';

describe('pcap reader', () => {
  const packets = [0, 1, 2].map((i) =>
    tonePacket(440, i, {
      ssrc: 7,
      atUs: 1_795_831_990_000_000 + i * 20_000,
      src: '10.0.0.5:42085',
      dstPort: 40240,
    }),
  );

  it('reads each UDP datagram with its addresses, ports and microsecond time', () => {
    const read = readPcap(writePcap(packets));
    expect(read).toHaveLength(3);
    expect(read[1]).toMatchObject({
      atUs: 1_795_831_990_020_000,
      src: '10.0.0.5',
      srcPort: 42085,
      dst: '127.0.0.1',
      dstPort: 40240,
    });
    const rtp = parseRtp(read[2]!.payload);
    expect(rtp).toMatchObject({ payloadType: 8, sequence: 2, timestamp: 320, ssrc: 7 });
    expect(rtp!.payload).toHaveLength(160);
  });

  it('keeps the records before a cut when the file ends mid-record (still being written)', () => {
    const file = writePcap(packets);
    expect(readPcap(file.subarray(0, file.length - 50))).toHaveLength(2);
  });

  it('reads a big-endian capture with nanosecond times', () => {
    const little = writePcap(packets.slice(0, 1));
    const big = Buffer.from(little);
    big.writeUInt32BE(0xa1b23c4d, 0);
    big.writeUInt16BE(2, 4);
    big.writeUInt16BE(4, 6);
    big.writeUInt32BE(65535, 16);
    big.writeUInt32BE(1, 20);
    big.writeUInt32BE(1_795_831_990, 24);
    big.writeUInt32BE(500_000_000, 28);
    big.writeUInt32BE(little.readUInt32LE(32), 32);
    big.writeUInt32BE(little.readUInt32LE(36), 36);
    expect(readPcap(big)[0]!.atUs).toBe(1_795_831_990_500_000);
  });

  it('passes over records that are not UDP', () => {
    const file = writePcap(packets.slice(0, 1));
    file[24 + 16 + 14 + 9] = 6; // global header, record header, Ethernet, IPv4 protocol: TCP
    expect(readPcap(file)).toHaveLength(0);
  });

  it('refuses a file that is not a pcap, saying why', () => {
    expect(() => readPcap(Buffer.from('RIFF....WAVEfmt fake header bytes'))).toThrow(PcapError);
    expect(() => readPcap(Buffer.alloc(10))).toThrow(/too short/);
  });
});

describe('RTP header', () => {
  it('skips CSRCs, an extension and padding to reach the payload', () => {
    const header = Buffer.from([0xb1, 8, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9]);
    const csrc = Buffer.alloc(4);
    const extension = Buffer.from([0xbe, 0xde, 0, 1, 1, 2, 3, 4]);
    const payload = Buffer.from([1, 2, 3]);
    const padding = Buffer.from([0, 0, 3]);
    const rtp = parseRtp(Buffer.concat([header, csrc, extension, payload, padding]));
    expect(rtp?.payload).toEqual(payload);
  });

  it('is not fooled by RTCP on a muxed port', () => {
    expect(parseRtp(Buffer.from([0x80, 200, 0, 6, ...Array(24).fill(0)]))).toBeNull();
  });
});
