import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { parseAudio, buildAudioSdp } from '../../src/media/sdp';
import { decodeAlaw, encodeAlaw } from '../../src/media/g711';
import type { Dialog } from '../../src/sip/dialog';
import { parseNameAddr } from '../../src/sip/sip-uri';
import { openUdpTransport } from '../../src/sip/udp-transport';
import { SipUserAgent } from '../../src/sip/user-agent';

export interface RtpPacket {
  /** Which of the phone's audio streams (m-lines) it arrived on. */
  stream: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  payload: Buffer;
  at: number;
}

/**
 * A softphone for tests, built on the edge's own SIP stack: places or answers one call, sends a
 * tone (or nothing), and records every RTP packet it receives so tests can check what was heard.
 */
export class TestPhone {
  readonly received: RtpPacket[] = [];
  dialog: Dialog | undefined;
  private remote: { host: string; port: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly ua: SipUserAgent,
    private readonly sockets: Socket[],
  ) {
    sockets.forEach((socket, stream) =>
      socket.on('message', (data) => {
        if (data.length < 12) return;
        this.received.push({
          stream,
          seq: data.readUInt16BE(2),
          timestamp: data.readUInt32BE(4),
          ssrc: data.readUInt32BE(8),
          payloadType: data[1]! & 0x7f,
          payload: Buffer.from(data.subarray(12)),
          at: Date.now(),
        });
      }),
    );
  }

  private get rtp(): Socket {
    return this.sockets[0]!;
  }

  /** A phone with `streams` audio streams (2 for a supervisor listening to both sides). */
  static async open(sipPort: number, streams = 1): Promise<TestPhone> {
    const transport = await openUdpTransport({ host: '127.0.0.1', port: sipPort });
    const ua = new SipUserAgent({ transport, contactUser: 'phone', product: 'hotline-test-phone' });
    const sockets: Socket[] = [];
    for (let i = 0; i < streams; i++) {
      const rtp = createSocket('udp4');
      await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
      sockets.push(rtp);
    }
    return new TestPhone(ua, sockets);
  }

  get rtpPort(): number {
    return this.rtp.address().port;
  }

  sdp(): string {
    if (this.sockets.length === 1) {
      return buildAudioSdp({
        address: '127.0.0.1',
        port: this.rtpPort,
        codec: { payloadType: 8, name: 'PCMA', clockRate: 8000 },
        dtmfPayloadType: 101,
      });
    }
    // A listener: one receive-only stream per m-line offered.
    const media = this.sockets.flatMap((socket) => [
      `m=audio ${socket.address().port} RTP/AVP 8 101`,
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=recvonly',
    ]);
    return [
      'v=0',
      'o=listener 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      ...media,
      '',
    ].join('\r\n');
  }

  /** Calls `target` through `proxy`; resolves once answered. */
  async call(target: string, proxy: { host: string; port: number }, from = '+15550122'): Promise<Dialog> {
    const outgoing = this.ua.invite({
      target,
      from: parseNameAddr(`<sip:${from}@127.0.0.1>`),
      to: parseNameAddr(`<${target}>`),
      body: Buffer.from(this.sdp()),
      destination: proxy,
    });
    const outcome = await outgoing.outcome;
    if (outcome.kind !== 'answered') throw new Error(`call failed: ${outcome.status} ${outcome.reason}`);
    this.dialog = outcome.dialog;
    this.learnRemote(outcome.response.body.toString());
    this.followReinvites(outcome.dialog);
    return outcome.dialog;
  }

  /**
   * Answers the next incoming call (after `ringMs`); resolves once media can flow (for an INVITE
   * without an offer, once the ACK brought the answer).
   */
  answerNext(ringMs = 100): Promise<Dialog> {
    return new Promise((resolve) => {
      this.ua.onInvite = (invite) => {
        invite.progress(180);
        setTimeout(() => {
          const offer = invite.request.body.toString();
          const dialog = invite.answer(Buffer.from(this.sdp()));
          this.dialog = dialog;
          this.followReinvites(dialog);
          if (offer.length > 0) {
            this.learnRemote(offer);
            resolve(dialog);
            return;
          }
          // An INVITE without an offer (a call the edge places): our 2xx offers, the ACK answers.
          dialog.onConfirmed = () => {
            if (dialog.ackBody) this.learnRemote(dialog.ackBody.toString());
            resolve(dialog);
          };
        }, ringMs);
      };
    });
  }

