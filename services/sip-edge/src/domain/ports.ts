// What call control needs from the outside world. SIP (our own stack behind Kamailio), media
// (rtpengine over ng), prompts (files on disk), the directory (provisioning) and the event bus are
// adapters behind these interfaces; the domain never sees a SIP message or an ng command.
import type { EventData, EventType, PromptRef } from '@hotline/contracts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

export type LegEndCause = 'remote-bye' | 'ack-timeout' | 'request-timeout' | 'local';

/** An established SIP leg (a dialog) of a call. */
export interface AnsweredLeg {
  readonly legId: string;
  /** The far end hung up, or the dialog died (no ACK, in-dialog request timed out). */
  onEnded(handler: (cause: LegEndCause) => void): void;
  /** A re-INVITE from the far end: resolve our answer SDP (hold from a phone, session refresh). */
  onReinvite(handler: (offerSdp: string) => Promise<string>): void;
  /** REFER from the far end (a phone's transfer button): resolve whether it is accepted. */
  onRefer(handler: (referTo: string) => Promise<boolean>): void;
  /** Sends a re-INVITE with a new offer (moving the leg's media); resolves the far end's answer SDP. */
  reinvite(offerSdp: string): Promise<string>;
  /** Sends BYE. Resolves when answered or given up; the leg is over either way. */
  hangup(): Promise<void>;
}

/** An INVITE that reached call control: a caller, or an agent placing a call. */
export interface InboundOffer {
  readonly sipCallId: string;
  readonly sdp: string;
  /** Caller number (From user) and dialled number (Request-URI user), as received. */
  readonly ani: string;
  readonly dnis: string;
  /** Set by the edge proxy for calls from trunks. */
  readonly trunk?: string;
  readonly tenantId?: string;
  readonly hotlineId?: string;
  /** Set by the edge proxy for authenticated agents: "user@realm". */
  readonly agentAor?: string;
  ring(): void;
  answer(sdp: string): AnsweredLeg;
  reject(status: number): void;
  /** The caller gave up before an answer (CANCEL); the 487 is already sent. */
  onCancelled(handler: () => void): void;
}

export type DialTarget =
  { kind: 'agent'; aor: string; webrtc: boolean } | { kind: 'external'; number: string };

export type DialResult =
  { kind: 'answered'; leg: AnsweredLeg; sdp: string } | { kind: 'failed'; status: number; reason: string };

export interface OutboundAttempt {
  readonly legId: string;
  onRinging(handler: () => void): void;
  readonly result: Promise<DialResult>;
  /** Stops ringing (CANCEL); `result` then settles as failed 487 (or answered-and-hung-up). */
  cancel(): void;
}

export type OriginateResult =
  { kind: 'answered'; offer: InboundOffer } | { kind: 'failed'; status: number; reason: string };

/**
 * A call the edge places on its own (a callback). The INVITE carries no offer: the far end's 2xx
 * does, so once answered the call looks to call control like an offered inbound call whose
 * `answer` completes the exchange (the answer SDP goes in the ACK).
 */
export interface OriginateAttempt {
  readonly legId: string;
  readonly result: Promise<OriginateResult>;
  /** Stops ringing (CANCEL); `result` then settles as failed 487. */
  cancel(): void;
}

export interface Dialer {
  dial(
    target: DialTarget,
    sdp: string,
    context: { callId: string; legId: string; callerId: string },
  ): OutboundAttempt;
  originate(number: string, context: { callId: string; legId: string; callerId: string }): OriginateAttempt;
}

/** One call's media in rtpengine: the caller's side and a fixed "other" side that parties swap into. */
export interface MediaSession {
  readonly callId: string;
  /** Which rtpengine instance anchors it (kept in live state so another edge can clean up). */
  readonly instance: string;
}

