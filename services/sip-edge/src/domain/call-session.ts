import type { CallCommand, EventData, PromptRef } from '@hotline/contracts';
import { DigitCollector, type CollectResult } from './digit-collector';
import type {
  AnsweredLeg,
  CallEventSink,
  Dialer,
  DialResult,
  DialTarget,
  Directory,
  InboundOffer,
  LegEndCause,
  MediaServer,
  MediaSession,
  OutboundAttempt,
  PlayablePrompt,
  PromptLibrary,
  Timers,
} from './ports';

export type CommandOutcome = EventData<'call.command.completed'>['outcome'];
type EndCause = EventData<'call.ended'>['cause'];
type Party = EventData<'call.ended'>['by'];
type CallTarget = Extract<CallCommand, { action: 'bridge' }>['target'];

export interface CommandRequest {
  commandId: string;
  requestedBy: string;
  command: CallCommand;
  queueId?: string;
  /** The caller's routing attributes, for a transfer to a queue (announced in queue.joined). */
  queue?: EventData<'call.command.requested'>['queue'];
  /** Told the outcome when the command completes (steps the session chains itself). */
  onComplete?: (outcome: CommandOutcome) => void;
}

export interface SessionLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface CallSessionDeps {
  media: MediaServer;
  dialer: Dialer;
  prompts: PromptLibrary;
  directory: Directory;
  events: CallEventSink;
  timers: Timers;
  log: SessionLog;
  siteId: string;
  /** How long an offered call rings while nobody asks for it to be answered. */
  answerTimeoutMs: number;
  /** Ring time of a transfer target (the transfer command has none). */
  transferRingTimeoutMs: number;
  newId(prefix: string): string;
  onEnded(session: CallSession): void;
  /** Something about the call changed that another instance would need to take it over. */
  onChanged(session: CallSession): void;
}

export interface CallIdentity {
  callId: string;
  callerLegId: string;
  tenantId: string;
  hotlineId?: string;
  direction: 'inbound' | 'outbound' | 'internal';
  /** The edge placed the call itself (originate): its far end answered, nothing rang here. */
  originated?: boolean;
}

/** The prompt side of the call: at most one of play / collect / music on hold at a time. */
interface PromptActivity {
  kind: 'play' | 'collect' | 'moh';
  request?: CommandRequest;
  bargeIn: boolean;
  cancelled: boolean;
  collector?: DigitCollector;
  /** Digits pressed during a barge-in play. */
  digits: string;
  timer?: unknown;
  playing: boolean;
  /** A barge-in during a collect's prompts: skip the rest and start collecting. */
  bargedIn: boolean;
  /** Ends the wait for the current prompt early. */
  wake?: () => void;
  finish(outcome: CommandOutcome, extra?: { digits?: string; error?: string }): void;
}

interface PartyLeg {
  legId: string;
  target: CallTarget;
  leg: AnsweredLeg;
  agentId?: string;
  /** Registered from a browser: its media is DTLS-SRTP (needed again when it moves into the mix). */
  webrtc: boolean;
}

/** Someone in the mix beside the caller and the party. */
interface MixMember {
  legId: string;
  leg: AnsweredLeg;
  role: 'supervisor' | 'third' | 'consult';
  target: CallTarget;
  /** Supervisors: whisper (the caller does not hear them) or barge (everyone does). */
  mode?: 'whisper' | 'barge';
}

interface Ringing {
  /** The bridge or transfer command waiting on it; none for a call an agent placed. */
  request?: CommandRequest;
  attempt: OutboundAttempt;
  timer: unknown;
  done: boolean;
  /** A queued bridge's ring: resolves once its outcome is handled (media given back or adopted). */
  settled?: Promise<void>;
}

/**
 * One customer call as call control sees it: the caller's leg, the media session that anchors it,
 * at most one other party (agent or external) and what the caller currently hears. It carries out
 * call-control commands without blocking the consumer that delivered them (a play runs for
 * seconds; its completion is an event), and turns every SIP step into a call event.
 */
export class CallSession {
  readonly callId: string;
  readonly callerLegId: string;
  readonly tenantId: string;
  readonly hotlineId: string | undefined;
  readonly direction: CallIdentity['direction'];
  readonly originated: boolean;
  state: 'offered' | 'answered' | 'ended' = 'offered';
  media: MediaSession | undefined;
  callerLeg: AnsweredLeg | undefined;
  party: PartyLeg | undefined;
  held = false;
  recording: string | undefined;
  private prompt: PromptActivity | undefined;
  private ringing: Ringing | undefined;
  /** The call moved into the edge's mixer (whisper, barge, three-way, consultation). */
  private mixed = false;
  private readonly mixMembers = new Map<string, MixMember>();
  private readonly mutedMembers = new Set<string>();
  /** Supervisors listening in: their leg and rtpengine subscription. */
  private readonly listeners = new Map<string, { subscription: string; leg: AnsweredLeg }>();
  private typeAhead = '';
  private readonly startedAt: number;
  private answerTimer: unknown;
  private answering: Promise<void> | undefined;
  private expectingPartyBye = false;

