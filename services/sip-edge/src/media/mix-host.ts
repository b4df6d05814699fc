import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { FRAME_SAMPLES, Mixer, type Codec } from './mixer';

// The network side of the mixer: one UDP socket per member (rtpengine relays each member's audio
// to its own port, so the port says who is talking), and a 20 ms clock that sends each member its
// mix back through rtpengine.

interface MemberIo {
  socket: Socket;
  payloadType: number;
  dest?: { host: string; port: number };
  ssrc: number;
  seq: number;
  timestamp: number;
}

export class CallMix {
  readonly mixer = new Mixer();
  private readonly io = new Map<string, MemberIo>();
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private ticks = 0;

  constructor(private readonly host: string) {}

  get members(): string[] {
    return [...this.io.keys()];
  }

  /** A new member: its receive port (for the SDP rtpengine gets as this member's far end). */
  async addMember(id: string, codec: Codec, payloadType: number): Promise<{ port: number }> {
    const existing = this.io.get(id);
    if (existing) return { port: existing.socket.address().port };
    const socket = createSocket('udp4');
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      if (data.length <= 12 || (data[1]! & 0x7f) !== payloadType) return;
      const cc = data[0]! & 0x0f;
      const extension = (data[0]! & 0x10) !== 0;
      let offset = 12 + cc * 4;
      if (extension && data.length >= offset + 4) offset += 4 + data.readUInt16BE(offset + 2) * 4;
      this.mixer.input(id, data.subarray(offset));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.mixer.add(id, codec);
    const random = randomBytes(10);
    this.io.set(id, {
      socket,
      payloadType,
      ssrc: random.readUInt32BE(0),
      seq: random.readUInt16BE(4),
      timestamp: random.readUInt32BE(6),
    });
    this.ensureTicking();
    return { port: socket.address().port };
  }

  /** Where the member's mix goes: the port rtpengine offered for the mixer's side. */
  setDest(id: string, dest: { host: string; port: number }): void {
    const io = this.io.get(id);
    if (io) io.dest = dest;
  }

  removeMember(id: string): void {
    const io = this.io.get(id);
    if (!io) return;
    this.io.delete(id);
    this.mixer.remove(id);
    io.socket.close();
  }

  close(): void {
    for (const id of [...this.io.keys()]) this.removeMember(id);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private ensureTicking(): void {
    if (this.timer) return;
    this.started = performance.now();
    this.ticks = 0;
    this.timer = setInterval(() => {
      // Catch up on late timer callbacks so the mix keeps 50 frames a second.
      const due = Math.floor((performance.now() - this.started) / 20);
      let budget = 3;
      while (this.ticks < due && budget-- > 0) {
        this.ticks += 1;
        this.step();
      }
      if (due - this.ticks > 10) this.ticks = due;
    }, 20);
  }

  private step(): void {
    const frames = this.mixer.tick();
    for (const [id, io] of this.io) {
      const payload = frames.get(id);
      if (payload && io.dest) {
        const header = Buffer.allocUnsafe(12);
        header[0] = 0x80;
        header[1] = io.payloadType;
        header.writeUInt16BE(io.seq, 2);
        header.writeUInt32BE(io.timestamp >>> 0, 4);
        header.writeUInt32BE(io.ssrc, 8);
        io.seq = (io.seq + 1) & 0xffff;
        io.socket.send([header, payload], io.dest.port, io.dest.host);
      }
      // RTP time runs on through silence, so receivers see the gap for what it is.
      io.timestamp = (io.timestamp + FRAME_SAMPLES) >>> 0;
    }
  }
}
