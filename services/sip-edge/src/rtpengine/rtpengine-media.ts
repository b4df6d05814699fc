import { forBrowserListener } from './listen-offer';
import type { MediaServer, MediaSession } from '../domain/ports';
import { readFile } from 'node:fs/promises';
import { CallMix } from '../media/mix-host';
import { FRAME_SAMPLES } from '../media/mixer';
import { readPcm16, type PromptPlayer } from '../media/rtp-player';
import {
  buildAudioSdp,
  chooseG711,
  parseAudio,
  SdpError,
  telephoneEvent,
  type AudioCodec,
} from '../media/sdp';
import type { BValue } from './bencode';
import { RtpengineError, type NgClient, type NgReply } from './ng-client';
import type { RtpenginePool } from './rtpengine-pool';

// How one call sits in rtpengine (10.5, userspace): one ng call per customer call, call-id = our
// call id. The caller is monologue "caller"; the other side is monologue "b", whose remote end is
// swapped between our silent inner endpoint (IVR, queue), an agent, or an external party by
// re-offering from the caller and answering with the new party's SDP. With the "port latching"
// flag the caller-facing ports never change, so the caller is never re-INVITEd. Prompts are
// the caller's audio toward the inner side is blocked ("block media", which still lets RFC 4733
// events through to --dtmf-log-dest). Prompts come from the inner endpoint itself (RtpPlayer:
// Node sends G.711 frames, rtpengine relays them); only music on hold during a bridge uses
// rtpengine's own "play media", because then the b side belongs to the party and is blocked.

const CALLER = 'caller';
const OTHER = 'b';

interface SessionState {
  /** The caller's RFC 4733 payload type, kept in every SDP we write for the call. */
  dtmfPt: number | undefined;
  /** Set once the call moved into the edge's mixer (whisper, barge, three-way, consultation). */
  mix?: CallMix;
  members: Set<string>;
  callerSdp: string;
  innerSdp: string;
  partySdp: string | undefined;
  codec: AudioCodec;
  callerIsWebrtc: boolean;
  instance: string;
  /** rtpengine's own player was started for this call (and may still play): stopPlay must stop it. */
  enginePlaying?: boolean;
}

export interface InnerEndpoint {
  host: string;
  port: number;
}

type Args = { [key: string]: BValue | undefined };

export class RtpengineMedia implements MediaServer {
  private readonly sessions = new Map<string, SessionState>();

