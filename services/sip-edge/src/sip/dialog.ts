import { makeResponse, newTag } from './build-message';
import { parseCSeq } from './parse-message';
import { SipRequestError } from './sip-error';
import { header, type HeaderList, type SipAddress, type SipRequest, type SipResponse } from './sip-message';
import { parseNameAddr, parseUri, type SipUri } from './sip-uri';
import { newBranch, type ClientHandlers, type ServerTransaction, type TimerSettings } from './transactions';

/** What a dialog needs from the UA core that owns it. */
export interface DialogHost {
  readonly local: SipAddress;
  readonly timers: TimerSettings;
  readonly userAgentHeader: string;
  contactHeader(): string;
  sendRequest(request: SipRequest, destination: SipAddress, handlers: ClientHandlers): void;
  sendStateless(message: SipRequest | SipResponse, destination: SipAddress): void;
  removeDialog(dialog: Dialog): void;
}

export type DialogEndCause = 'local-bye' | 'remote-bye' | 'ack-timeout' | 'request-timeout' | 'closed';

export interface InDialogReply {
  status: number;
  reason?: string;
  body?: Buffer;
  contentType?: string;
  headers?: HeaderList;
}

export interface DialogInit {
  role: 'uac' | 'uas';
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From (UAC) or To (UAS) header value, with our tag. */
  localParty: string;
  remoteParty: string;
  remoteTarget: string;
  /** Route set in the order requests must use (§12.1.1 / §12.1.2). */
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  /** Where the remote side sits when there is no route set (its source address). */
  fallback: SipAddress;
}

/**
 * A SIP dialog (RFC 3261 §12): the state both ends share after an INVITE is answered. Sends
 * in-dialog requests along the route set, answers BYE, re-INVITE and other requests through the
 * handlers the transaction user sets, and keeps retransmitting a 2xx to an INVITE until its ACK.
 */
export class Dialog {
  readonly role: 'uac' | 'uas';
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localParty: string;
  readonly remoteParty: string;
  remoteTarget: string;
  readonly routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  state: 'early' | 'confirmed' | 'terminated';
  endCause: DialogEndCause | undefined;

  onBye: ((request: SipRequest) => void) | undefined;
  /** A re-INVITE: the reply carries our answer SDP. Without a handler: 488. */
  onReinvite: ((request: SipRequest) => Promise<InDialogReply>) | undefined;
  /** INFO, REFER, NOTIFY, UPDATE, OPTIONS, MESSAGE. Without a handler: 200 for INFO/OPTIONS/NOTIFY, 501 else. */
  onRequest: ((request: SipRequest) => Promise<InDialogReply> | InDialogReply) | undefined;
  onConfirmed: (() => void) | undefined;
  /** The body of the ACK that confirmed a UAS dialog: the answer SDP when our 2xx carried the offer. */
  ackBody: Buffer | undefined;
  onEnd: ((cause: DialogEndCause) => void) | undefined;

  private readonly fallback: SipAddress;
  private answering:
    | { cseq: number; timer: NodeJS.Timeout | undefined; resolve: () => void; giveUp: NodeJS.Timeout }
    | undefined;
  private outgoingInvitePending = false;
  private incomingInvitePending = false;
  /** The last ACK we sent for each 2xx we received (re-sent on 2xx retransmission). */
  private readonly acks = new Map<number, SipRequest>();

  constructor(
    private readonly host: DialogHost,
    init: DialogInit,
  ) {
    this.role = init.role;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localParty = init.localParty;
    this.remoteParty = init.remoteParty;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.fallback = init.fallback;
    this.state = init.role === 'uac' ? 'confirmed' : 'early';
  }

