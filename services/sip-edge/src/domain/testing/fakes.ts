// Hand-written fakes of the domain's ports, for unit tests of call control.
import type { EventData, EventType, PromptRef } from '@hotline/contracts';
import type {
  AnsweredLeg,
  CallEventSink,
  CallingAgent,
  DialledTarget,
  Dialer,
  DialResult,
  DialTarget,
  Directory,
  InboundOffer,
  LegEndCause,
  MediaServer,
  MediaSession,
  OriginateAttempt,
  OriginateResult,
  OutboundAttempt,
  PlayablePrompt,
  PromptLibrary,
  Timers,
} from '../ports';
import type { CallSessionDeps } from '../call-session';

/** Timers that only move when the test says so. */
export class ManualClock implements Timers {
  private time = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, firing due timers in order and letting promises settle in between. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

export class FakeLeg implements AnsweredLeg {
  ended: LegEndCause | undefined;
  hungUp = false;
  private endHandlers: ((cause: LegEndCause) => void)[] = [];
  reinviteHandler: ((sdp: string) => Promise<string>) | undefined;

  constructor(readonly legId: string) {}

  onEnded(handler: (cause: LegEndCause) => void): void {
    this.endHandlers.push(handler);
  }

  onReinvite(handler: (offerSdp: string) => Promise<string>): void {
    this.reinviteHandler = handler;
  }

  onRefer(): void {
    // REFER is not exercised here.
  }

  reinvites: string[] = [];
  async reinvite(offerSdp: string): Promise<string> {
    this.reinvites.push(offerSdp);
    return `v=0 reinvite-answer ${this.legId}`;
  }

  async hangup(): Promise<void> {
    this.hungUp = true;
  }

  /** The far end sends BYE. */
  remoteBye(): void {
    this.ended = 'remote-bye';
    for (const h of this.endHandlers) h('remote-bye');
  }
}

export class FakeOffer implements InboundOffer {
  readonly sipCallId = 'sip-call-1@trunk';
  readonly sdp = 'v=0\r\nm=audio 4000 RTP/AVP 8 101\r\n';
  readonly ani = '+15550111';
  readonly dnis = '+15550100';
  readonly trunk = 'carrier-a';
  readonly tenantId = 't1';
  readonly hotlineId = 'h1';
  rang = false;
  rejected: number | undefined;
  leg: FakeLeg | undefined;
  private cancelled: (() => void) | undefined;

  ring(): void {
    this.rang = true;
  }

  answer(): AnsweredLeg {
    this.leg = new FakeLeg('leg-caller');
    return this.leg;
  }

  reject(status: number): void {
    this.rejected = status;
  }

  onCancelled(handler: () => void): void {
    this.cancelled = handler;
  }

  /** The caller sends CANCEL. */
  cancel(): void {
    this.cancelled?.();
  }
}

export class FakeMedia implements MediaServer {
  readonly calls: string[] = [];
  playMs = 1000;
  failAnchor = false;
  private readonly session: MediaSession = { callId: 'call-1', instance: 'rtpe-1' };

