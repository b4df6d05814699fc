import type { HotlineEvent } from '@hotline/contracts';

// Which agent is on which call, learned from the bus (every API process sees every agent and
// call event through its own broadcast consumer). The desk asks it two things on every request:
// "is this agent on this call?" (an agent may only command its own calls) and "which legs does
// the call have?" (hold and mute name a leg). Both are O(1) map lookups.
//
// The legs: the caller's leg is announced by call.offered; the agent's by call.bridged
// (legIds = [caller, agent]). Holding puts the *caller's* leg on hold (the edge plays music to
// it and blocks both directions); muting silences the *agent's* leg towards the caller.

export interface TrackedCall {
  tenantId: string;
  callerLegId?: string;
  agentLegId?: string;
  /**
   * Each agent's own leg: in a three-way call (a party added while bridged) the edge announces
   * the third leg with call.bridged too, so the latest agent leg is not every agent's leg.
   */
  agentLegs: Map<string, string>;
  queueId?: string;
  /** Agents ringing or connected on the call. */
  agents: Set<string>;
}

export interface PendingOffer {
  reservationId: string;
  callId: string;
  queueId: string;
  ringTimeoutMs: number;
  /** ms since epoch the ring started; a reconnecting desk sees what is left of it. */
  at: number;
}

/** What one event touched, so the live channel can route it without looking again. */
export interface Touched {
  callId?: string;
  /** Agents on the call when the event arrived (before an end removed them). */
  agents: string[];
}

const agentKey = (tenantId: string, agentId: string) => `${tenantId}\u0000${agentId}`;

const onCallStates = new Set(['reserved', 'ringing', 'on-call', 'on-hold']);

export class CallTracker {
  private readonly calls = new Map<string, TrackedCall>();
  private readonly agentCalls = new Map<string, Set<string>>();
  private readonly lastCalls = new Map<string, string>();
  private readonly offers = new Map<string, PendingOffer>();

  /** At most this many calls are kept; beyond it the oldest are forgotten (a lost call.ended). */
  constructor(private readonly maxCalls = 200_000) {}

  get size(): number {
    return this.calls.size;
  }

  call(tenantId: string, callId: string): TrackedCall | undefined {
    const call = this.calls.get(callId);
    return call && call.tenantId === tenantId ? call : undefined;
  }

  isOnCall(tenantId: string, agentId: string, callId: string): boolean {
    return this.call(tenantId, callId)?.agents.has(agentId) ?? false;
  }

  /** The call the agent is on now (the latest, should there be several). */
  currentCall(tenantId: string, agentId: string): string | undefined {
    const calls = this.agentCalls.get(agentKey(tenantId, agentId));
    return calls ? [...calls].at(-1) : undefined;
  }

  /** The call the agent is on, or else the one it last finished (what a wrap-up is about). */
  lastCall(tenantId: string, agentId: string): string | undefined {
    return this.currentCall(tenantId, agentId) ?? this.lastCalls.get(agentKey(tenantId, agentId));
  }

  pendingOffer(tenantId: string, agentId: string): PendingOffer | undefined {
    return this.offers.get(agentKey(tenantId, agentId));
  }

