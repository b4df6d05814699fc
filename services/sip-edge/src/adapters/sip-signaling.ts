import type {
  AnsweredLeg,
  Dialer,
  DialResult,
  DialTarget,
  InboundOffer,
  LegEndCause,
  OriginateAttempt,
  OriginateResult,
  OutboundAttempt,
} from '../domain/ports';
import type { Dialog } from '../sip/dialog';
import { header } from '../sip/sip-message';
import { parseNameAddr, parseUri } from '../sip/sip-uri';
import type { IncomingInvite, OutgoingInvite, SipUserAgent } from '../sip/user-agent';

// The SIP stack behind the domain's signalling ports: an IncomingInvite becomes an InboundOffer,
// a Dialog an AnsweredLeg, and the Dialer sends INVITEs to agents and gateways through Kamailio
// (which finds the agent's registration, or picks a gateway, from X-Hotline-Target).

export class DialogLeg implements AnsweredLeg {
  private endHandlers: ((cause: LegEndCause) => void)[] = [];
  private reinviteHandler: ((sdp: string) => Promise<string>) | undefined;
  private refer: ((target: string) => Promise<boolean>) | undefined;
  private ended = false;

  constructor(
    readonly legId: string,
    readonly dialog: Dialog,
  ) {
    dialog.onEnd = (cause) => {
      if (this.ended) return;
      this.ended = true;
      const mapped: LegEndCause =
        cause === 'remote-bye'
          ? 'remote-bye'
          : cause === 'ack-timeout'
            ? 'ack-timeout'
            : cause === 'request-timeout'
              ? 'request-timeout'
              : 'local';
      for (const h of this.endHandlers) h(mapped);
    };
    dialog.onReinvite = async (request) => {
      if (!this.reinviteHandler) return { status: 488 };
      const sdp = await this.reinviteHandler(request.body.toString('utf8'));
      return { status: 200, body: Buffer.from(sdp), contentType: 'application/sdp' };
    };
    dialog.onRequest = async (request) => {
      if (request.method === 'REFER') {
        const target = header(request, 'refer-to');
        if (!target || !this.refer) return { status: 603 };
        return (await this.refer(target)) ? { status: 202 } : { status: 603 };
      }
      if (request.method === 'INFO' || request.method === 'OPTIONS' || request.method === 'NOTIFY')
        return { status: 200 };
      return { status: 501 };
    };
  }

  onEnded(handler: (cause: LegEndCause) => void): void {
    this.endHandlers.push(handler);
  }

  onReinvite(handler: (offerSdp: string) => Promise<string>): void {
    this.reinviteHandler = handler;
  }

  onRefer(handler: (referTo: string) => Promise<boolean>): void {
    this.refer = handler;
  }

  async reinvite(offerSdp: string): Promise<string> {
    const response = await this.dialog.request('INVITE', {
      body: Buffer.from(offerSdp),
      contentType: 'application/sdp',
    });
    if (response.status >= 300)
      throw new Error(`re-INVITE of leg ${this.legId} refused: ${response.status} ${response.reason}`);
    return response.body.toString('utf8');
  }

  async hangup(): Promise<void> {
    await this.dialog.bye();
  }
}

export class SipInboundOffer implements InboundOffer {
  readonly sipCallId: string;
  readonly sdp: string;
  readonly ani: string;
  readonly dnis: string;
  readonly trunk: string | undefined;
  readonly tenantId: string | undefined;
  readonly hotlineId: string | undefined;
  readonly agentAor: string | undefined;

  constructor(
    readonly invite: IncomingInvite,
    private readonly legId: string,
    /** Whether the X-Hotline-* headers can be believed (the INVITE came from our edge proxy). */
    trusted: boolean,
  ) {
    this.sipCallId = invite.callId;
    this.sdp = invite.request.body.toString('utf8');
    this.ani = invite.from.uri.user ?? invite.from.uri.host;
    let dnis: string;
    try {
      dnis = parseUri(invite.request.uri).user ?? invite.to.uri.user ?? '';
    } catch {
      dnis = invite.to.uri.user ?? '';
    }
    this.dnis = dnis;
    const hdr = (name: string) => (trusted ? invite.header(name)?.trim() || undefined : undefined);
    this.trunk = hdr('x-hotline-trunk');
    this.tenantId = hdr('x-hotline-tenant');
    this.hotlineId = hdr('x-hotline-hotline');
    this.agentAor = hdr('x-hotline-agent');
  }

  ring(): void {
    this.invite.progress(180);
  }

