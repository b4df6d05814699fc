// libpcap capture files (the classic format, not pcapng), as rtpengine's userspace "pcap"
// recording method writes them: one record per RTP packet rtpengine received, with a fake
// Ethernet header (--recording-format=eth) or none (raw), IPv4 or IPv6, UDP.

export class PcapError extends Error {
  readonly code = 'pcap_invalid';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'PcapError';
  }
}

/** One UDP datagram of a capture. */
export interface UdpPacket {
  /** Capture time, microseconds since the epoch. */
  atUs: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const PROTO_UDP = 17;

/**
 * Every UDP datagram in a pcap file. Non-UDP records and IP fragments are passed over; a file
 * cut short mid-record (rtpengine still writing, a crash) yields the records before the cut.
 */
export function readPcap(data: Buffer): UdpPacket[] {
  if (data.length < 24) throw new PcapError(`too short for a pcap header (${data.length} bytes)`);
  const magic = data.readUInt32LE(0);
  let little: boolean;
  let nanos: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    little = true;
    nanos = magic === 0xa1b23c4d;
  } else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    little = false;
    nanos = magic === 0x4d3cb2a1;
  } else {
    throw new PcapError(`not a pcap file (magic 0x${magic.toString(16)})`);
  }
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;
  if (![LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6].includes(linkType)) {
    throw new PcapError(`unsupported link type ${linkType}`);
  }
  const packets: UdpPacket[] = [];
  let at = 24;
  while (at + 16 <= data.length) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const captured = u32(at + 8);
    const body = at + 16;
    if (body + captured > data.length) break;
    const atUs = seconds * 1_000_000 + (nanos ? Math.floor(fraction / 1000) : fraction);
    const udp = udpOf(data.subarray(body, body + captured), linkType, atUs);
    if (udp) packets.push(udp);
    at = body + captured;
  }
  return packets;
}

function udpOf(frame: Buffer, linkType: number, atUs: number): UdpPacket | null {
  let ip = frame;
  if (linkType === LINKTYPE_ETHERNET) {
    if (frame.length < 14) return null;
    let type = frame.readUInt16BE(12);
    let offset = 14;
    if (type === ETHERTYPE_VLAN && frame.length >= 18) {
      type = frame.readUInt16BE(16);
      offset = 18;
    }
    if (type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_IPV6) return null;
    ip = frame.subarray(offset);
  }
  if (ip.length < 1) return null;
  const version = ip[0]! >> 4;
  if (version === 4) {
    if (ip.length < 20) return null;
    const headerLength = (ip[0]! & 0x0f) * 4;
    const flagsFragment = ip.readUInt16BE(6);
    // A later fragment (offset > 0) carries no UDP header; a first fragment with "more" is cut.
    if ((flagsFragment & 0x1fff) !== 0 || (flagsFragment & 0x2000) !== 0) return null;
    if (ip[9] !== PROTO_UDP) return null;
    const total = Math.min(ip.readUInt16BE(2) || ip.length, ip.length);
    return udpFrom(ip.subarray(headerLength, total), ipv4(ip, 12), ipv4(ip, 16), atUs);
  }
  if (version === 6) {
    if (ip.length < 40 || ip[6] !== PROTO_UDP) return null;
    return udpFrom(ip.subarray(40, 40 + ip.readUInt16BE(4)), ipv6(ip, 8), ipv6(ip, 24), atUs);
  }
  return null;
}

function udpFrom(udp: Buffer, src: string, dst: string, atUs: number): UdpPacket | null {
  if (udp.length < 8) return null;
  const length = Math.min(udp.readUInt16BE(4), udp.length);
  if (length < 8) return null;
  return {
    atUs,
    src,
    srcPort: udp.readUInt16BE(0),
    dst,
    dstPort: udp.readUInt16BE(2),
    payload: udp.subarray(8, length),
  };
}

const ipv4 = (b: Buffer, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

function ipv6(b: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(at + i).toString(16));
  return groups.join(':');
}

/** A pcap file of UDP/IPv4 datagrams behind a zeroed Ethernet header, as rtpengine writes. */
export function writePcap(packets: UdpPacket[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  const records = packets.map((p) => {
    const udpLength = 8 + p.payload.length;
    const frame = Buffer.alloc(14 + 20 + udpLength);
    frame.writeUInt16BE(ETHERTYPE_IPV4, 12);
    frame[14] = 0x45;
    frame.writeUInt16BE(20 + udpLength, 16);
    frame[22] = 64;
    frame[23] = PROTO_UDP;
    p.src.split('.').forEach((x, i) => (frame[26 + i] = Number(x)));
    p.dst.split('.').forEach((x, i) => (frame[30 + i] = Number(x)));
    frame.writeUInt16BE(p.srcPort, 34);
    frame.writeUInt16BE(p.dstPort, 36);
    frame.writeUInt16BE(udpLength, 38);
    p.payload.copy(frame, 42);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(p.atUs / 1_000_000), 0);
    record.writeUInt32LE(p.atUs % 1_000_000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}