  async anchor(): Promise<{ session: MediaSession; callerAnswerSdp: string }> {
    this.calls.push('anchor');
    if (this.failAnchor) throw new Error('rtpengine down');
    return { session: this.session, callerAnswerSdp: 'v=0 answer' };
  }
  async anchorDirect(
    _id: string,
    _sdp: string,
    options: { webrtc: boolean },
  ): Promise<{ session: MediaSession; partyOfferSdp: string }> {
    this.calls.push(`anchorDirect${options.webrtc ? ':webrtc' : ''}`);
    if (this.failAnchor) throw new Error('rtpengine down');
    return { session: this.session, partyOfferSdp: 'v=0 offer-to-party' };
  }
  async completeDirect(_s: MediaSession, sdp: string): Promise<string> {
    this.calls.push(`completeDirect:${sdp}`);
    return 'v=0 answer-for-caller';
  }
  async offerToParty(_s: MediaSession, options: { webrtc: boolean }): Promise<string> {
    this.calls.push(`offerToParty${options.webrtc ? ':webrtc' : ''}`);
    return 'v=0 offer-to-party';
  }
  async connectParty(_s: MediaSession, sdp: string): Promise<void> {
    this.calls.push(`connectParty:${sdp}`);
  }
  async disconnectParty(): Promise<void> {
    this.calls.push('disconnectParty');
  }
  async reoffer(_s: MediaSession, side: string): Promise<string> {
    this.calls.push(`reoffer:${side}`);
    return 'v=0 reanswer';
  }
  async listen(
    _s: MediaSession,
    options: { webrtc: boolean },
  ): Promise<{ subscription: string; offerSdp: string }> {
    this.calls.push(`listen${options.webrtc ? ':webrtc' : ''}`);
    return { subscription: 'sub-1', offerSdp: 'v=0 listen-offer' };
  }
  async confirmListen(_s: MediaSession, subscription: string, sdp: string): Promise<void> {
    this.calls.push(`confirmListen:${subscription}:${sdp}`);
  }
  async stopListening(_s: MediaSession, subscription: string): Promise<void> {
    this.calls.push(`stopListening:${subscription}`);
  }
  readonly hearing: Record<string, string[]>[] = [];
  async mix(): Promise<void> {
    this.calls.push('mix');
  }
  async memberOffer(_s: MediaSession, member: string): Promise<string> {
    this.calls.push(`memberOffer:${member}`);
    return `v=0 member-offer ${member}`;
  }
  async memberAnswer(_s: MediaSession, member: string, sdp: string): Promise<void> {
    this.calls.push(`memberAnswer:${member}:${sdp}`);
  }
  async removeMember(_s: MediaSession, member: string): Promise<void> {
    this.calls.push(`removeMember:${member}`);
  }
  setHearing(_s: MediaSession, matrix: Record<string, string[]>): void {
    this.hearing.push(matrix);
  }
  async feedMember(_s: MediaSession, member: string, file: string | undefined): Promise<void> {
    this.calls.push(`feed:${member}:${file ?? 'stop'}`);
  }
  async play(_s: MediaSession, file: string, options?: { repeat?: number }): Promise<{ durationMs: number }> {
    this.calls.push(`play:${file}${options?.repeat ? `x${options.repeat}` : ''}`);
    return { durationMs: this.playMs };
  }
  async stopPlay(): Promise<void> {
    this.calls.push('stopPlay');
  }
  async block(_s: MediaSession, from: string, blocked: boolean): Promise<void> {
    this.calls.push(`${blocked ? 'block' : 'unblock'}:${from}`);
  }
  async record(_s: MediaSession, op: string): Promise<void> {
    this.calls.push(`record:${op}`);
  }
  async release(): Promise<void> {
    this.calls.push('release');
  }
}

export class FakeAttempt implements OutboundAttempt {
  cancelled = false;
  readonly result: Promise<DialResult>;
  resolve!: (result: DialResult) => void;

  constructor(
    readonly legId: string,
    readonly target: DialTarget,
  ) {
    this.result = new Promise((r) => (this.resolve = r));
  }

  onRinging(): void {
    // Ringing is not reported to the domain's callers.
  }

  cancel(): void {
    this.cancelled = true;
    // A cancelled INVITE ends with 487, as the SIP layer reports it.
    this.resolve({ kind: 'failed', status: 487, reason: 'Request Terminated' });
  }

  answer(): FakeLeg {
    const leg = new FakeLeg(this.legId);
    this.resolve({ kind: 'answered', leg, sdp: 'v=0 party-answer' });
    return leg;
  }

  fail(status: number): void {
    this.resolve({ kind: 'failed', status, reason: 'nope' });
  }
}

/** A call the edge places: answered with the far end's offer, or refused. */
export class FakeOriginate implements OriginateAttempt {
  cancelled = false;
  readonly result: Promise<OriginateResult>;
  resolve!: (result: OriginateResult) => void;

  constructor(
    readonly legId: string,
    readonly number: string,
    readonly callerId: string,
  ) {
    this.result = new Promise((r) => (this.resolve = r));
  }