  /** Sends a sine tone as 20 ms PCMA packets until stopped. */
  sendTone(frequency: number, amplitude = 8000): void {
    const ssrc = (Math.random() * 2 ** 32) >>> 0;
    let seq = 0;
    let phase = 0;
    this.timer = setInterval(() => {
      if (!this.remote) return;
      const samples = new Int16Array(160);
      for (let i = 0; i < 160; i++)
        samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * (phase + i)) / 8000));
      phase += 160;
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 8;
      header.writeUInt16BE(seq++ & 0xffff, 2);
      header.writeUInt32BE(phase >>> 0, 4);
      header.writeUInt32BE(ssrc, 8);
      this.rtp.send(Buffer.concat([header, encodeAlaw(samples)]), this.remote.port, this.remote.host);
    }, 20);
  }

  /**
   * Presses a key as RFC 4733 telephone-events (payload type 101, as our SDP offers): one event
   * for `ms`, a packet every 20 ms with the same timestamp and growing duration, the end packet
   * three times (the RFC's answer to loss). Resolves once sent.
   */
  async sendDtmf(digit: string, ms = 120): Promise<void> {
    const event = '0123456789*#'.indexOf(digit);
    if (event < 0) throw new Error(`not a DTMF key: ${digit}`);
    if (!this.remote) throw new Error('no call to send DTMF on');
    const ssrc = (Math.random() * 2 ** 32) >>> 0;
    const timestamp = (Math.random() * 2 ** 32) >>> 0;
    const seq0 = (Math.random() * 2 ** 16) >>> 0;
    const packet = (n: number, duration: number, end: boolean) => {
      const data = Buffer.alloc(16);
      data[0] = 0x80;
      data[1] = (n === 0 ? 0x80 : 0) | 101;
      data.writeUInt16BE((seq0 + n) & 0xffff, 2);
      data.writeUInt32BE(timestamp, 4);
      data.writeUInt32BE(ssrc, 8);
      data[12] = event;
      data[13] = (end ? 0x80 : 0) | 10;
      data.writeUInt16BE(duration, 14);
      return data;
    };
    const steps = Math.max(1, Math.round(ms / 20));
    for (let n = 0; n < steps + 3; n++) {
      const duration = Math.min(steps, n + 1) * 160;
      this.rtp.send(packet(n, duration, n >= steps), this.remote.port, this.remote.host);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stopTone(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** PCMA packets received since `since` (ms epoch) on `stream`, in sequence order per SSRC, decoded. */
  heard(since = 0, stream = 0): Int16Array {
    const packets = this.received.filter((p) => p.payloadType === 8 && p.at >= since && p.stream === stream);
    const bySsrc = new Map<number, RtpPacket[]>();
    for (const p of packets) bySsrc.set(p.ssrc, [...(bySsrc.get(p.ssrc) ?? []), p]);
    const chunks: Int16Array[] = [];
    for (const list of bySsrc.values()) {
      list.sort((a, b) => a.seq - b.seq);
      for (const p of list) chunks.push(decodeAlaw(p.payload));
    }
    const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** A re-INVITE moves our media (into the edge's mixer): send there from now on. */
  private followReinvites(dialog: Dialog): void {
    dialog.onReinvite = async (request) => {
      this.learnRemote(request.body.toString());
      return { status: 200, body: Buffer.from(this.sdp()), contentType: 'application/sdp' };
    };
  }

  private learnRemote(sdp: string): void {
    const audio = parseAudio(sdp);
    this.remote = { host: audio.address, port: audio.port };
  }

  async close(): Promise<void> {
    this.stopTone();
    if (this.dialog && this.dialog.state !== 'terminated') await this.dialog.bye().catch(() => undefined);
    this.ua.close();
    await this.ua.transport.close();
    await Promise.all(
      this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    );
  }
}

/** 16-bit mono PCM samples of a WAV file (the data chunk). */
export function readWav(path: string): Int16Array {
  const data = readFileSync(path);
  let at = 12;
  while (at + 8 <= data.length) {
    const id = data.toString('ascii', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    if (id === 'data') {
      const samples = new Int16Array(Math.floor(Math.min(size, data.length - at - 8) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(at + 8 + i * 2);
      return samples;
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Energy of one frequency (Goertzel), normalised by length. */
export function toneEnergy(samples: Int16Array, frequency: number): number {
  const k = 2 * Math.cos((2 * Math.PI * frequency) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / Math.max(1, samples.length);
}

/**
 * How well `heard` matches a stretch of `reference`: the best normalised cross-correlation over
 * alignments (the capture starts somewhere inside the prompt), 1 = identical waveform.
 */
export function bestCorrelation(reference: Int16Array, heard: Int16Array, window = 4000): number {
  const probe = heard.subarray(0, Math.min(window, heard.length));
  let best = 0;
  for (let lag = 0; lag + probe.length <= reference.length; lag += 1) {
    let dot = 0;
    let a2 = 0;
    let b2 = 0;
    for (let i = 0; i < probe.length; i++) {
      const a = reference[lag + i]!;
      const b = probe[i]!;
      dot += a * b;
      a2 += a * a;
      b2 += b * b;
    }
    if (a2 > 0 && b2 > 0) best = Math.max(best, dot / Math.sqrt(a2 * b2));
  }
  return best;
}