  get id(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /** Sends an in-dialog request and resolves its final response (re-INVITE: after sending the ACK). */
  request(
    method: string,
    options: { body?: Buffer; contentType?: string; headers?: HeaderList } = {},
  ): Promise<SipResponse> {
    if (this.state === 'terminated' && method !== 'BYE') {
      return Promise.reject(new SipRequestError('sip_rejected', `dialog ${this.callId} has ended`, 481));
    }
    if (method === 'INVITE') {
      if (this.outgoingInvitePending || this.incomingInvitePending) {
        return Promise.reject(
          new SipRequestError('sip_rejected', 'an offer/answer exchange is in progress', 491),
        );
      }
      this.outgoingInvitePending = true;
    }
    const request = this.buildRequest(method, options);
    const cseq = this.localSeq;
    return new Promise<SipResponse>((resolve, reject) => {
      this.host.sendRequest(request, this.destination(), {
        onResponse: (response) => {
          if (response.status < 200) return;
          if (method === 'INVITE') {
            this.outgoingInvitePending = false;
            if (response.status < 300) {
              this.updateTarget(response);
              this.sendAck(cseq);
            }
          }
          resolve(response);
        },
        onTimeout: () => {
          if (method === 'INVITE') this.outgoingInvitePending = false;
          // §12.2.1.2: a timeout of an in-dialog request ends the dialog (BYE it unless it was a BYE).
          reject(
            new SipRequestError('sip_timeout', `${method} in dialog ${this.callId} got no final response`),
          );
          if (method !== 'BYE' && this.state !== 'terminated') void this.bye('request-timeout');
        },
      });
    });
  }

  /** Ends the dialog: sends BYE (best effort) and reports the end at once. */
  async bye(cause: DialogEndCause = 'local-bye'): Promise<void> {
    if (this.state === 'terminated') return;
    this.end(cause);
    try {
      await this.request('BYE');
    } catch {
      // Nobody answered the BYE: the dialog is gone on our side all the same.
    }
  }

  /** Our 2xx to an INVITE left: retransmit it (T1 doubling to T2) until the ACK, give up after 64*T1. */
  startAnswer(response: SipResponse, destination: SipAddress): Promise<void> {
    const cseq = parseCSeq(header(response, 'cseq')!).seq;
    const { t1, t2 } = this.host.timers;
    return new Promise<void>((resolve, reject) => {
      let interval = t1;
      const tick = () => {
        if (!this.answering || this.answering.cseq !== cseq) return;
        this.host.sendStateless(response, destination);
        interval = Math.min(interval * 2, t2);
        this.answering.timer = setTimeout(tick, interval);
      };
      const giveUp = setTimeout(() => {
        if (!this.answering || this.answering.cseq !== cseq) return;
        clearTimeout(this.answering.timer);
        this.answering = undefined;
        this.incomingInvitePending = false;
        reject(new SipRequestError('sip_timeout', `no ACK for the 2xx of ${this.callId}`));
        // §13.3.1.4: no ACK means the session never started; end it with a BYE.
        void this.bye('ack-timeout');
      }, 64 * t1);
      // The first copy goes out through the server transaction; these are the retransmissions.
      this.answering = {
        cseq,
        timer: setTimeout(tick, interval),
        resolve: () => {
          clearTimeout(giveUp);
          resolve();
        },
        giveUp,
      };
    });
  }

  /** An ACK for this dialog arrived (it matched no transaction: the ACK of a 2xx). */
  receiveAck(request: SipRequest): void {
    const cseq = parseCSeq(header(request, 'cseq')!).seq;
    if (this.answering && this.answering.cseq === cseq) {
      if (request.body.length > 0) this.ackBody = request.body;
      clearTimeout(this.answering.timer);
      const { resolve } = this.answering;
      this.answering = undefined;
      this.incomingInvitePending = false;
      if (this.state === 'early') {
        this.state = 'confirmed';
        this.onConfirmed?.();
      }
      resolve();
    }
  }

  /** A 2xx retransmission for an INVITE of ours: ACK it again (§13.2.2.4). */
  receiveRetransmitted2xx(response: SipResponse): void {
    const ack = this.acks.get(parseCSeq(header(response, 'cseq')!).seq);
    if (ack) this.host.sendStateless(ack, this.destination());
  }

  receiveRequest(request: SipRequest, tx: ServerTransaction): void {
    const cseq = parseCSeq(header(request, 'cseq')!).seq;
    if (this.remoteSeq !== undefined && cseq < this.remoteSeq) {
      tx.respond(makeResponse(request, 500, { reason: 'CSeq Out of Order' }));
      return;
    }
    this.remoteSeq = cseq;
    switch (request.method) {
      case 'BYE':
        tx.respond(makeResponse(request, 200));
        if (this.state !== 'terminated') {
          this.end('remote-bye');
          this.onBye?.(request);
        }
        return;
      case 'INVITE':
        void this.answerReinvite(request, tx);
        return;
      default:
        void this.answerOther(request, tx);
    }
  }

  private async answerReinvite(request: SipRequest, tx: ServerTransaction): Promise<void> {
    if (this.outgoingInvitePending) {
      tx.respond(makeResponse(request, 491)); // glare (§14.1)
      return;
    }
    if (this.incomingInvitePending) {
      tx.respond(makeResponse(request, 500, { headers: [['retry-after', '1']] }));
      return;
    }
    if (this.state === 'terminated') {
      tx.respond(makeResponse(request, 481));
      return;
    }
    this.incomingInvitePending = true;
    let reply: InDialogReply;
    try {
      reply = this.onReinvite ? await this.onReinvite(request) : { status: 488 };
    } catch {
      reply = { status: 500 };
    }
    this.updateTarget(request);
    const response = this.reply(request, reply);
    if (reply.status >= 200 && reply.status < 300) {
      void this.startAnswer(response, tx.source).catch(() => undefined);
      tx.respond(response);
    } else {
      this.incomingInvitePending = false;
      tx.respond(response);
    }
  }

  private async answerOther(request: SipRequest, tx: ServerTransaction): Promise<void> {
    let reply: InDialogReply;
    try {
      if (this.onRequest) reply = await this.onRequest(request);
      else reply = { status: ['INFO', 'OPTIONS', 'NOTIFY'].includes(request.method) ? 200 : 501 };
    } catch {
      reply = { status: 500 };
    }
    tx.respond(this.reply(request, reply));
  }

  private reply(request: SipRequest, reply: InDialogReply): SipResponse {
    const headers: HeaderList = [...(reply.headers ?? [])];
    if (request.method === 'INVITE' && reply.status >= 200 && reply.status < 300) {
      headers.push(['contact', this.host.contactHeader()]);
    }
    return makeResponse(request, reply.status, {
      ...(reply.reason ? { reason: reply.reason } : {}),
      headers,
      ...(reply.body ? { body: reply.body } : {}),
      ...(reply.contentType ? { contentType: reply.contentType } : {}),
    });
  }

  /** A target refresh (re-INVITE, its 2xx) may move the remote Contact (§12.2). */
  private updateTarget(message: SipRequest | SipResponse): void {
    const contact = header(message, 'contact');
    if (!contact) return;
    try {
      const addr = parseNameAddr(contact.split(',')[0]!);
      this.remoteTarget = contactUri(addr.uri, contact);
    } catch {
      // A broken Contact in a refresh leaves the old target in place.
    }
  }

  /**
   * ACKs the 2xx that created a UAC dialog (§13.2.2.4: end-to-end, its own branch). An INVITE sent
   * without an offer gets the offer in the 2xx: the ACK carries our answer (`body`).
   */
  ackInitial(cseq: number, body?: Buffer): void {
    this.sendAck(cseq, body);
  }

  /** Whether the 2xx of `cseq` has been ACKed (a deferred ACK may not have been yet). */
  acked(cseq: number): boolean {
    return this.acks.has(cseq);
  }

  private sendAck(cseq: number, body?: Buffer): void {
    const ack = this.buildRequest('ACK', body ? { body } : {}, cseq);
    this.acks.set(cseq, ack);
    this.host.sendStateless(ack, this.destination());
  }

  private buildRequest(
    method: string,
    options: { body?: Buffer; contentType?: string; headers?: HeaderList },
    ackSeq?: number,
  ): SipRequest {
    let seq: number;
    if (ackSeq !== undefined) seq = ackSeq;
    else {
      this.localSeq += 1;
      seq = this.localSeq;
    }
    const local = this.host.local;
    const headers: HeaderList = [
      ['via', `SIP/2.0/UDP ${local.host}:${local.port};branch=${newBranch()};rport`],
      ['max-forwards', '70'],
    ];
    for (const route of this.routeSet) headers.push(['route', route]);
    headers.push(
      ['from', this.localParty],
      ['to', this.remoteParty],
      ['call-id', this.callId],
      ['cseq', `${seq} ${method}`],
    );
    if (method === 'INVITE') headers.push(['contact', this.host.contactHeader()]);
    headers.push(['user-agent', this.host.userAgentHeader]);
    if (options.headers) headers.push(...options.headers);
    const body = options.body ?? Buffer.alloc(0);
    if (body.length > 0) headers.push(['content-type', options.contentType ?? 'application/sdp']);
    return { kind: 'request', method, uri: this.remoteTarget, headers, body };
  }

  /** Loose routing (§16.12): the first Route, else the remote target, else where the peer was seen. */
  destination(): SipAddress {
    const first = this.routeSet[0];
    try {
      if (first) return addressOf(parseNameAddr(first).uri);
      return addressOf(parseUri(this.remoteTarget));
    } catch {
      return this.fallback;
    }
  }

  private end(cause: DialogEndCause): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.endCause = cause;
    if (this.answering) {
      clearTimeout(this.answering.timer);
      clearTimeout(this.answering.giveUp);
    }
    this.answering = undefined;
    this.host.removeDialog(this);
    this.onEnd?.(cause);
  }

