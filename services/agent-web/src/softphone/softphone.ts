import * as JsSIP from 'jssip';
import type { UA, UAConfiguration } from 'jssip/lib/UA';
import type { Socket } from 'jssip/lib/Socket';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent } from 'jssip/lib/UA';
import { retryDelayMs } from '../live/backoff';
import { isDtmfTones, normalizeDialTarget } from './dial-target';
import {
  callControls,
  initialPhoneStatus,
  newCall,
  nextCall,
  nextPhoneStatus,
  type CallEvent,
  type CallInfo,
  type PhoneEvent,
  type PhoneStatus,
} from './phone-state';

/** The SIP account GET /v1/me hands the browser: an HA1, never the password. */
export interface SoftphoneAccount {
  uri: string;
  username: string;
  realm: string;
  ha1: string;
  wsServers: string[];
}

export interface SoftphoneSnapshot {
  status: PhoneStatus;
  /** Calls in progress, newest last; an ended call stays until dismissed (its end message shows). */
  calls: readonly CallInfo[];
}

/** The part of JsSIP the softphone constructs. */
export interface JsSipApi {
  UA: new (configuration: UAConfiguration) => UA;
  WebSocketInterface: new (url: string) => Socket;
}

export class SoftphoneError extends Error {
  constructor(
    readonly code: 'not-registered' | 'no-such-call' | 'bad-target' | 'bad-tones' | 'not-allowed-now',
    message: string,
  ) {
    super(message);
    this.name = 'SoftphoneError';
  }
}

const MEDIA = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };
/** Kept briefly after a call ends so the agent reads why. */
const ENDED_KEEP_MS = 8_000;

/**
 * Our typed softphone over JsSIP: one UA registered with the agent's HA1 over WSS, calls as
 * plain data (CallInfo) and commands by call id. The UI subscribes to snapshots.
 */
export class Softphone {
  private ua: UA | null = null;
  private snapshot: SoftphoneSnapshot = { status: initialPhoneStatus, calls: [] };
  private readonly sessions = new Map<string, RTCSession>();
  private readonly listeners = new Set<() => void>();
  private readonly incomingListeners = new Set<(call: CallInfo) => void>();
  private regRetry: ReturnType<typeof setTimeout> | undefined;
  private regAttempts = 0;

  constructor(
    private readonly account: SoftphoneAccount,
    private readonly options: {
      remoteAudio: () => HTMLAudioElement | null;
      now?: () => number;
      /** JsSIP itself; tests hand in a fake. */
      jssip?: JsSipApi;
    },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SoftphoneSnapshot => this.snapshot;

  /** Called for every new incoming call (before it is answered). */
  onIncoming(listener: (call: CallInfo) => void): () => void {
    this.incomingListeners.add(listener);
    return () => this.incomingListeners.delete(listener);
  }

  private emit(next: SoftphoneSnapshot): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }

  private phoneEvent(e: PhoneEvent): void {
    const status = nextPhoneStatus(this.snapshot.status, e, this.now());
    if (status !== this.snapshot.status) this.emit({ ...this.snapshot, status });
  }

  private callEvent(id: string, e: CallEvent): void {
    const calls = this.snapshot.calls.map((c) => (c.id === id ? nextCall(c, e, this.now()) : c));
    this.emit({ ...this.snapshot, calls });
    if (e.type === 'ended') {
      this.sessions.delete(id);
      setTimeout(() => this.dismiss(id), ENDED_KEEP_MS);
    }
  }

  /** Removes an ended call from the list. */
  dismiss(id: string): void {
    const call = this.snapshot.calls.find((c) => c.id === id);
    if (call && call.phase === 'ended')
      this.emit({ ...this.snapshot, calls: this.snapshot.calls.filter((c) => c.id !== id) });
  }

