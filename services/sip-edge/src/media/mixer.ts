import { alawDecode, alawEncode, ulawDecode, ulawEncode } from './g711';

// A G.711 conference mixer: each member sends 20 ms frames in and gets its own mix out, summed from
// the members it may hear (a hearing matrix: whisper, barge, conference, consultation, mute). What
// a member hears never includes itself. rtpengine 10.5 cannot mix, so the edge does it for the few
// calls that need it (a supervisor whispering or barging, three-way calls, consultations).

export const FRAME_SAMPLES = 160;

export type Codec = 'PCMA' | 'PCMU';

interface Member {
  codec: Codec;
  /** Decoded frames waiting to be mixed (a small jitter allowance). */
  queue: Int16Array[];
  /** Frames to play to this member instead of (or beside) others, e.g. music on hold. */
  feed?: { frames: Int16Array[]; at: number; loop: boolean };
}

const MAX_QUEUE = 4;
const decoders = { PCMA: alawDecode, PCMU: ulawDecode };
const encoders = { PCMA: alawEncode, PCMU: ulawEncode };

export class Mixer {
  private readonly members = new Map<string, Member>();
  /** member → the members it hears. */
  private hearing = new Map<string, Set<string>>();

  add(id: string, codec: Codec): void {
    this.members.set(id, { codec, queue: [] });
  }

  remove(id: string): void {
    this.members.delete(id);
    this.hearing.delete(id);
    for (const set of this.hearing.values()) set.delete(id);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  get size(): number {
    return this.members.size;
  }

  /** Who hears whom, replacing the previous matrix. Unknown ids are ignored. */
  setHearing(matrix: Record<string, string[]>): void {
    this.hearing = new Map(
      Object.entries(matrix).map(([id, sources]) => [id, new Set(sources.filter((s) => s !== id))]),
    );
  }

  hears(id: string): string[] {
    return [...(this.hearing.get(id) ?? [])];
  }

  /** A frame a member sent (its codec's bytes). */
  input(id: string, payload: Uint8Array): void {
    const member = this.members.get(id);
    if (!member || payload.length === 0) return;
    const decode = decoders[member.codec];
    const pcm = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < Math.min(payload.length, FRAME_SAMPLES); i++) pcm[i] = decode(payload[i]!);
    member.queue.push(pcm);
    // Late and bunched packets: keep the newest few, drop the oldest (latency over completeness).
    if (member.queue.length > MAX_QUEUE) member.queue.shift();
  }

  /** Plays decoded frames to one member (mixed with what it hears); loop for music on hold. */
  feed(id: string, frames: Int16Array[], loop: boolean): void {
    const member = this.members.get(id);
    if (member) member.feed = { frames, at: 0, loop };
  }

  stopFeed(id: string): void {
    const member = this.members.get(id);
    if (member) delete member.feed;
  }

  /**
   * One 20 ms step: takes one frame from every member and returns each member's encoded mix.
   * Members hearing nobody (and with no feed) get nothing, so silence costs no packets.
   */
  tick(): Map<string, Buffer> {
    const current = new Map<string, Int16Array>();
    for (const [id, member] of this.members) {
      const frame = member.queue.shift();
      if (frame) current.set(id, frame);
    }
    const out = new Map<string, Buffer>();
    for (const [id, member] of this.members) {
      const sources = this.hearing.get(id);
      const feedFrame = member.feed ? member.feed.frames[member.feed.at] : undefined;
      if (member.feed) {
        member.feed.at += 1;
        if (member.feed.at >= member.feed.frames.length) {
          if (member.feed.loop) member.feed.at = 0;
          else delete member.feed;
        }
      }
      if ((!sources || sources.size === 0) && !feedFrame) continue;
      const sum = new Int32Array(FRAME_SAMPLES);
      if (feedFrame) for (let i = 0; i < FRAME_SAMPLES; i++) sum[i]! += feedFrame[i] ?? 0;
      for (const source of sources ?? []) {
        const frame = current.get(source);
        if (!frame) continue;
        for (let i = 0; i < FRAME_SAMPLES; i++) sum[i]! += frame[i]!;
      }
      const encode = encoders[member.codec];
      const payload = Buffer.allocUnsafe(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) payload[i] = encode(Math.max(-32768, Math.min(32767, sum[i]!)));
      out.set(id, payload);
    }
    return out;
  }
}

/** The hearing matrices of the supervision and conference modes. */
export const hearingFor = {
  /** Everyone hears everyone (barge, three-way, conference). */
  all(members: string[]): Record<string, string[]> {
    return Object.fromEntries(members.map((m) => [m, members.filter((o) => o !== m)]));
  },
  /** The supervisor coaches the agent: the caller never hears the supervisor. */
  whisper(caller: string, agent: string, supervisor: string): Record<string, string[]> {
    return { [caller]: [agent], [agent]: [caller, supervisor], [supervisor]: [caller, agent] };
  },
  /** Removes a muted member from what everyone else hears. */
  muted(matrix: Record<string, string[]>, muted: Set<string>): Record<string, string[]> {
    return Object.fromEntries(
      Object.entries(matrix).map(([m, sources]) => [m, sources.filter((s) => !muted.has(s))]),
    );
  },
};