  constructor(
    private readonly deps: CallSessionDeps,
    private readonly offer: InboundOffer,
    identity: CallIdentity,
  ) {
    this.callId = identity.callId;
    this.callerLegId = identity.callerLegId;
    this.tenantId = identity.tenantId;
    this.hotlineId = identity.hotlineId;
    this.direction = identity.direction;
    this.originated = identity.originated === true;
    this.startedAt = deps.timers.now();
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  get startedAtMs(): number {
    return this.startedAt;
  }

  /** Every SIP leg the call has now (for live state: another instance may have to end them). */
  currentLegs(): { legId: string; leg: AnsweredLeg }[] {
    const legs: { legId: string; leg: AnsweredLeg }[] = [];
    if (this.callerLeg) legs.push({ legId: this.callerLegId, leg: this.callerLeg });
    if (this.party) legs.push({ legId: this.party.legId, leg: this.party.leg });
    for (const m of this.mixMembers.values()) legs.push({ legId: m.legId, leg: m.leg });
    for (const [legId, l] of this.listeners) legs.push({ legId, leg: l.leg });
    return legs;
  }

  /** The mixer members with their own rtpengine calls. */
  mixMemberIds(): string[] {
    if (!this.mixed) return [];
    return [...(this.party ? [this.party.legId] : []), ...this.mixMembers.keys()];
  }

  /** The INVITE arrived: ring, announce the call, and wait for someone to ask for an answer. */
  start(): void {
    this.offer.onCancelled(() => this.end('cancelled', 'caller', 487));
    this.offer.ring();
    this.emit('call.offered', {
      callId: this.callId,
      legId: this.callerLegId,
      direction: this.direction,
      ani: this.offer.ani,
      dnis: this.offer.dnis,
      ...(this.offer.trunk ? { trunk: this.offer.trunk } : {}),
      siteId: this.deps.siteId,
      ...(this.hotlineId ? { hotlineId: this.hotlineId } : {}),
      sipCallId: this.offer.sipCallId.slice(0, 256),
    });
    this.answerTimer = this.deps.timers.setTimeout(() => {
      if (this.state !== 'offered') return;
      this.deps.log.warn({ callId: this.callId }, 'nobody asked to answer the call in time: rejecting');
      this.offer.reject(480);
      this.end('failed', 'system', 480);
    }, this.deps.answerTimeoutMs);
  }

  /**
   * A call this edge placed (the originate command) was answered by its far end: announce it,
   * answer its offer (the ACK carries our answer) and report the command done. The far end then
   * hears the silent inner side until a command gives it something (music, an agent).
   */
  async startOriginated(request: CommandRequest): Promise<void> {
    this.start();
    try {
      await this.answer();
    } catch (err) {
      if (!this.ended) await this.end('failed', 'system', 500);
      this.complete(request, 'failed', { error: errorText(err) });
      return;
    }
    this.complete(request, 'done');
  }

  /**
   * A call an agent placed (agent-to-agent or outbound): no IVR. The dialled party rings at once
   * with the caller's media offer, and the caller is answered only when the party answers, so
   * the caller hears ringing and a refusal comes back as the party's own status.
   */
  startDirect(target: CallTarget, dialTarget: DialTarget, ringTimeoutMs: number): void {
    this.offer.onCancelled(() => this.end('cancelled', 'caller', 487));
    this.emit('call.offered', {
      callId: this.callId,
      legId: this.callerLegId,
      direction: this.direction,
      ani: this.offer.ani,
      dnis: this.offer.dnis,
      siteId: this.deps.siteId,
      sipCallId: this.offer.sipCallId.slice(0, 256),
    });
    void this.dialDirect(target, dialTarget, ringTimeoutMs).catch(async (err: unknown) => {
      this.deps.log.error({ callId: this.callId, err }, 'direct call failed');
      if (!this.ended) await this.end('failed', 'system', 500);
    });
  }

  /** The party answered and hears the caller: reporting and the ACD learn it from these two. */
  private announceParty(party: PartyLeg, queueId?: string): void {
    this.emit('call.answered', {
      callId: this.callId,
      legId: party.legId,
      answeredBy: party.target.type === 'agent' ? 'agent' : 'external',
      ...(party.agentId ? { agentId: party.agentId } : {}),
    });
    this.emit('call.bridged', {
      callId: this.callId,
      legIds: [this.callerLegId, party.legId],
      ...(party.agentId ? { agentId: party.agentId } : {}),
      ...(queueId ? { queueId } : {}),
    });
  }

  /** The answered far end becomes the call's party: its hang-up and re-INVITEs are ours to handle. */
  private adoptParty(
    legId: string,
    target: CallTarget,
    dialTarget: DialTarget,
    leg: AnsweredLeg,
    media: MediaSession,
  ): PartyLeg {
    const party: PartyLeg = {
      legId,
      target,
      leg,
      webrtc: dialTarget.kind === 'agent' && dialTarget.webrtc,
      ...(target.type === 'agent' ? { agentId: target.agentId } : {}),
    };
    this.party = party;
    leg.onEnded((cause) => this.partyEnded(party, cause));
    leg.onReinvite((sdp) => this.deps.media.reoffer(media, 'party', sdp));
    leg.onRefer(async () => false);
    return party;
  }

  private async dialDirect(target: CallTarget, dialTarget: DialTarget, ringTimeoutMs: number): Promise<void> {
    const webrtc = dialTarget.kind === 'agent' && dialTarget.webrtc;
    const { session, partyOfferSdp } = await this.deps.media.anchorDirect(this.callId, this.offer.sdp, {
      webrtc,
    });
    this.media = session;
    if (this.ended) {
      await this.deps.media.release(session).catch(() => undefined);
      return;
    }
    const legId = this.deps.newId('leg');
    const attempt = this.deps.dialer.dial(dialTarget, partyOfferSdp, {
      callId: this.callId,
      legId,
      callerId: this.offer.ani,
    });
    attempt.onRinging(() => this.offer.ring());
    const ringing: Ringing = {
      attempt,
      done: false,
      timer: this.deps.timers.setTimeout(() => attempt.cancel(), ringTimeoutMs),
    };
    this.ringing = ringing;
    const result = await attempt.result;
    this.deps.timers.clearTimeout(ringing.timer);
    this.ringing = undefined;
    if (ringing.done) {
      if (result.kind === 'answered') await result.leg.hangup();
      return;
    }
    ringing.done = true;
    if (result.kind === 'failed') {
      const cause: EndCause =
        result.status === 486 || result.status === 600
          ? 'busy'
          : result.status === 603
            ? 'rejected'
            : result.status === 487 || result.status === 408 || result.status === 480
              ? 'no-answer'
              : 'failed';
      // The party's refusal goes back to the caller as it came (487 from our ring timeout: 480).
      await this.end(
        cause,
        target.type === 'agent' ? 'agent' : 'external',
        result.status === 487 ? 480 : result.status,
      );
      return;
    }
    const callerAnswerSdp = await this.deps.media.completeDirect(session, result.sdp);
    if (this.ended) {
      await result.leg.hangup();
      return;
    }
    const leg = this.offer.answer(callerAnswerSdp);
    this.callerLeg = leg;
    this.state = 'answered';
    leg.onEnded((cause) => this.callerEnded(cause));
    leg.onReinvite((sdp) => this.deps.media.reoffer(session, 'caller', sdp));
    leg.onRefer(async () => false);
    const party = this.adoptParty(legId, target, dialTarget, result.leg, session);
    this.announceParty(party);
    this.deps.onChanged(this);
  }

  /** Runs a call-control command; its completion is published when it is over. */
  execute(request: CommandRequest): void {
    const { command } = request;
    if (this.ended) {
      this.complete(request, 'call-gone');
      return;
    }
    void this.run(request).catch((err: unknown) => {
      if (err instanceof CallGone || this.ended) {
        this.complete(request, 'call-gone');
        return;
      }
      this.deps.log.error(
        { callId: this.callId, action: command.action, err },
        'call-control command failed',
      );
      this.complete(request, 'failed', { error: errorText(err) });
    });
  }

  private async run(request: CommandRequest): Promise<void> {
    const { command } = request;
    switch (command.action) {
      case 'answer':
        await this.answer();
        this.complete(request, 'done');
        return;
      case 'play':
        await this.answer();
        this.startPrompts(request, 'play', command.prompts, command.bargeIn, command.loop);
        return;
      case 'collect':
        await this.answer();
        this.startCollect(request, command);
        return;
      case 'stop-media':
        await this.stopPrompt('interrupted');
        this.complete(request, 'done');
        return;
      case 'music-on-hold':
        await this.answer();
        if (command.on) await this.startMusic(command.promptId);
        else await this.stopPrompt('interrupted');
        this.complete(request, 'done');
        return;
      case 'bridge':
        await this.answer();
        await this.bridge(request, command.target, command.ringTimeoutMs);
        return;
      case 'hold':
      case 'resume':
        await this.setHold(command.action === 'hold', command.legId, request);
        this.complete(request, 'done');
        return;
      case 'mute':
        await this.mute(command.legId, command.muted);
        this.complete(request, 'done');
        return;
      case 'transfer':
        if (command.target.type === 'queue' || command.target.type === 'flow') {
          await this.transferAway(request, command.kind, command.target);
          return;
        }
        if (command.kind === 'consultative') {
          await this.consult(request, command.target);
          return;
        }
        if (this.mixed) {
          this.complete(request, 'failed', {
            error: 'blind transfer of a conferenced call: use consultative',
          });
          return;
        }
        await this.blindTransfer(request, command.target);
        return;
      case 'record':
        await this.record(command.op, command.recordingId);
        this.complete(request, 'done');
        return;
      case 'supervise':
        if (command.mode === 'listen') {
          await this.listen(request, command.supervisorId, command.contact);
        } else if (command.mode === 'take-over') {
          // The supervisor replaces the agent: a blind transfer to the supervisor's phone.
          await this.blindTransfer(request, {
            type: 'agent',
            agentId: command.supervisorId,
            ...(command.contact ? { contact: command.contact } : {}),
          });
        } else {
          await this.joinSupervisor(request, command.mode, command.supervisorId, command.contact);
        }
        return;
      case 'originate':
        // The call exists already: a redelivered originate, or a call id used twice.
        this.complete(request, 'failed', { error: `call ${this.callId} exists already` });
        return;
      case 'hangup': {
        const cause: EndCause =
          command.cause === 'force-released'
            ? 'force-released'
            : command.cause === 'rejected'
              ? 'rejected'
              : command.cause === 'failed'
                ? 'failed'
                : 'normal';
        this.complete(request, 'done');
        await this.end(
          cause,
          'system',
          this.state === 'offered' ? (cause === 'rejected' ? 603 : 480) : undefined,
        );
        return;
      }
    }
  }

  /** A key the caller pressed (RFC 4733, reported by rtpengine). */
  dtmf(digit: string): void {
    if (this.ended) return;
    const activity = this.prompt;
    if (activity?.collector && !activity.collector.done) {
      if (activity.playing && activity.bargeIn) {
        activity.bargedIn = true;
        void this.silencePrompt(activity);
        activity.wake?.();
      }
      activity.collector.digit(digit);
      return;
    }
    if (activity?.kind === 'play' && activity.playing && activity.bargeIn) {
      activity.digits += digit;
      this.typeAhead += digit;
      void this.silencePrompt(activity).then(() =>
        activity.finish('interrupted', { digits: activity.digits }),
      );
      return;
    }
    // Type-ahead: kept for the next collect, as callers who know the menu expect.
    if (!this.party) this.typeAhead = (this.typeAhead + digit).slice(-32);
  }

  // ---- answering ----

  answer(): Promise<void> {
    if (this.state === 'answered') return Promise.resolve();
    if (this.ended) return Promise.reject(new CallGone());
    this.answering ??= this.doAnswer();
    return this.answering;
  }

  private async doAnswer(): Promise<void> {
    const { session, callerAnswerSdp } = await this.deps.media.anchor(this.callId, this.offer.sdp);
    this.media = session;
    if (this.ended) {
      await this.deps.media.release(session).catch(() => undefined);
      throw new CallGone();
    }
    this.deps.timers.clearTimeout(this.answerTimer);
    const leg = this.offer.answer(callerAnswerSdp);
    this.callerLeg = leg;
    this.state = 'answered';
    leg.onEnded((cause) => this.callerEnded(cause));
    leg.onReinvite((sdp) => this.deps.media.reoffer(session, 'caller', sdp));
    leg.onRefer(async () => false);
    this.emit('call.answered', {
      callId: this.callId,
      legId: this.callerLegId,
      answeredBy: this.originated ? 'external' : 'ivr',
    });
    this.deps.onChanged(this);
  }

  // ---- prompts, digits and music ----

  private startPrompts(
    request: CommandRequest,
    kind: 'play' | 'collect',
    prompts: PromptRef[],
    bargeIn: boolean,
    loop: boolean,
    onPromptsDone?: () => void,
  ): PromptActivity {
    const activity = this.replacePrompt(request, kind, bargeIn);
    void (async () => {
      do {
        for (const ref of prompts) {
          if (activity.cancelled || this.ended || activity.bargedIn) break;
          const playable = await this.deps.prompts.resolve(this.tenantId, ref);
          if (activity.cancelled || this.ended || activity.bargedIn) break;
          await this.playOne(activity, playable);
        }
      } while (loop && !activity.cancelled && !this.ended && !activity.bargedIn);
      if (activity.cancelled || this.ended) return;
      activity.playing = false;
      if (onPromptsDone) onPromptsDone();
      else activity.finish('done');
    })().catch((err: unknown) => {
      if (activity.cancelled) return;
      activity.playing = false;
      activity.finish('failed', { error: errorText(err) });
    });
    return activity;
  }

  private startCollect(request: CommandRequest, command: Extract<CallCommand, { action: 'collect' }>): void {
    const buffered = this.typeAhead;
    this.typeAhead = '';
    let activity: PromptActivity | undefined;
    const collector = new DigitCollector(command.digits, this.deps.timers, (result: CollectResult) => {
      activity?.finish(result.outcome, { digits: result.digits });
    });
    const begin = () => {
      if (activity) activity.playing = false;
      collector.startTimers();
    };
    if (command.prompts.length > 0 && !(command.bargeIn && buffered.length > 0)) {
      // The first-digit timer starts when the prompts are over (`begin`).
      activity = this.startPrompts(request, 'collect', command.prompts, command.bargeIn, false, begin);
      activity.collector = collector;
      for (const d of buffered) collector.digit(d);
      return;
    }
    activity = this.replacePrompt(request, 'collect', command.bargeIn);
    activity.collector = collector;
    for (const d of buffered) collector.digit(d);
    if (!collector.done) collector.startTimers();
  }

  private async startMusic(promptId?: string): Promise<void> {
    const activity = this.replacePrompt(undefined, 'moh', false);
    const playable = await this.deps.prompts.musicOnHold(this.tenantId, promptId);
    if (activity.cancelled || this.ended || !this.media) return;
    if (playable.kind === 'file') {
      await this.deps.media.play(this.media, playable.path, { repeat: 1000 });
      activity.playing = true;
    }
  }

  private async playOne(activity: PromptActivity, playable: PlayablePrompt): Promise<void> {
    const media = this.media;
    if (!media) throw new CallGone();
    let ms: number;
    if (playable.kind === 'silence') {
      ms = playable.ms;
    } else {
      activity.playing = true;
      ms = (await this.deps.media.play(media, playable.path)).durationMs;
    }
    if (activity.cancelled || activity.bargedIn) return;
    // The prompt plays for `ms`; a barge-in or a replacing command ends the wait early.
    await new Promise<void>((resolve) => {
      activity.wake = resolve;
      activity.timer = this.deps.timers.setTimeout(resolve, ms);
    });
    activity.wake = undefined;
    this.deps.timers.clearTimeout(activity.timer);
  }

  /** Ends what the caller hears now (reporting `outcome` for its command) and starts a new activity. */
  private replacePrompt(
    request: CommandRequest | undefined,
    kind: PromptActivity['kind'],
    bargeIn: boolean,
  ): PromptActivity {
    const previous = this.prompt;
    if (previous) {
      previous.finish('interrupted', previous.digits ? { digits: previous.digits } : {});
      if (previous.playing && this.media) void this.deps.media.stopPlay(this.media).catch(() => undefined);
    }
    let finished = false;
    const activity: PromptActivity = {
      kind,
      ...(request ? { request } : {}),
      bargeIn,
      cancelled: false,
      digits: '',
      playing: false,
      bargedIn: false,
      finish: (outcome, extra) => {
        if (finished) return;
        finished = true;
        activity.cancelled = true;
        activity.collector?.cancel();
        this.deps.timers.clearTimeout(activity.timer);
        activity.wake?.();
        if (this.prompt === activity) this.prompt = undefined;
        if (request) this.complete(request, outcome, extra);
      },
    };
    this.prompt = activity;
    return activity;
  }

  private async silencePrompt(activity: PromptActivity): Promise<void> {
    if (!activity.playing || !this.media) return;
    activity.playing = false;
    await this.deps.media.stopPlay(this.media).catch(() => undefined);
  }

  private async stopPrompt(outcome: CommandOutcome): Promise<void> {
    const activity = this.prompt;
    if (!activity) return;
    const wasPlaying = activity.playing;
    activity.finish(outcome, activity.digits ? { digits: activity.digits } : {});
    if (wasPlaying && this.media) await this.deps.media.stopPlay(this.media).catch(() => undefined);
  }

  // ---- the other party ----

  private async bridge(request: CommandRequest, target: CallTarget, ringTimeoutMs: number): Promise<void> {
    if (this.ringing?.settled && !this.party) {
      // The ACD takes an offer back when it never heard how the ring ended (a lost or late
      // report) and offers the call anew: the newer bridge wins, the older ring is cancelled.
      const older = this.ringing;
      older.attempt.cancel();
      await older.settled;
      if (this.ended) {
        this.complete(request, 'call-gone');
        return;
      }
    }
    if (this.ringing) {
      this.complete(request, 'failed', { error: 'another bridge is already ringing' });
      return;
    }
    if (this.party) {
      // A second party while bridged: the call becomes a three-way conference.
      await this.joinThird(request, target, ringTimeoutMs);
      return;
    }
    const media = this.media!;
    const dialTarget = await this.resolveTarget(target);
    if (!dialTarget) {
      this.complete(request, 'failed', { error: `no SIP address for ${describeTarget(target)}` });
      return;
    }
    const offerSdp = await this.deps.media.offerToParty(media, {
      webrtc: dialTarget.kind === 'agent' && dialTarget.webrtc,
    });
    if (this.ended) throw new CallGone();
    const legId = this.deps.newId('leg');
    const attempt = this.deps.dialer.dial(dialTarget, offerSdp, {
      callId: this.callId,
      legId,
      callerId: this.offer.ani,
    });
    let settle: () => void = () => undefined;
    const ringing: Ringing = {
      request,
      attempt,
      done: false,
      timer: this.deps.timers.setTimeout(() => attempt.cancel(), ringTimeoutMs),
      settled: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.ringing = ringing;
    try {
      await this.ringOutcome(request, target, dialTarget, ringing, legId, media);
    } finally {
      settle();
    }
  }

  private async ringOutcome(
    request: CommandRequest,
    target: CallTarget,
    dialTarget: DialTarget,
    ringing: Ringing,
    legId: string,
    media: MediaSession,
  ): Promise<void> {
    const { attempt } = ringing;
    const result: DialResult = await attempt.result;
    this.deps.timers.clearTimeout(ringing.timer);
    this.ringing = undefined;
    if (ringing.done) return;
    ringing.done = true;
    if (result.kind === 'failed') {
      if (!this.ended) await this.deps.media.disconnectParty(media).catch(() => undefined);
      this.complete(request, this.ended ? 'call-gone' : outcomeOfStatus(result.status), {
        error: `${result.status} ${result.reason}`,
      });
      return;
    }
    if (this.ended) {
      await result.leg.hangup();
      this.complete(request, 'call-gone');
      return;
    }
    await this.deps.media.connectParty(media, result.sdp);
    const party = this.adoptParty(legId, target, dialTarget, result.leg, media);
    // The caller stops hearing prompts or music and starts hearing the party.
    await this.stopPrompt('interrupted');
    this.typeAhead = '';
    await this.deps.media.block(media, 'caller', false);
    this.held = false;
    this.announceParty(party, request.queueId);
    this.deps.onChanged(this);
    this.complete(request, 'done');
  }

  private async resolveTarget(target: CallTarget): Promise<DialTarget | null> {
    if (target.type === 'external') return { kind: 'external', number: target.number };
    const aor = target.contact ?? (await this.deps.directory.agentAor(this.tenantId, target.agentId));
    if (!aor) return null;
    return { kind: 'agent', aor, webrtc: await this.deps.directory.isWebrtc(aor) };
  }

  private async blindTransfer(request: CommandRequest, target: CallTarget): Promise<void> {
    const from = this.party;
    await this.releaseParty(transferTargetOf(target));
    const outcome = await this.bridgeFor(request, target);
    if (outcome === 'done' || outcome === 'call-gone' || this.ended || !from) return;
    await this.recall(request, from.target, target);
  }

  /** Runs a bridge and resolves how it completed (its completion is published as usual). */
  private async bridgeFor(request: CommandRequest, target: CallTarget): Promise<CommandOutcome | undefined> {
    let outcome: CommandOutcome | undefined;
    await this.bridge(
      {
        ...request,
        onComplete: (o) => {
          outcome = o;
          request.onComplete?.(o);
        },
      },
      target,
      this.deps.transferRingTimeoutMs,
    );
    return outcome;
  }

  /**
   * Transfer recall: nobody took a blind transfer, so the caller goes back to whoever transferred
   * them (rung like the target was) rather than waiting in music for good; if they do not answer
   * either, the call ends. Announced as a transfer from the target back, so the ACD moves the
   * call's agent back too.
   */
  private async recall(request: CommandRequest, back: CallTarget, failed: CallTarget): Promise<void> {
    this.deps.log.info(
      { callId: this.callId, target: describeTarget(failed), back: describeTarget(back) },
      'blind transfer not answered: recalling the transferring party',
    );
    this.emit('call.transferred', {
      callId: this.callId,
      kind: 'blind',
      ...(failed.type === 'agent' ? { fromAgentId: failed.agentId } : {}),
      target: transferTargetOf(back),
    });
    const outcome = await this.bridgeFor(
      {
        commandId: `${request.commandId}.recall`,
        requestedBy: 'sip-edge',
        command: { action: 'bridge', target: back, ringTimeoutMs: this.deps.transferRingTimeoutMs },
      },
      back,
    );
    if (outcome !== 'done' && !this.ended) await this.end('failed', 'system');
  }

  /**
   * Back to a queue or an IVR flow: the agent's leg is released and the caller hears music, as in
   * a blind transfer, but nobody is rung here. For a queue, queue.joined tells the ACD to offer
   * the call again; for a flow, the IVR runner starts it on call.transferred.
   */
  private async transferAway(
    request: CommandRequest,
    kind: 'blind' | 'consultative',
    target: { type: 'queue'; queueId: string } | { type: 'flow'; flowId: string },
  ): Promise<void> {
    if (kind === 'consultative' || this.mixed || !this.party) {
      const why =
        kind === 'consultative'
          ? `nobody to consult in a ${target.type}: transfer to a ${target.type} blind`
          : this.mixed
            ? `transfer of a conferenced call to a ${target.type}: the others stay connected`
            : 'nobody to release: the call is not bridged';
      this.complete(request, 'failed', { error: why });
      return;
    }
    await this.releaseParty(target);
    if (target.type === 'flow') {
      this.deps.onChanged(this);
      this.complete(request, 'done');
      return;
    }
    const { queueId } = target;
    // Announced once the agent is off the call: the ACD's next offer (a bridge on this call's
    // command stream) then finds nobody bridged. A connected call joining a queue is how the ACD
    // knows it is transferred there (it ends the first agent's part).
    const routing = request.queue?.queueId === queueId ? request.queue : undefined;
    this.emit('queue.joined', {
      callId: this.callId,
      queueId,
      priority: routing?.priority ?? 0,
      skills: routing?.skills ?? [],
      position: 1,
    });
    this.deps.onChanged(this);
    this.complete(request, 'done');
  }

  /** Announces the transfer, hangs the party up and gives the caller music on hold. */
  private async releaseParty(target: EventData<'call.transferred'>['target']): Promise<void> {
    const from = this.party;
    this.emit('call.transferred', {
      callId: this.callId,
      kind: 'blind',
      ...(from?.agentId ? { fromAgentId: from.agentId } : {}),
      target,
    });
    if (from) {
      this.party = undefined;
      this.expectingPartyBye = true;
      await from.leg.hangup();
      this.expectingPartyBye = false;
      await this.deps.media.disconnectParty(this.media!);
    }
    await this.startMusic();
  }

  private async listen(request: CommandRequest, supervisorId: string, contact?: string): Promise<void> {
    const media = this.media;
    if (!media || this.state !== 'answered') throw new Error('the call is not answered');
    const target = await this.resolveTarget({
      type: 'agent',
      agentId: supervisorId,
      ...(contact ? { contact } : {}),
    });
    if (!target || target.kind !== 'agent') {
      this.complete(request, 'failed', { error: `no SIP address for supervisor ${supervisorId}` });
      return;
    }
    const { subscription, offerSdp } = await this.deps.media.listen(media, { webrtc: target.webrtc });
    const legId = this.deps.newId('leg');
    const attempt = this.deps.dialer.dial(target, offerSdp, {
      callId: this.callId,
      legId,
      callerId: this.offer.ani,
    });
    const timer = this.deps.timers.setTimeout(() => attempt.cancel(), this.deps.transferRingTimeoutMs);
    const result = await attempt.result;
    this.deps.timers.clearTimeout(timer);
    if (result.kind === 'failed' || this.ended) {
      await this.deps.media.stopListening(media, subscription).catch(() => undefined);
      if (result.kind === 'answered') await result.leg.hangup();
      this.complete(
        request,
        this.ended ? 'call-gone' : outcomeOfStatus(result.kind === 'failed' ? result.status : 500),
      );
      return;
    }
    await this.deps.media.confirmListen(media, subscription, result.sdp);
    this.listeners.set(legId, { subscription, leg: result.leg });
    this.deps.onChanged(this);
    result.leg.onEnded(() => {
      if (!this.listeners.delete(legId)) return;
      void this.deps.media.stopListening(media, subscription).catch(() => undefined);
    });
    this.complete(request, 'done');
  }

  // ---- the mixer: whisper, barge, three-way calls, consultations ----

  /** Moves the call into the mixer once: the caller, then the party (re-INVITEd to its new port). */
  private async ensureMixed(): Promise<void> {
    const media = this.media;
    if (!media) throw new Error('the call is not answered');
    if (this.mixed) return;
    await this.stopPrompt('interrupted');
    await this.deps.media.mix(media);
    this.mixed = true;
    const party = this.party;
    if (party) {
      const offer = await this.deps.media.memberOffer(media, party.legId, { webrtc: party.webrtc });
      const answer = await party.leg.reinvite(offer);
      await this.deps.media.memberAnswer(media, party.legId, answer);
    }
    this.applyHearing();
  }

  /**
   * Rings `target` into the mix. Resolves the member once it answered, or completes `request`
   * with the failure and resolves undefined.
   */
  private async addMember(
    request: CommandRequest,
    target: CallTarget,
    role: MixMember['role'],
    ringTimeoutMs: number,
    mode?: MixMember['mode'],
  ): Promise<MixMember | undefined> {
    const media = this.media!;
    const dialTarget = await this.resolveTarget(target);
    if (!dialTarget) {
      this.complete(request, 'failed', { error: `no SIP address for ${describeTarget(target)}` });
      return undefined;
    }
    const legId = this.deps.newId('leg');
    const webrtc = dialTarget.kind === 'agent' && dialTarget.webrtc;
    const offer = await this.deps.media.memberOffer(media, legId, { webrtc });
    const attempt = this.deps.dialer.dial(dialTarget, offer, {
      callId: this.callId,
      legId,
      callerId: this.offer.ani,
    });
    const timer = this.deps.timers.setTimeout(() => attempt.cancel(), ringTimeoutMs);
    const result = await attempt.result;
    this.deps.timers.clearTimeout(timer);
    if (result.kind === 'failed' || this.ended) {
      await this.deps.media.removeMember(media, legId).catch(() => undefined);
      if (result.kind === 'answered') await result.leg.hangup();
      this.complete(
        request,
        this.ended ? 'call-gone' : outcomeOfStatus(result.kind === 'failed' ? result.status : 500),
        {
          ...(result.kind === 'failed' ? { error: `${result.status} ${result.reason}` } : {}),
        },
      );
      return undefined;
    }
    await this.deps.media.memberAnswer(media, legId, result.sdp);
    const member: MixMember = { legId, leg: result.leg, role, target, ...(mode ? { mode } : {}) };
    this.mixMembers.set(legId, member);
    result.leg.onEnded(() => void this.memberLeft(member));
    this.applyHearing();
    this.deps.onChanged(this);
    return member;
  }

  private async joinSupervisor(
    request: CommandRequest,
    mode: 'whisper' | 'barge',
    supervisorId: string,
    contact?: string,
  ): Promise<void> {
    if (!this.party) {
      this.complete(request, 'failed', { error: `nobody to ${mode} with: the call is not bridged` });
      return;
    }
    await this.ensureMixed();
    const target: CallTarget = { type: 'agent', agentId: supervisorId, ...(contact ? { contact } : {}) };
    const member = await this.addMember(request, target, 'supervisor', this.deps.transferRingTimeoutMs, mode);
    if (member) this.complete(request, 'done');
  }

  private async joinThird(request: CommandRequest, target: CallTarget, ringTimeoutMs: number): Promise<void> {
    await this.ensureMixed();
    const member = await this.addMember(request, target, 'third', ringTimeoutMs);
    if (!member) return;
    const agentId = target.type === 'agent' ? target.agentId : undefined;
    this.emit('call.answered', {
      callId: this.callId,
      legId: member.legId,
      answeredBy: target.type === 'agent' ? 'agent' : 'external',
      ...(agentId ? { agentId } : {}),
    });
    this.emit('call.bridged', {
      callId: this.callId,
      legIds: [this.callerLegId, member.legId],
      ...(agentId ? { agentId } : {}),
    });
    this.complete(request, 'done');
  }

  /**
   * Attended transfer: the caller waits with music while the agent talks to the target; when the
   * agent hangs up, the caller is put through to the target (call.transferred). The command
   * completes once the target answered (the consultation is up).
   */
  private async consult(request: CommandRequest, target: CallTarget): Promise<void> {
    if (!this.party) {
      this.complete(request, 'failed', { error: 'nobody to consult from: the call is not bridged' });
      return;
    }
    if ([...this.mixMembers.values()].some((m) => m.role === 'consult')) {
      this.complete(request, 'failed', { error: 'a consultation is already going on' });
      return;
    }
    await this.ensureMixed();
    await this.deps.media.feedMember(this.media!, 'caller', await this.musicFile());
    const member = await this.addMember(request, target, 'consult', this.deps.transferRingTimeoutMs);
    if (!member) {
      if (!this.held) await this.deps.media.feedMember(this.media!, 'caller', undefined);
      this.applyHearing();
      return;
    }
    this.complete(request, 'done');
  }

  private async memberLeft(member: MixMember): Promise<void> {
    if (this.ended || !this.mixMembers.delete(member.legId)) return;
    const media = this.media!;
    await this.deps.media.removeMember(media, member.legId).catch(() => undefined);
    if (member.role === 'consult' && !this.held) {
      // The target hung up during the consultation: the caller is back with the agent.
      await this.deps.media.feedMember(media, 'caller', undefined);
    }
    this.applyHearing();
  }

  /** The agent left the mix: a consultation completes the transfer, a conference goes on. */
  private async partyLeftMix(party: PartyLeg): Promise<void> {
    const media = this.media!;
    this.party = undefined;
    await this.deps.media.removeMember(media, party.legId).catch(() => undefined);
    const members = [...this.mixMembers.values()];
    const successor = members.find((m) => m.role === 'consult') ?? members.find((m) => m.role === 'third');
    if (!successor) {
      await this.end('agent-hangup', party.target.type === 'agent' ? 'agent' : 'external');
      return;
    }
    this.mixMembers.delete(successor.legId);
    const next: PartyLeg = {
      legId: successor.legId,
      target: successor.target,
      leg: successor.leg,
      webrtc: false,
      ...(successor.target.type === 'agent' ? { agentId: successor.target.agentId } : {}),
    };
    this.party = next;
    successor.leg.onEnded((cause) => this.partyEnded(next, cause));
    if (successor.role === 'consult') {
      if (!this.held) await this.deps.media.feedMember(media, 'caller', undefined);
      this.emit('call.transferred', {
        callId: this.callId,
        kind: 'consultative',
        ...(party.agentId ? { fromAgentId: party.agentId } : {}),
        target:
          successor.target.type === 'agent'
            ? { type: 'agent', agentId: successor.target.agentId }
            : { type: 'external', number: successor.target.number },
      });
      this.emit('call.bridged', {
        callId: this.callId,
        legIds: [this.callerLegId, next.legId],
        ...(next.agentId ? { agentId: next.agentId } : {}),
      });
    }
    this.applyHearing();
    this.deps.onChanged(this);
  }

  /** Who hears whom, from who is in the mix and what is going on (hold, consultation, mute). */
  private applyHearing(): void {
    if (!this.mixed || !this.media) return;
    const party = this.party?.legId;
    const members = [...this.mixMembers.values()];
    const consulting = members.some((m) => m.role === 'consult');
    const ids = ['caller', ...(party ? [party] : []), ...members.map((m) => m.legId)];
    const whisperers = new Set(members.filter((m) => m.mode === 'whisper').map((m) => m.legId));
    const callerAside = this.held || consulting;
    const matrix: Record<string, string[]> = {};
    for (const listener of ids) {
      let sources = ids.filter((id) => id !== listener);
      if (listener === 'caller') sources = callerAside ? [] : sources.filter((id) => !whisperers.has(id));
      else if (callerAside) sources = sources.filter((id) => id !== 'caller');
      matrix[listener] = sources.filter((id) => !this.mutedMembers.has(id));
    }
    this.deps.media.setHearing(this.media, matrix);
  }

  private async musicFile(): Promise<string | undefined> {
    const moh = await this.deps.prompts.musicOnHold(this.tenantId);
    return moh.kind === 'file' ? moh.path : undefined;
  }

  private async setHold(hold: boolean, legId: string, request: CommandRequest): Promise<void> {
    const media = this.media;
    if (!media || this.state !== 'answered') throw new Error('the call is not answered');
    this.checkLeg(legId);
    if (hold === this.held) return;
    this.held = hold;
    if (this.mixed) {
      await this.deps.media.feedMember(media, 'caller', hold ? await this.musicFile() : undefined);
      this.applyHearing();
      const mixedBy: Party = request.requestedBy.includes('supervis') ? 'supervisor' : 'agent';
      this.emit(hold ? 'call.held' : 'call.resumed', { callId: this.callId, legId, by: mixedBy });
      return;
    }
    const by: Party = request.requestedBy.includes('supervis')
      ? 'supervisor'
      : this.party
        ? 'agent'
        : 'system';
    if (hold) {
      await this.deps.media.block(media, 'caller', true);
      if (this.party) await this.deps.media.block(media, 'party', true);
      await this.startMusic();
      this.emit('call.held', { callId: this.callId, legId, by });
    } else {
      await this.stopPrompt('interrupted');
      if (this.party) {
        await this.deps.media.block(media, 'party', false);
        await this.deps.media.block(media, 'caller', false);
      }
      this.emit('call.resumed', { callId: this.callId, legId, by });
    }
  }

  private async mute(legId: string, muted: boolean): Promise<void> {
    const media = this.media;
    if (!media) throw new Error('the call is not answered');
    if (this.mixed) {
      const member = legId === this.callerLegId ? 'caller' : legId;
      if (member !== 'caller' && !this.mixMembers.has(member) && this.party?.legId !== member) {
        throw new Error(`no leg ${legId} on call ${this.callId}`);
      }
      if (muted) this.mutedMembers.add(member);
      else this.mutedMembers.delete(member);
      this.applyHearing();
      return;
    }
    const side = this.checkLeg(legId);
    // The caller's side stays blocked toward our silent endpoint until a party is connected.
    if (side === 'caller' && !this.party) return;
    await this.deps.media.block(media, side, muted);
  }

  private checkLeg(legId: string): 'caller' | 'party' {
    if (legId === this.callerLegId) return 'caller';
    if (this.party && legId === this.party.legId) return 'party';
    throw new Error(`no leg ${legId} on call ${this.callId}`);
  }

  private async record(op: 'start' | 'stop' | 'pause' | 'resume', recordingId: string): Promise<void> {
    const media = this.media;
    if (!media) throw new Error('the call is not answered');
    if (op === 'start' || op === 'resume') {
      if (op === 'resume' && this.recording !== recordingId)
        throw new Error(`recording ${recordingId} is not paused here`);
      await this.deps.media.record(media, 'start');
      this.recording = recordingId;
    } else {
      await this.deps.media.record(media, 'stop');
      if (op === 'stop') this.recording = undefined;
    }
  }

  // ---- hang-ups ----

  private callerEnded(cause: LegEndCause): void {
    if (cause === 'remote-bye') void this.end('caller-hangup', 'caller');
    else void this.end('failed', 'system');
  }

  private partyEnded(party: PartyLeg, cause: LegEndCause): void {
    if (this.party !== party || this.expectingPartyBye) return;
    if (this.mixed) {
      void this.partyLeftMix(party).catch((err: unknown) => {
        this.deps.log.error({ callId: this.callId, err }, 'party leaving the mix failed');
        void this.end('failed', 'system');
      });
      return;
    }
    this.party = undefined;
    const by: Party = party.target.type === 'agent' ? 'agent' : 'external';
    if (cause === 'remote-bye') void this.end(by === 'agent' ? 'agent-hangup' : 'normal', by);
    else void this.end('failed', 'system');
  }

  /** Ends the whole call once: every leg hung up or cancelled, media released, call.ended out. */
  async end(cause: EndCause, by: Party, sipStatus?: number): Promise<void> {
    if (this.ended) return;
    const wasOffered = this.state === 'offered';
    this.state = 'ended';
    this.deps.timers.clearTimeout(this.answerTimer);
    const prompt = this.prompt;
    prompt?.finish('call-gone');
    const ringing = this.ringing;
    if (ringing && !ringing.done) {
      ringing.done = true;
      ringing.attempt.cancel();
      if (ringing.request) this.complete(ringing.request, 'call-gone');
    }
    if (wasOffered && cause !== 'cancelled') {
      this.offer.reject(sipStatus && sipStatus >= 400 ? sipStatus : 480);
    }
    const legs: Promise<void>[] = [];
    if (this.callerLeg && by !== 'caller') legs.push(this.callerLeg.hangup());
    if (this.party) {
      const party = this.party;
      this.party = undefined;
      if (!(by === 'agent' || by === 'external')) legs.push(party.leg.hangup());
    }
    for (const listener of this.listeners.values()) legs.push(listener.leg.hangup());
    this.listeners.clear();
    for (const member of this.mixMembers.values()) legs.push(member.leg.hangup());
    this.mixMembers.clear();
    await Promise.all(legs.map((p) => p.catch(() => undefined)));
    if (this.media) await this.deps.media.release(this.media).catch(() => undefined);
    this.emit('call.ended', {
      callId: this.callId,
      legId: this.callerLegId,
      cause,
      by,
      ...(sipStatus ? { sipStatus } : {}),
      durationMs: Math.max(0, this.deps.timers.now() - this.startedAt),
    });
    this.deps.onEnded(this);
  }

  // ---- events ----

  private emit<T extends Parameters<CallEventSink['emit']>[0]>(type: T, data: EventData<T>): void {
    void this.deps.events.emit(type, this.tenantId, data).catch((err: unknown) => {
      this.deps.log.error({ callId: this.callId, type, err }, 'call event not published');
    });
  }

  private complete(
    request: CommandRequest,
    outcome: CommandOutcome,
    extra: { digits?: string; error?: string } = {},
  ): void {
    this.emit('call.command.completed', {
      commandId: request.commandId,
      callId: this.callId,
      action: request.command.action,
      outcome,
      ...(extra.digits ? { digits: extra.digits.slice(0, 64) } : {}),
      ...(extra.error ? { error: extra.error.slice(0, 500) } : {}),
    });
    request.onComplete?.(outcome);
  }
}

class CallGone extends Error {
  readonly code = 'call_gone';
  readonly retryable = false;
  constructor() {
    super('the call has ended');
  }
}

function outcomeOfStatus(status: number): CommandOutcome {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603 || status === 403) return 'rejected';
  if (status === 487 || status === 408 || status === 480 || status === 404) return 'no-answer';
  return 'failed';
}

/** A party as call.transferred names it (no contact override). */
function transferTargetOf(target: CallTarget): EventData<'call.transferred'>['target'] {
  return target.type === 'agent'
    ? { type: 'agent', agentId: target.agentId }
    : { type: 'external', number: target.number };
}

function describeTarget(target: CallTarget): string {
  return target.type === 'agent' ? `agent ${target.agentId}` : 'the external number';
}

function errorText(err: unknown): string {
  if (err instanceof CallGone) return 'the call has ended';
  return err instanceof Error ? err.message : String(err);
}

export { CallGone };