  apply(event: HotlineEvent, now = Date.now()): Touched {
    const t = event.tenantId;
    switch (event.type) {
      case 'call.offered': {
        const call = this.ensure(t, event.data.callId);
        call.callerLegId = event.data.legId;
        return this.touched(event.data.callId);
      }
      case 'queue.joined':
        this.ensure(t, event.data.callId).queueId = event.data.queueId;
        return this.touched(event.data.callId);
      case 'agent.reserved': {
        const d = event.data;
        const call = this.join(t, d.callId, d.agentId);
        call.queueId = d.queueId;
        this.offers.set(agentKey(t, d.agentId), {
          reservationId: d.reservationId,
          callId: d.callId,
          queueId: d.queueId,
          ringTimeoutMs: d.ringTimeoutMs,
          at: now,
        });
        return this.touched(d.callId);
      }
      case 'agent.reservation.ended': {
        const d = event.data;
        const key = agentKey(t, d.agentId);
        if (this.offers.get(key)?.reservationId === d.reservationId) this.offers.delete(key);
        const touched = this.touched(d.callId);
        if (d.outcome !== 'answered') this.leave(t, d.callId, d.agentId);
        return touched;
      }
      case 'call.answered':
        if (event.data.agentId) this.answered(t, event.data.callId, event.data.agentId);
        return this.touched(event.data.callId);
      case 'call.bridged': {
        const d = event.data;
        const call = this.ensure(t, d.callId);
        call.callerLegId ??= d.legIds[0];
        if (d.agentId) {
          call.agentLegId = d.legIds[1];
          if (d.legIds[1]) call.agentLegs.set(d.agentId, d.legIds[1]);
          this.answered(t, d.callId, d.agentId);
        }
        return this.touched(d.callId);
      }
      case 'agent.state.changed': {
        const d = event.data;
        if (d.callId && onCallStates.has(d.to)) this.join(t, d.callId, d.agentId);
        else this.offCalls(t, d.agentId, d.to === 'wrap-up' ? d.callId : undefined);
        return d.callId ? this.touched(d.callId) : { agents: [d.agentId] };
      }
      case 'call.transferred': {
        const touched = this.touched(event.data.callId);
        // A blind transfer hangs the first agent up; a consultative one keeps it until it leaves.
        if (event.data.kind === 'blind' && event.data.fromAgentId)
          this.leave(t, event.data.callId, event.data.fromAgentId);
        return touched;
      }
      case 'call.ended': {
        const touched = this.touched(event.data.callId);
        const call = this.call(t, event.data.callId);
        if (call) {
          for (const agentId of call.agents) {
            this.lastCalls.set(agentKey(t, agentId), event.data.callId);
            this.leave(t, event.data.callId, agentId);
          }
          this.calls.delete(event.data.callId);
        }
        return touched;
      }
      default:
        return 'callId' in event.data && typeof event.data.callId === 'string'
          ? this.touched(event.data.callId)
          : { agents: [] };
    }
  }

  private touched(callId: string): Touched {
    return { callId, agents: [...(this.calls.get(callId)?.agents ?? [])] };
  }

  private ensure(tenantId: string, callId: string): TrackedCall {
    let call = this.calls.get(callId);
    if (!call) {
      call = { tenantId, agents: new Set(), agentLegs: new Map() };
      this.calls.set(callId, call);
      if (this.calls.size > this.maxCalls) this.forgetOldest();
    }
    return call;
  }

  private forgetOldest(): void {
    const [callId, call] = this.calls.entries().next().value as [string, TrackedCall];
    for (const agentId of call.agents) this.leave(call.tenantId, callId, agentId);
    this.calls.delete(callId);
  }

  private join(tenantId: string, callId: string, agentId: string): TrackedCall {
    const call = this.ensure(tenantId, callId);
    call.agents.add(agentId);
    const key = agentKey(tenantId, agentId);
    let calls = this.agentCalls.get(key);
    if (!calls) this.agentCalls.set(key, (calls = new Set()));
    calls.add(callId);
    return call;
  }

  private answered(tenantId: string, callId: string, agentId: string): void {
    this.join(tenantId, callId, agentId);
    const key = agentKey(tenantId, agentId);
    if (this.offers.get(key)?.callId === callId) this.offers.delete(key);
  }

  private leave(tenantId: string, callId: string, agentId: string): void {
    this.calls.get(callId)?.agents.delete(agentId);
    const key = agentKey(tenantId, agentId);
    const calls = this.agentCalls.get(key);
    calls?.delete(callId);
    if (calls?.size === 0) this.agentCalls.delete(key);
    if (this.offers.get(key)?.callId === callId) this.offers.delete(key);
  }

  /** The agent left every call (ready, not-ready, logged out, or wrap-up after `wrapped`). */
  private offCalls(tenantId: string, agentId: string, wrapped: string | undefined): void {
    const key = agentKey(tenantId, agentId);
    if (wrapped) this.lastCalls.set(key, wrapped);
    for (const callId of [...(this.agentCalls.get(key) ?? [])]) this.leave(tenantId, callId, agentId);
    this.offers.delete(key);
  }
}