  constructor(
    private readonly ng: NgClient,
    private readonly pool: RtpenginePool,
    private readonly inner: InnerEndpoint,
    private readonly player: PromptPlayer,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  async anchor(
    callId: string,
    callerOfferSdp: string,
  ): Promise<{ session: MediaSession; callerAnswerSdp: string }> {
    const offer = parseAudio(callerOfferSdp);
    const codec = chooseG711(offer);
    if (!codec) throw new SdpError('the caller offers neither PCMA nor PCMU');
    const dtmf = telephoneEvent(offer);
    const callerIsWebrtc = /SAVP/.test(offer.protocol);
    const instance = this.pool.pick();
    const innerSdp = buildAudioSdp({
      address: this.inner.host,
      port: this.inner.port,
      codec,
      ...(dtmf ? { dtmfPayloadType: dtmf.payloadType } : {}),
    });
    const state: SessionState = {
      dtmfPt: dtmf?.payloadType,
      members: new Set(),
      callerSdp: callerOfferSdp,
      innerSdp,
      partySdp: undefined,
      codec,
      callerIsWebrtc,
      instance: instance.id,
    };
    const session: MediaSession = { callId, instance: instance.id };
    const toInner = await this.send(session, 'offer', {
      ...this.plainToward(),
      'from-tag': CALLER,
      sdp: callerOfferSdp,
      codec: onlyCodec(codec),
    });
    this.sessions.set(callId, state);
    this.openPlayer(callId, sdpOf(toInner), codec);
    try {
      const answer = await this.send(session, 'answer', {
        ...(callerIsWebrtc ? this.webrtcToward(false) : this.plainToward()),
        'from-tag': CALLER,
        'to-tag': OTHER,
        sdp: innerSdp,
      });
      await this.send(session, 'block media', { 'from-tag': CALLER });
      return { session, callerAnswerSdp: sdpOf(answer) };
    } catch (err) {
      await this.release(session).catch(() => undefined);
      throw err;
    }
  }

  async anchorDirect(
    callId: string,
    callerOfferSdp: string,
    options: { webrtc: boolean },
  ): Promise<{ session: MediaSession; partyOfferSdp: string }> {
    const offer = parseAudio(callerOfferSdp);
    const codec = chooseG711(offer);
    if (!codec) throw new SdpError('the caller offers neither PCMA nor PCMU');
    const dtmf = telephoneEvent(offer);
    const instance = this.pool.pick();
    const session: MediaSession = { callId, instance: instance.id };
    // The inner endpoint is still described, so a transfer can park the caller there later.
    const innerSdp = buildAudioSdp({
      address: this.inner.host,
      port: this.inner.port,
      codec,
      ...(dtmf ? { dtmfPayloadType: dtmf.payloadType } : {}),
    });
    const reply = await this.send(session, 'offer', {
      ...(options.webrtc ? this.webrtcToward(true) : this.plainToward()),
      'from-tag': CALLER,
      sdp: callerOfferSdp,
      codec: onlyCodec(codec),
    });
    this.sessions.set(callId, {
      dtmfPt: dtmf?.payloadType,
      members: new Set(),
      callerSdp: callerOfferSdp,
      innerSdp,
      partySdp: undefined,
      codec,
      callerIsWebrtc: /SAVP/.test(offer.protocol),
      instance: instance.id,
    });
    return { session, partyOfferSdp: offerSdp(reply, options.webrtc) };
  }

  async completeDirect(session: MediaSession, partyAnswerSdp: string): Promise<string> {
    const state = this.state(session);
    const reply = await this.send(session, 'answer', {
      ...(state.callerIsWebrtc ? this.webrtcToward(false) : this.plainToward()),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: partyAnswerSdp,
    });
    state.partySdp = partyAnswerSdp;
    return sdpOf(reply);
  }

  async offerToParty(session: MediaSession, options: { webrtc: boolean }): Promise<string> {
    const state = this.state(session);
    const reply = await this.send(session, 'offer', {
      ...(options.webrtc ? this.webrtcToward(true) : this.plainToward()),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: state.callerSdp,
      codec: onlyCodec(state.codec),
    });
    return offerSdp(reply, options.webrtc);
  }

  async connectParty(session: MediaSession, partyAnswerSdp: string): Promise<void> {
    const state = this.state(session);
    // Our prompts must not reach the party's side of the bridge.
    this.player.stop(session.callId);
    await this.send(session, 'answer', {
      ...(state.callerIsWebrtc ? this.webrtcToward(false) : this.plainToward()),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: partyAnswerSdp,
    });
    state.partySdp = partyAnswerSdp;
  }

  async disconnectParty(session: MediaSession): Promise<void> {
    const state = this.state(session);
    const toInner = await this.send(session, 'offer', {
      ...this.plainToward(),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: state.callerSdp,
      codec: onlyCodec(state.codec),
    });
    this.openPlayer(session.callId, sdpOf(toInner), state.codec);
    await this.send(session, 'answer', {
      ...(state.callerIsWebrtc ? this.webrtcToward(false) : this.plainToward()),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: state.innerSdp,
    });
    state.partySdp = undefined;
    await this.send(session, 'block media', { 'from-tag': CALLER });
  }

  async reoffer(session: MediaSession, side: 'caller' | 'party', offerSdp: string): Promise<string> {
    const state = this.state(session);
    if (side === 'caller') {
      await this.send(session, 'offer', {
        ...this.plainToward(),
        'from-tag': CALLER,
        'to-tag': OTHER,
        sdp: offerSdp,
      });
      const reply = await this.send(session, 'answer', {
        ...(state.callerIsWebrtc ? this.webrtcToward(false) : this.plainToward()),
        'from-tag': CALLER,
        'to-tag': OTHER,
        sdp: state.partySdp ?? state.innerSdp,
      });
      state.callerSdp = offerSdp;
      return sdpOf(reply);
    }
    await this.send(session, 'offer', {
      ...this.plainToward(),
      'from-tag': OTHER,
      'to-tag': CALLER,
      sdp: offerSdp,
    });
    const reply = await this.send(session, 'answer', {
      ...this.plainToward(),
      'from-tag': OTHER,
      'to-tag': CALLER,
      sdp: state.callerSdp,
    });
    state.partySdp = offerSdp;
    return sdpOf(reply);
  }

  async mix(session: MediaSession): Promise<void> {
    const state = this.state(session);
    if (state.mix) return;
    this.player.stop(session.callId);
    const mix = new CallMix(this.inner.host);
    state.mix = mix;
    const { port } = await mix.addMember('caller', g711(state.codec), state.codec.payloadType);
    const toMixer = await this.send(session, 'offer', {
      ...this.plainToward(),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: state.callerSdp,
      codec: onlyCodec(state.codec),
    });
    const mixerSdp = this.endpointSdp(state, port);
    await this.send(session, 'answer', {
      ...(state.callerIsWebrtc ? this.webrtcToward(false) : this.plainToward()),
      'from-tag': CALLER,
      'to-tag': OTHER,
      sdp: mixerSdp,
    });
    state.partySdp = mixerSdp;
    mix.setDest('caller', addressOf(sdpOf(toMixer)));
    await this.send(session, 'unblock media', { 'from-tag': CALLER });
    await this.send(session, 'unblock media', { 'from-tag': OTHER });
  }

  async memberOffer(session: MediaSession, member: string, options: { webrtc: boolean }): Promise<string> {
    const state = this.state(session);
    if (!state.mix) throw new RtpengineError('rtpengine_error', `call ${session.callId} is not mixed`);
    const { port } = await state.mix.addMember(member, g711(state.codec), state.codec.payloadType);
    state.members.add(member);
    const reply = await this.send(
      session,
      'offer',
      {
        ...(options.webrtc ? this.webrtcToward(true) : this.plainToward()),
        'from-tag': 'mix',
        sdp: this.endpointSdp(state, port),
        codec: onlyCodec(state.codec),
      },
      memberCallId(session, member),
    );
    return offerSdp(reply, options.webrtc);
  }

  async memberAnswer(session: MediaSession, member: string, answerSdp: string): Promise<void> {
    const state = this.state(session);
    const reply = await this.send(
      session,
      'answer',
      { ...this.plainToward(), 'from-tag': 'mix', 'to-tag': member, sdp: answerSdp },
      memberCallId(session, member),
    );
    state.mix?.setDest(member, addressOf(sdpOf(reply)));
  }

  async removeMember(session: MediaSession, member: string): Promise<void> {
    const state = this.sessions.get(session.callId);
    state?.mix?.removeMember(member);
    state?.members.delete(member);
    await this.send(session, 'delete', {}, memberCallId(session, member)).catch(() => undefined);
  }

  setHearing(session: MediaSession, matrix: Record<string, string[]>): void {
    this.state(session).mix?.mixer.setHearing(matrix);
  }

  async feedMember(session: MediaSession, member: string, file: string | undefined): Promise<void> {
    const mix = this.state(session).mix;
    if (!mix) return;
    if (!file) {
      mix.mixer.stopFeed(member);
      return;
    }
    mix.mixer.feed(member, await pcmFrames(file), true);
  }

  async listen(
    session: MediaSession,
    options: { webrtc: boolean },
  ): Promise<{ subscription: string; offerSdp: string }> {
    this.state(session);
    const reply = await this.send(session, 'subscribe request', {
      ...(options.webrtc ? this.webrtcToward(true) : this.plainToward()),
      'from-tags': [CALLER, OTHER],
    });
    const subscription = reply['to-tag'];
    if (typeof subscription !== 'string')
      throw new RtpengineError('rtpengine_error', 'subscribe request without to-tag');
    const sdp = offerSdp(reply, options.webrtc);
    return { subscription, offerSdp: options.webrtc ? forBrowserListener(sdp) : sdp };
  }

  async confirmListen(session: MediaSession, subscription: string, answerSdp: string): Promise<void> {
    await this.send(session, 'subscribe answer', {
      replace: ['origin', 'session-connection'],
      ICE: 'remove',
      'to-tag': subscription,
      sdp: answerSdp,
    });
  }

  async stopListening(session: MediaSession, subscription: string): Promise<void> {
    try {
      await this.send(session, 'unsubscribe', { 'to-tag': subscription });
    } catch (err) {
      // Gone with the call already: nothing left to stop.
      if (!(err instanceof RtpengineError && /unknown/i.test(err.reason ?? ''))) throw err;
    }
  }

  async play(
    session: MediaSession,
    file: string,
    options: { repeat?: number } = {},
  ): Promise<{ durationMs: number }> {
    const state = this.state(session);
    if (!state.partySdp && this.player.has(session.callId)) {
      const { durationMs } = await this.player.play(session.callId, file, options.repeat ?? 1);
      return { durationMs };
    }
    const reply = await this.send(session, 'play media', {
      'from-tag': CALLER,
      file,
      ...(options.repeat ? { 'repeat-times': options.repeat } : {}),
    });
    state.enginePlaying = true;
    const duration = typeof reply.duration === 'number' ? reply.duration : 0;
    return { durationMs: duration };
  }

  async stopPlay(session: MediaSession): Promise<void> {
    this.player.stop(session.callId);
    const state = this.sessions.get(session.callId);
    // Only rtpengine's own player needs a "stop media": asking when it never played costs a round
    // trip and a protocol warning in rtpengine's log for every bridged call.
    if (!state?.partySdp || !state.enginePlaying) return;
    state.enginePlaying = false;
    try {
      await this.send(session, 'stop media', { 'from-tag': CALLER });
    } catch (err) {
      // Nothing playing any more (the music just ended): that is what we wanted.
      if (!(err instanceof RtpengineError && /not currently playing/i.test(err.reason ?? ''))) throw err;
    }
  }

  async block(session: MediaSession, from: 'caller' | 'party', blocked: boolean): Promise<void> {
    await this.send(session, blocked ? 'block media' : 'unblock media', {
      'from-tag': from === 'caller' ? CALLER : OTHER,
    });
  }

  async record(session: MediaSession, op: 'start' | 'stop'): Promise<void> {
    await this.send(session, op === 'start' ? 'start recording' : 'stop recording', {});
  }

  async release(session: MediaSession): Promise<void> {
    const state = this.sessions.get(session.callId);
    this.sessions.delete(session.callId);
    this.player.close(session.callId);
    if (state?.mix) {
      state.mix.close();
      await Promise.all(
        [...state.members].map((m) =>
          this.send(session, 'delete', {}, memberCallId(session, m)).catch(() => undefined),
        ),
      );
    }
    try {
      await this.send(session, 'delete', {});
    } catch (err) {
      if (!(err instanceof RtpengineError && /unknown call/i.test(err.reason ?? ''))) throw err;
    }
  }

  /** Counters of one call (packets per side), for tests and diagnostics. */
  query(session: MediaSession): Promise<NgReply> {
    return this.send(session, 'query', {});
  }

  /** Prompts go to the port rtpengine offered toward the inner side. */
  private openPlayer(callId: string, towardInnerSdp: string, codec: AudioCodec): void {
    const inner = parseAudio(towardInnerSdp);
    const name = codec.name === 'PCMU' ? 'PCMU' : 'PCMA';
    this.player.open(callId, { host: inner.address, port: inner.port }, name, codec.payloadType);
  }

  private plainToward(): Args {
    return {
      flags: ['port latching'],
      replace: ['origin', 'session-connection'],
      ICE: 'remove',
      'transport-protocol': 'RTP/AVP',
      'rtcp-mux': ['demux'],
    };
  }

  /** Toward a browser: DTLS-SRTP, ICE, rtcp-mux (Chrome refuses an SDP without any of them). */
  private webrtcToward(isOffer: boolean): Args {
    return {
      flags: ['port latching', ...(isOffer ? ['generate mid'] : [])],
      replace: ['origin', 'session-connection'],
      ICE: 'force',
      'transport-protocol': 'UDP/TLS/RTP/SAVPF',
      ...(isOffer ? { 'rtcp-mux': ['offer'] } : {}),
      SDES: ['off'],
    };
  }

  private state(session: MediaSession): SessionState {
    const state = this.sessions.get(session.callId);
    if (!state)
      throw new RtpengineError(
        'rtpengine_error',
        `no media session for call ${session.callId}`,
        'Unknown call-id',
      );
    return state;
  }

  /** An SDP for one of our own endpoints (the mixer's member ports) in the call's codec. */
  private endpointSdp(state: SessionState, port: number): string {
    return buildAudioSdp({
      address: this.inner.host,
      port,
      codec: state.codec,
      ...(state.dtmfPt !== undefined ? { dtmfPayloadType: state.dtmfPt } : {}),
    });
  }

  private send(
    session: MediaSession,
    command: string,
    args: Args,
    callId = session.callId,
  ): Promise<NgReply> {
    const instance = this.pool.byId(session.instance);
    if (!instance) {
      return Promise.reject(
        new RtpengineError('rtpengine_unavailable', `rtpengine ${session.instance} is not configured here`),
      );
    }
    return this.ng.command(instance, command, { 'call-id': callId, ...args });
  }
}

/** A mixed-in party's own rtpengine call (its media is anchored apart from the caller's). */
function memberCallId(session: MediaSession, member: string): string {
  return `${session.callId}~${member}`;
}

function g711(codec: AudioCodec): 'PCMA' | 'PCMU' {
  return codec.name === 'PCMU' ? 'PCMU' : 'PCMA';
}

function addressOf(sdp: string): { host: string; port: number } {
  const audio = parseAudio(sdp);
  return { host: audio.address, port: audio.port };
}

const feedCache = new Map<string, Promise<Int16Array[]>>();

/** A WAV as 20 ms PCM frames, for mixing (cached: music on hold is the usual one). */
function pcmFrames(file: string): Promise<Int16Array[]> {
  let frames = feedCache.get(file);
  if (!frames) {
    frames = readFile(file).then((data) => {
      const pcm = readPcm16(data, file);
      const out: Int16Array[] = [];
      for (let i = 0; i < pcm.length; i += FRAME_SAMPLES) out.push(pcm.slice(i, i + FRAME_SAMPLES));
      return out;
    });
    frames.catch(() => feedCache.delete(file));
    feedCache.set(file, frames);
    if (feedCache.size > 32) feedCache.delete(feedCache.keys().next().value!);
  }
  return frames;
}

/** Keeps one G.711 codec (plus RFC 4733 events): every party speaks what the caller speaks. */
function onlyCodec(codec: AudioCodec): BValue {
  return { strip: ['all'], except: [codec.name, 'telephone-event'] };
}

function sdpOf(reply: NgReply): string {
  if (typeof reply.sdp !== 'string') throw new RtpengineError('rtpengine_error', 'ng reply without SDP');
  return reply.sdp;
}

/**
 * The SDP of an offer we send. Toward a browser rtpengine (10.5) offers a=setup:actpass but has
 * already made itself the DTLS client; Chrome answers a=setup:active, finishes ICE and sends its
 * ClientHello before its answer reaches rtpengine, so both sides open as clients and DTLS fails
 * every time (DTLS=passive, DTLS-reverse and --dtls-passive do not change the offer-time role).
 * Offering a=setup:active makes Chrome the DTLS server, which is the role rtpengine expects.
 * Measured with test/browser/softphone-audio.it.test.ts (headless Chromium 156 + JsSIP).
 */
function offerSdp(reply: NgReply, webrtc: boolean): string {
  const sdp = sdpOf(reply);
  return webrtc ? sdp.replace(/^a=setup:actpass\r?$/gm, (line) => line.replace('actpass', 'active')) : sdp;
}

/** Renumbers repeated a=mid values (m-lines stay in order, which is how the answer is matched). */
