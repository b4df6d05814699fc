import { claimOnce, type LiveState } from '@hotline/live-state';
import type { CallSession } from '../domain/call-session';
import type { DialogInit } from '../sip/dialog';

const CALL_TTL_MS = 6 * 3600_000;
const INDEX = 'sip-edge:calls';

/** A call as live state keeps it: enough for any instance to find its owner or end it cleanly. */
export interface CallRecord {
  callId: string;
  owner: string;
  tenantId: string;
  state: string;
  /** The rtpengine instance anchoring it ("host:port"), its ng call id is the call id. */
  rtpengine: string;
  callerLegId: string;
  /** Every SIP leg's dialog, to send it a BYE. */
  legs: { legId: string; dialog: DialogInit }[];
  /** Mixer members: each has its own rtpengine call "<callId>~<member>". */
  members: string[];
  startedAt: number;
}

/**
 * Calls in progress, in live state: which edge instance holds each call's SIP dialogs and which
 * rtpengine anchors its media. Commands reach every instance and only the owner acts; a command
 * for a call nobody holds is answered "call-gone" exactly once; and when an instance vanishes (no
 * heartbeat) another one claims its calls and ends them cleanly (BYE on every leg, media released,
 * call.ended) instead of leaving callers in dead air until rtpengine's timeout.
 */
export class LiveCallRecords {
  /** When this process started: a record of ours from before it is left over from a restart. */
  private readonly since = Date.now();

  constructor(
    private readonly live: LiveState,
    readonly instance: string,
  ) {}

  private key(callId: string): string {
    return `sip-edge:call:${callId}`;
  }

  async save(
    session: CallSession,
    legs: { legId: string; dialog: DialogInit }[],
    members: string[],
  ): Promise<void> {
    const key = this.key(session.callId);
    await this.live.hset(key, {
      owner: this.instance,
      tenantId: session.tenantId,
      state: session.state,
      rtpengine: session.media?.instance ?? '',
      callerLegId: session.callerLegId,
      legs: JSON.stringify(legs),
      members: JSON.stringify(members),
      startedAt: String(session.startedAtMs),
      updatedAt: new Date().toISOString(),
    });
    await this.live.pexpire(key, CALL_TTL_MS);
    await this.live.sadd(INDEX, session.callId);
  }

  async remove(callId: string): Promise<void> {
    await this.live.del(this.key(callId));
    await this.live.srem(INDEX, callId);
  }

  async owner(callId: string): Promise<string | null> {
    return this.live.hget(this.key(callId), 'owner');
  }

  /** True for the one instance that may answer a command about a call nobody holds. */
  claimGone(commandId: string): Promise<boolean> {
    return this.live.run(claimOnce, [`sip-edge:gone:${commandId}`], [600_000, this.instance]);
  }

  /** One instance places an originate command's call (every instance reads every command). */
  claimOriginate(commandId: string): Promise<boolean> {
    return this.live.run(claimOnce, [`sip-edge:originate:${commandId}`], [600_000, this.instance]);
  }

  /** This instance is alive for another `ttlMs`. */
  async heartbeat(ttlMs: number): Promise<void> {
    await this.live.set(`sip-edge:instance:${this.instance}`, String(Date.now()), { ttlMs });
  }

  async alive(instance: string): Promise<boolean> {
    return (await this.live.get(`sip-edge:instance:${instance}`)) !== null;
  }

  /**
   * Calls whose owner stopped beating, and calls recorded under this instance's own name that it
   * does not hold (it restarted). Records gone meanwhile are dropped from the index.
   */
  async orphans(holds: (callId: string) => boolean): Promise<CallRecord[]> {
    const out: CallRecord[] = [];
    const owners = new Map<string, boolean>();
    for (const callId of await this.live.smembers(INDEX)) {
      const fields = await this.live.hgetall(this.key(callId));
      if (!fields.owner) {
        await this.live.srem(INDEX, callId);
        continue;
      }
      if (fields.owner === this.instance) {
        // Ours and either held, or created by this very process (a call that just ended: its
        // record is on its way out).
        if (holds(callId) || Number(fields.startedAt ?? 0) >= this.since) continue;
      } else {
        let alive = owners.get(fields.owner);
        if (alive === undefined) {
          alive = await this.alive(fields.owner);
          owners.set(fields.owner, alive);
        }
        if (alive) continue;
      }
      out.push({
        callId,
        owner: fields.owner,
        tenantId: fields.tenantId ?? '',
        state: fields.state ?? '',
        rtpengine: fields.rtpengine ?? '',
        callerLegId: fields.callerLegId ?? '',
        legs: parseJson(fields.legs, []),
        members: parseJson(fields.members, []),
        startedAt: Number(fields.startedAt ?? Date.now()),
      });
    }
    return out;
  }

  /** Exactly one surviving instance ends an orphaned call. */
  claimTakeover(callId: string): Promise<boolean> {
    return this.live.run(claimOnce, [`sip-edge:takeover:${callId}`], [60_000, this.instance]);
  }
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