  start(): void {
    if (this.ua) return;
    const { UA: UserAgent, WebSocketInterface: WebSocket } = this.options.jssip ?? JsSIP;
    const sockets = this.account.wsServers.map((url) => new WebSocket(url));
    const ua = new UserAgent({
      sockets,
      uri: this.account.uri,
      authorization_user: this.account.username,
      realm: this.account.realm,
      ha1: this.account.ha1,
      register: true,
      register_expires: 300,
      session_timers: false,
      // A lost WebSocket is retried from 2 s up to 30 s apart; calls in progress are kept: their
      // media runs through rtpengine, not the socket.
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 30,
      user_agent: 'Hotline agent-web',
    });
    this.ua = ua;
    ua.on('connected', () => this.phoneEvent({ type: 'ws-connected' }));
    ua.on('disconnected', () => this.phoneEvent({ type: 'ws-disconnected' }));
    ua.on('registered', () => {
      this.regAttempts = 0;
      this.phoneEvent({ type: 'registered' });
    });
    ua.on('unregistered', () => this.phoneEvent({ type: 'unregistered' }));
    ua.on('registrationFailed', (e) => {
      const status = 'status_code' in (e.response ?? {}) ? e.response.status_code : undefined;
      const failure = { cause: String(e.cause ?? 'unknown'), ...(status ? { status } : {}) };
      this.phoneEvent({ type: 'registration-failed', failure });
      if (this.snapshot.status.registration === 'reconnecting') this.retryRegistration();
    });
    ua.on('newRTCSession', (e: IncomingRTCSessionEvent | OutgoingRTCSessionEvent) => this.track(e));
    this.phoneEvent({ type: 'start' });
    ua.start();
    // A closed tab unregisters at once, instead of leaving Kamailio a dead contact to ring.
    window.addEventListener('pagehide', this.onPageHide);
  }

  /** JsSIP does not retry a refused REGISTER by itself: transient refusals (503) are retried here. */
  private retryRegistration(): void {
    clearTimeout(this.regRetry);
    const delay = retryDelayMs(this.regAttempts++, { baseMs: 2000, maxMs: 30_000 });
    this.regRetry = setTimeout(() => {
      if (this.ua && this.snapshot.status.registration === 'reconnecting') this.ua.register();
    }, delay);
  }

  private readonly onPageHide = () => {
    this.ua?.stop();
  };