  cancel(): void {
    this.cancelled = true;
    this.resolve({ kind: 'failed', status: 487, reason: 'Request Terminated' });
  }

  /** The far end answers with its offer; returns the offer call control answers. */
  answer(): FakeOffer {
    const offer = new FakeOffer();
    this.resolve({ kind: 'answered', offer });
    return offer;
  }

  fail(status: number): void {
    this.resolve({ kind: 'failed', status, reason: 'nope' });
  }
}

export class FakeDialer implements Dialer {
  readonly attempts: FakeAttempt[] = [];
  readonly originated: FakeOriginate[] = [];

  originate(number: string, context: { legId: string; callerId: string }): OriginateAttempt {
    const attempt = new FakeOriginate(context.legId, number, context.callerId);
    this.originated.push(attempt);
    return attempt;
  }

  dial(target: DialTarget, _sdp: string, context: { legId: string }): OutboundAttempt {
    const attempt = new FakeAttempt(context.legId, target);
    this.attempts.push(attempt);
    return attempt;
  }

  get last(): FakeAttempt {
    const attempt = this.attempts.at(-1);
    if (!attempt) throw new Error('nothing dialled');
    return attempt;
  }
}

export class FakePrompts implements PromptLibrary {
  async resolve(_tenant: string, prompt: PromptRef): Promise<PlayablePrompt> {
    if (prompt.kind === 'silence') return { kind: 'silence', ms: prompt.ms };
    if (prompt.kind === 'prompt') return { kind: 'file', path: `/prompts/${prompt.promptId}.wav` };
    if (prompt.kind === 'tts') return { kind: 'file', path: `/tts/${prompt.text.replace(/\W+/g, '-')}.wav` };
    return { kind: 'file', path: `/tts/${prompt.value}.wav` };
  }
  async musicOnHold(): Promise<PlayablePrompt> {
    return { kind: 'file', path: '/moh.wav' };
  }
}

export class FakeDirectory implements Directory {
  webrtc = false;
  async agentAor(tenantId: string, agentId: string): Promise<string | null> {
    return agentId === 'ghost' ? null : `${agentId}@${tenantId}.example`;
  }
  async isWebrtc(): Promise<boolean> {
    return this.webrtc;
  }
  async agentByAor(aor: string): Promise<CallingAgent | null> {
    return aor === 'agent1@t1.example' ? { agentId: 'agent-1', tenantId: 't1', callerId: '101' } : null;
  }
  async resolveDialled(_tenant: string, dialled: string): Promise<DialledTarget | null> {
    if (dialled === '102') return { type: 'agent', agentId: 'agent-2' };
    return /^\+?\d{3,15}$/.test(dialled) ? { type: 'external', number: dialled } : null;
  }
}

export class RecordedEvents implements CallEventSink {
  readonly events: { type: EventType; tenantId: string; data: unknown }[] = [];

  async emit<T extends EventType>(type: T, tenantId: string, data: EventData<T>): Promise<void> {
    this.events.push({ type, tenantId, data });
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  of<T extends EventType>(type: T): EventData<T>[] {
    return this.events.filter((e) => e.type === type).map((e) => e.data as EventData<T>);
  }

  completion(commandId: string): EventData<'call.command.completed'> | undefined {
    return this.of('call.command.completed').find((c) => c.commandId === commandId);
  }
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Call control's dependencies over these fakes: ids leg-1, leg-2 …, 5 s answer and 20 s transfer ring. */
export function fakeSessionDeps(
  parts: Pick<CallSessionDeps, 'media' | 'dialer' | 'directory' | 'events' | 'timers'>,
  onEnded: CallSessionDeps['onEnded'] = () => undefined,
): CallSessionDeps {
  let ids = 0;
  return {
    ...parts,
    prompts: new FakePrompts(),
    log: quietLog,
    siteId: 'site-1',
    answerTimeoutMs: 5000,
    transferRingTimeoutMs: 20_000,
    newId: (prefix) => `${prefix}-${++ids}`,
    onEnded,
    onChanged: () => undefined,
  };
}
