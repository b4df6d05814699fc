// Just enough SDP (RFC 4566 / 3264) for the edge: where a party wants audio, in which codecs, and
// in which direction. rtpengine rewrites the rest.

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface AudioCodec {
  payloadType: number;
  /** Upper-case encoding name, e.g. PCMA, PCMU, TELEPHONE-EVENT, OPUS. */
  name: string;
  clockRate: number;
}

export interface AudioDescription {
  address: string;
  port: number;
  protocol: string;
  codecs: AudioCodec[];
  direction: Direction;
}

const staticPayloads: Record<number, [string, number]> = {
  0: ['PCMU', 8000],
  3: ['GSM', 8000],
  4: ['G723', 8000],
  8: ['PCMA', 8000],
  9: ['G722', 8000],
  18: ['G729', 8000],
};

export class SdpError extends Error {
  readonly code = 'bad_sdp';
  readonly retryable = false;
}

/** The first audio stream of an SDP body; throws SdpError when there is none. */
export function parseAudio(sdp: string): AudioDescription {
  const lines = sdp.split(/\r?\n/).map((l) => l.trim());
  let sessionAddress: string | undefined;
  let inAudio = false;
  let seenAudio = false;
  let sessionDirection: Direction | undefined;
  let audio: Partial<AudioDescription> & { formats?: number[]; rtpmap?: Map<number, AudioCodec> } = {};
  for (const line of lines) {
    if (line.startsWith('m=')) {
      if (seenAudio) break;
      inAudio = line.startsWith('m=audio ');
      if (inAudio) {
        seenAudio = true;
        const m = /^m=audio (\d+)(?:\/\d+)? (\S+) (.*)$/.exec(line);
        if (!m) throw new SdpError(`bad media line "${line}"`);
        audio = {
          port: Number(m[1]),
          protocol: m[2]!,
          formats: m[3]!
            .trim()
            .split(/\s+/)
            .map(Number)
            .filter((n) => Number.isInteger(n)),
          rtpmap: new Map(),
        };
      }
      continue;
    }
    if (line.startsWith('c=')) {
      const address = /^c=IN IP[46] (\S+)/.exec(line)?.[1]?.split('/')[0];
      if (!address) continue;
      if (inAudio) audio.address = address;
      else if (!seenAudio) sessionAddress = address;
      continue;
    }
    const dir = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(line)?.[1] as Direction | undefined;
    if (dir) {
      if (inAudio) audio.direction = dir;
      else if (!seenAudio) sessionDirection = dir;
      continue;
    }
    if (inAudio) {
      const rtpmap = /^a=rtpmap:(\d+) ([^/\s]+)\/(\d+)/.exec(line);
      if (rtpmap) {
        const pt = Number(rtpmap[1]);
        audio.rtpmap!.set(pt, {
          payloadType: pt,
          name: rtpmap[2]!.toUpperCase(),
          clockRate: Number(rtpmap[3]),
        });
      }
    }
  }
  if (!seenAudio || audio.port === undefined) throw new SdpError('no audio stream in SDP');
  const address = audio.address ?? sessionAddress;
  if (!address) throw new SdpError('no connection address in SDP');
  const codecs = (audio.formats ?? []).map((pt) => {
    const mapped = audio.rtpmap!.get(pt);
    if (mapped) return mapped;
    const fixed = staticPayloads[pt];
    return { payloadType: pt, name: fixed?.[0] ?? `PT${pt}`, clockRate: fixed?.[1] ?? 8000 };
  });
  return {
    address,
    port: audio.port,
    protocol: audio.protocol!,
    codecs,
    direction: audio.direction ?? sessionDirection ?? 'sendrecv',
  };
}

/** G.711 first: what the edge's own endpoints (prompts, the silent IVR side) speak. */
export function chooseG711(offer: AudioDescription): AudioCodec | undefined {
  return (
    offer.codecs.find((c) => c.name === 'PCMA' && c.clockRate === 8000) ??
    offer.codecs.find((c) => c.name === 'PCMU' && c.clockRate === 8000)
  );
}

export function telephoneEvent(offer: AudioDescription): AudioCodec | undefined {
  return offer.codecs.find((c) => c.name === 'TELEPHONE-EVENT' && c.clockRate === 8000);
}

export interface BuildAudioOptions {
  address: string;
  port: number;
  codec: AudioCodec;
  /** RFC 4733 events payload type, when the peer offered them. */
  dtmfPayloadType?: number;
  direction?: Direction;
  sessionId?: number;
}

/** A plain RTP/AVP audio SDP with one codec (and telephone-event). */
export function buildAudioSdp(options: BuildAudioOptions): string {
  const session = options.sessionId ?? Math.floor(Math.random() * 1e9);
  const formats = [
    options.codec.payloadType,
    ...(options.dtmfPayloadType !== undefined ? [options.dtmfPayloadType] : []),
  ];
  const lines = [
    'v=0',
    `o=hotline ${session} 1 IN IP4 ${options.address}`,
    's=hotline',
    `c=IN IP4 ${options.address}`,
    't=0 0',
    `m=audio ${options.port} RTP/AVP ${formats.join(' ')}`,
    `a=rtpmap:${options.codec.payloadType} ${options.codec.name}/${options.codec.clockRate}`,
  ];
  if (options.dtmfPayloadType !== undefined) {
    lines.push(
      `a=rtpmap:${options.dtmfPayloadType} telephone-event/8000`,
      `a=fmtp:${options.dtmfPayloadType} 0-16`,
    );
  }
  lines.push('a=ptime:20', `a=${options.direction ?? 'sendrecv'}`, '');
  return lines.join('\r\n');
}