  answer(sdp: string): AnsweredLeg {
    return new DialogLeg(this.legId, this.invite.answer(Buffer.from(sdp)));
  }

  reject(status: number): void {
    this.invite.reject(status);
  }

  onCancelled(handler: () => void): void {
    this.invite.onCancel = handler;
  }
}

export interface SipDialerOptions {
  /** The domain in From of calls we place (the edge's own). */
  domain: string;
}

export class SipDialer implements Dialer {
  constructor(
    private readonly ua: SipUserAgent,
    private readonly options: SipDialerOptions,
  ) {}

  dial(
    target: DialTarget,
    sdp: string,
    context: { callId: string; legId: string; callerId: string },
  ): OutboundAttempt {
    const outgoing = this.invite(target, context, sdp);
    let ringing: (() => void) | undefined;
    outgoing.onProvisional = (response) => {
      if (response.status === 180 || response.status === 183) ringing?.();
    };
    const result: Promise<DialResult> = outgoing.outcome.then((outcome) => {
      if (outcome.kind === 'failed')
        return { kind: 'failed', status: outcome.status, reason: outcome.reason };
      return {
        kind: 'answered',
        leg: new DialogLeg(context.legId, outcome.dialog),
        sdp: outcome.response.body.toString('utf8'),
      };
    });
    return {
      legId: context.legId,
      onRinging: (handler) => {
        ringing = handler;
      },
      result,
      cancel: () => outgoing.cancel(),
    };
  }

  originate(number: string, context: { callId: string; legId: string; callerId: string }): OriginateAttempt {
    const outgoing = this.invite({ kind: 'external', number }, context);
    const result: Promise<OriginateResult> = outgoing.outcome.then((outcome) => {
      if (outcome.kind === 'failed')
        return { kind: 'failed', status: outcome.status, reason: outcome.reason };
      const offerSdp = outcome.response.body.toString('utf8');
      if (!offerSdp.includes('m=audio')) {
        // A 2xx without an offer to our offerless INVITE breaks §13.2.1: acknowledge and leave.
        outgoing.acknowledge();
        void outcome.dialog.bye().catch(() => undefined);
        return { kind: 'failed', status: 488, reason: 'answered without an SDP offer' };
      }
      return {
        kind: 'answered',
        offer: new OriginatedOffer(
          outgoing,
          outcome.dialog,
          context.legId,
          offerSdp,
          context.callerId,
          number,
        ),
      };
    });
    return { legId: context.legId, result, cancel: () => outgoing.cancel() };
  }

  private invite(
    target: DialTarget,
    context: { callId: string; callerId: string },
    sdp?: string,
  ): OutgoingInvite {
    const requestUri =
      target.kind === 'agent' ? `sip:${target.aor}` : `sip:${target.number}@${this.options.domain}`;
    const callerUser = /^[A-Za-z0-9+._-]{1,64}$/.test(context.callerId) ? context.callerId : 'anonymous';
    return this.ua.invite({
      target: requestUri,
      from: parseNameAddr(`<sip:${callerUser}@${this.options.domain}>`),
      to: parseNameAddr(`<${requestUri}>`),
      ...(sdp === undefined ? { deferAck: true } : { body: Buffer.from(sdp) }),
      headers: [
        ['x-hotline-target', target.kind],
        ['x-hotline-call-id', context.callId],
      ],
    });
  }
}

/**
 * The far end answered a call we placed without an offer: its 2xx offer is what call control
 * answers, as it answers a caller's INVITE, and the answer goes out in the ACK.
 */
export class OriginatedOffer implements InboundOffer {
  readonly sipCallId: string;
  private answered = false;

  constructor(
    private readonly outgoing: OutgoingInvite,
    private readonly dialog: Dialog,
    private readonly legId: string,
    readonly sdp: string,
    /** We called from this number, and the far end is the number we dialled. */
    readonly ani: string,
    readonly dnis: string,
  ) {
    this.sipCallId = outgoing.callId;
  }

  /** Already answered: nothing rings. */
  ring(): void {}

  answer(sdp: string): AnsweredLeg {
    this.answered = true;
    this.outgoing.acknowledge(Buffer.from(sdp));
    return new DialogLeg(this.legId, this.dialog);
  }

  /** The call cannot go on (no media): complete the exchange and hang up. */
  reject(): void {
    if (this.answered) return;
    this.answered = true;
    this.outgoing.acknowledge();
    void this.dialog.bye().catch(() => undefined);
  }

  /** An answered call cannot be cancelled: a hang-up arrives as BYE on the leg. */
  onCancelled(): void {}
}