  /** Unregisters and closes the socket; calls in progress are hung up first. */
  async stop(): Promise<void> {
    clearTimeout(this.regRetry);
    window.removeEventListener('pagehide', this.onPageHide);
    const ua = this.ua;
    if (!ua) return;
    this.ua = null;
    for (const s of this.sessions.values()) if (!s.isEnded()) s.terminate();
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 2000);
      ua.once('unregistered', () => {
        clearTimeout(done);
        resolve();
      });
      ua.stop();
    });
    this.phoneEvent({ type: 'stop' });
  }

  private track(e: IncomingRTCSessionEvent | OutgoingRTCSessionEvent): void {
    const session = e.session;
    const incoming = e.originator === 'remote';
    const id = session.id;
    const remote = session.remote_identity;
    const hotlineCallId = incoming ? e.request.getHeader('X-Hotline-Call-Id') || null : null;
    const call = newCall({
      id,
      direction: incoming ? 'incoming' : 'outgoing',
      remote: remote.display_name || remote.uri.user || remote.uri.toString(),
      hotlineCallId,
      // Incoming requests carry call_id at run time too; JsSIP's types only declare the header.
      sipCallId: incoming ? e.request.getHeader('Call-ID') : e.request.call_id,
      now: this.now(),
    });
    this.sessions.set(id, session);
    const attach = (pc: RTCPeerConnection) =>
      pc.addEventListener('track', (ev) => {
        const audio = this.options.remoteAudio();
        if (!audio) return;
        audio.srcObject = ev.streams[0] ?? new MediaStream([ev.track]);
        void audio.play().catch(() => undefined);
      });
    if (session.connection) attach(session.connection);
    session.on('peerconnection', (ev) => attach(ev.peerconnection));
    session.on('progress', () => this.callEvent(id, { type: 'progress' }));
    session.on('accepted', () => this.callEvent(id, { type: 'accepted' }));
    session.on('confirmed', () => this.callEvent(id, { type: 'confirmed' }));
    session.on('hold', () => this.callEvent(id, { type: 'hold' }));
    session.on('unhold', () => this.callEvent(id, { type: 'unhold' }));
    session.on('muted', () => this.callEvent(id, { type: 'muted' }));
    session.on('unmuted', () => this.callEvent(id, { type: 'unmuted' }));
    const ended = (ev: { originator: string; cause: string; message?: unknown }) => {
      const message = ev.message as { status_code?: number } | undefined;
      const originator = ev.originator === 'local' || ev.originator === 'remote' ? ev.originator : 'system';
      this.callEvent(id, {
        type: 'ended',
        originator,
        failure: { cause: ev.cause, ...(message?.status_code ? { status: message.status_code } : {}) },
      });
    };
    session.on('ended', ended);
    session.on('failed', ended);
    this.emit({ ...this.snapshot, calls: [...this.snapshot.calls, call] });
    if (incoming) for (const l of this.incomingListeners) l(call);
  }

  private session(id: string): { session: RTCSession; call: CallInfo } {
    const session = this.sessions.get(id);
    const call = this.snapshot.calls.find((c) => c.id === id);
    if (!session || !call) throw new SoftphoneError('no-such-call', 'That call is no longer there.');
    return { session, call };
  }

  private allowed(id: string, control: keyof ReturnType<typeof callControls>): RTCSession {
    const { session, call } = this.session(id);
    if (!callControls(call)[control])
      throw new SoftphoneError('not-allowed-now', `Cannot ${control} the call right now.`);
    return session;
  }

  answer(id: string): void {
    const session = this.allowed(id, 'answer');
    this.callEvent(id, { type: 'answering' });
    session.answer(MEDIA);
  }

  /** Declines a ringing call, so the ACD offers it to the next agent (603 Decline). */
  reject(id: string): void {
    this.allowed(id, 'reject').terminate({ status_code: 603, reason_phrase: 'Decline' });
  }

  hangup(id: string): void {
    const { session } = this.session(id);
    if (!session.isEnded()) session.terminate();
  }

  /** Hold by re-INVITE (a=sendonly); the edge passes it through its media anchor. */
  hold(id: string): void {
    this.allowed(id, 'hold').hold();
  }

  resume(id: string): void {
    this.allowed(id, 'resume').unhold();
  }

  /** Mute disables our microphone track: nothing is signalled, the far end hears silence. */
  mute(id: string): void {
    this.allowed(id, 'mute').mute({ audio: true });
  }

  unmute(id: string): void {
    this.allowed(id, 'unmute').unmute({ audio: true });
  }

  /**
   * Keys as RFC 4733 telephone-events in the RTP stream (RTCDTMFSender): rtpengine relays them
   * and the edge's DTMF listener and IVRs downstream hear them; SIP INFO would reach neither.
   */
  sendDtmf(id: string, tones: string): void {
    if (!isDtmfTones(tones)) throw new SoftphoneError('bad-tones', 'Only 0–9, *, # and A–D can be sent.');
    this.allowed(id, 'dtmf').sendDTMF(tones, {
      transportType: JsSIP.C.DTMF_TRANSPORT.RFC2833,
      duration: 160,
      interToneGap: 80,
    });
  }

  /** Calls a colleague (extension or SIP user) or a number through the edge. */
  dial(raw: string): string {
    const target = normalizeDialTarget(raw);
    if (!target) throw new SoftphoneError('bad-target', 'Enter an extension, a SIP user or a number.');
    if (!this.ua || this.snapshot.status.registration !== 'registered')
      throw new SoftphoneError('not-registered', 'The softphone is not registered yet.');
    const session = this.ua.call(`sip:${target}@${this.account.realm}`, MEDIA);
    return session.id;
  }
}