  /**
   * What another process needs to send requests in this dialog (a BYE when it takes over the
   * calls of an instance that died): everything but the in-flight transactions.
   */
  snapshot(): DialogInit {
    return {
      role: this.role,
      callId: this.callId,
      localTag: this.localTag,
      remoteTag: this.remoteTag,
      localParty: this.localParty,
      remoteParty: this.remoteParty,
      remoteTarget: this.remoteTarget,
      routeSet: [...this.routeSet],
      localSeq: this.localSeq,
      remoteSeq: this.remoteSeq,
      fallback: { ...this.fallback },
    };
  }

  /** The UA is shutting down: forget the dialog without signalling. */
  abandon(): void {
    this.end('closed');
  }
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

function addressOf(uri: SipUri): SipAddress {
  const port =
    uri.port ?? (uri.params.transport?.toLowerCase() === 'tls' || uri.scheme === 'sips' ? 5061 : 5060);
  return { host: uri.host.replace(/^\[|\]$/g, ''), port };
}

/** The Contact URI as written (keeps parameters like ;alias= that a proxy needs back). */
export function contactUri(uri: SipUri, raw: string): string {
  const m = /<([^>]+)>/.exec(raw);
  if (m) return m[1]!;
  return `${uri.scheme}:${raw
    .trim()
    .split(';')[0]!
    .replace(/^sips?:/i, '')}`;
}

export { newTag };