export interface MediaServer {
  /**
   * Anchors a new call: the caller's offer against our silent inner endpoint. Returns the SDP to
   * answer the caller with. The caller's audio toward the inner side is blocked (DTMF still flows).
   */
  anchor(callId: string, callerOfferSdp: string): Promise<{ session: MediaSession; callerAnswerSdp: string }>;
  /**
   * Anchors a call an agent places (no IVR side): the caller's offer toward the party it dialled.
   * Returns the offer SDP for that party; `completeDirect` turns the party's answer into ours.
   */
  anchorDirect(
    callId: string,
    callerOfferSdp: string,
    options: { webrtc: boolean },
  ): Promise<{ session: MediaSession; partyOfferSdp: string }>;
  /** The dialled party answered a direct call: the SDP to answer the caller with. */
  completeDirect(session: MediaSession, partyAnswerSdp: string): Promise<string>;
  /** The offer SDP for a party (agent, external) about to replace the inner side. */
  offerToParty(session: MediaSession, options: { webrtc: boolean }): Promise<string>;
  /** The party answered: the caller and the party now hear each other. */
  connectParty(session: MediaSession, partyAnswerSdp: string): Promise<void>;
  /** The party left: the caller goes back to the silent inner side. */
  disconnectParty(session: MediaSession): Promise<void>;
  /** A re-INVITE from the caller (or the party): our answer SDP, media path unchanged. */
  reoffer(session: MediaSession, side: 'caller' | 'party', offerSdp: string): Promise<string>;
  /**
   * Starts a listen-only copy of both sides (rtpengine "subscribe request"): an offer SDP with
   * two sendonly audio streams, the caller's and the party's (rtpengine 10.5 does not mix).
   */
  listen(
    session: MediaSession,
    options: { webrtc: boolean },
  ): Promise<{ subscription: string; offerSdp: string }>;
  /** The listener answered (its SDP must accept the offered codecs, telephone-event included). */
  confirmListen(session: MediaSession, subscription: string, answerSdp: string): Promise<void>;
  stopListening(session: MediaSession, subscription: string): Promise<void>;
  /**
   * Moves the call into the edge's mixer: the caller becomes member "caller" (its audio now flows
   * to the mixer, which sends back its mix). Other parties join with memberOffer/memberAnswer;
   * who hears whom is setHearing. Once mixed, a call stays mixed until it ends.
   */
  mix(session: MediaSession): Promise<void>;
  /** The offer SDP for `member` (the current party re-INVITEd into the mix, or a new phone). */
  memberOffer(session: MediaSession, member: string, options: { webrtc: boolean }): Promise<string>;
  memberAnswer(session: MediaSession, member: string, answerSdp: string): Promise<void>;
  removeMember(session: MediaSession, member: string): Promise<void>;
  setHearing(session: MediaSession, matrix: Record<string, string[]>): void;
  /** Music on hold (or any prompt) into one member's mix, looping; undefined stops it. */
  feedMember(session: MediaSession, member: string, file: string | undefined): Promise<void>;
  /** Plays a WAV to the caller; resolves its duration. */
  play(session: MediaSession, file: string, options?: { repeat?: number }): Promise<{ durationMs: number }>;
  stopPlay(session: MediaSession): Promise<void>;
  /** Stops (or restores) media from one side reaching the other. */
  block(session: MediaSession, from: 'caller' | 'party', blocked: boolean): Promise<void>;
  record(session: MediaSession, op: 'start' | 'stop'): Promise<void>;
  release(session: MediaSession): Promise<void>;
}

/** A prompt ready to play: a WAV file rtpengine can read, or plain silence. */
export type PlayablePrompt = { kind: 'file'; path: string } | { kind: 'silence'; ms: number };

export interface PromptLibrary {
  resolve(tenantId: string, prompt: PromptRef): Promise<PlayablePrompt>;
  /** Music on hold (the tenant's prompt, or the built-in one). */
  musicOnHold(tenantId: string, promptId?: string): Promise<PlayablePrompt>;
}

/** Whom an agent's dialled string reaches: a colleague (extension or SIP user) or a number. */
export type DialledTarget = { type: 'agent'; agentId: string } | { type: 'external'; number: string };

/** The agent behind an authenticated SIP identity (Kamailio's X-Hotline-Agent). */
export interface CallingAgent {
  agentId: string;
  tenantId: string;
  /** What the called party sees as caller: the extension, else the SIP user. */
  callerId: string;
}

export interface Directory {
  /** The agent's SIP address of record, from provisioning. */
  agentAor(tenantId: string, agentId: string): Promise<string | null>;
  /** The active agent registered as user@realm. */
  agentByAor(aor: string): Promise<CallingAgent | null>;
  /** What an agent of the tenant reaches by dialling `dialled`. */
  resolveDialled(tenantId: string, dialled: string): Promise<DialledTarget | null>;
  /** Whether the agent registered over WebSocket (a browser): media must be DTLS-SRTP + ICE. */
  isWebrtc(aor: string): Promise<boolean>;
}

/** Publishes call events (in order per call). */
export interface CallEventSink {
  emit<T extends EventType>(type: T, tenantId: string, data: EventData<T>): Promise<void>;
}
