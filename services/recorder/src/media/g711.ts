// ITU-T G.711 decoding (A-law PT 8, µ-law PT 0) to 16-bit linear PCM through 256-entry tables:
// a recording decodes 8000 bytes per second per side, so the table lookup is what matters.

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = ((a & 0x0f) << 4) + (exponent === 0 ? 8 : 0x108);
  if (exponent > 1) magnitude <<= exponent - 1;
  return a & 0x80 ? magnitude : -magnitude;
}

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = (((u & 0x0f) << 3) + 0x84) << exponent;
  return u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

const ALAW = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));
const ULAW = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));

export const PT_PCMU = 0;
export const PT_PCMA = 8;

/** Decodes G.711 bytes of payload type 0 or 8 into `out` at `offset` (clipped to its length). */
export function decodeG711(payloadType: number, payload: Uint8Array, out: Int16Array, offset: number): void {
  const table = payloadType === PT_PCMA ? ALAW : ULAW;
  const end = Math.min(payload.length, out.length - offset);
  for (let i = Math.max(0, -offset); i < end; i++) out[offset + i] = table[payload[i]!]!;
}

export function decodeG711Frame(payloadType: number, payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  decodeG711(payloadType, payload, out, 0);
  return out;
}
