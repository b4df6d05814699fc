// RTP (RFC 3550) fixed header, with CSRCs, header extension and padding skipped, so only the
// codec payload is left.

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** The RTP packet in a UDP payload, or null for anything else (RTCP, STUN, DTLS, junk). */
export function parseRtp(data: Buffer): RtpPacket | null {
  if (data.length < 12 || data[0]! >> 6 !== 2) return null;
  const payloadType = data[1]! & 0x7f;
  // RTCP shares the port when rtcp-mux is used: its packet types 200–204 land on PT 72–76.
  if (payloadType >= 72 && payloadType <= 76) return null;
  let at = 12 + (data[0]! & 0x0f) * 4;
  if (data[0]! & 0x10) {
    if (at + 4 > data.length) return null;
    at += 4 + data.readUInt16BE(at + 2) * 4;
  }
  let end = data.length;
  if (data[0]! & 0x20) end -= data[data.length - 1]!;
  if (at > end) return null;
  return {
    payloadType,
    marker: (data[1]! & 0x80) !== 0,
    sequence: data.readUInt16BE(2),
    timestamp: data.readUInt32BE(4),
    ssrc: data.readUInt32BE(8),
    payload: data.subarray(at, end),
  };
}

/** A minimal RTP packet (version 2, no extensions), for tests and crafted captures. */
export function buildRtp(p: Omit<RtpPacket, 'marker'> & { marker?: boolean }): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  header.writeUInt16BE(p.sequence & 0xffff, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc >>> 0, 8);
  return Buffer.concat([header, p.payload]);
}
