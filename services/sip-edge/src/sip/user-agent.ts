import { makeResponse, newCallId, newTag } from './build-message';
import { contactUri, Dialog, dialogKey, type DialogHost, type DialogInit } from './dialog';
import { parseCSeq, parseMessage } from './parse-message';
import { SipParseError, SipRequestError } from './sip-error';
import {
  header,
  headerValues,
  type HeaderList,
  type SipAddress,
  type SipRequest,
  type SipResponse,
} from './sip-message';
import { formatNameAddr, parseNameAddr, parseUri, type NameAddr } from './sip-uri';
import {
  defaultTimers,
  newBranch,
  TransactionLayer,
  type ClientHandlers,
  type ClientTransaction,
  type ServerTransaction,
  type TimerSettings,
} from './transactions';
import type { SipTransport } from './udp-transport';

export interface UserAgentOptions {
  transport: SipTransport;
  timers?: TimerSettings;
  /** Out-of-dialog requests go here (the edge proxy); without it, to the Request-URI's host. */
  outboundProxy?: SipAddress;
  /** User-Agent / Server header. */
  product?: string;
  /** User part of our Contact. */
  contactUser?: string;
  /** Malformed datagrams and internal failures; the UA never throws at its transport. */
  onProblem?: (problem: { kind: string; error: unknown; from?: SipAddress }) => void;
}

export interface InviteOptions {
  /** Request-URI. */
  target: string;
  from: NameAddr;
  to: NameAddr;
  body?: Buffer;
  contentType?: string;
  headers?: HeaderList;
  callId?: string;
  /** Overrides the outbound proxy for this INVITE. */
  destination?: SipAddress;
  /**
   * The INVITE carries no offer (late offer, §13.2.1): the 2xx brings the far end's offer and is
   * not ACKed until `OutgoingInvite.acknowledge` sends our answer in the ACK.
   */
  deferAck?: boolean;
}

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY';

/**
 * The UA core (RFC 3261 §8, §12-§15) over the transaction layer: incoming INVITEs become
 * IncomingInvite objects, outgoing ones OutgoingInvite, answered ones Dialogs. CANCEL, 2xx
 * retransmission and ACK, forked 2xx, and in-dialog request routing are handled here so the
 * call-control code above sees calls, not messages.
 */
export class SipUserAgent {
  readonly transport: SipTransport;
  readonly timers: TimerSettings;
  readonly product: string;
  private readonly layer: TransactionLayer;
  private readonly dialogs = new Map<string, Dialog>();
  private readonly pendingIncoming = new Map<string, IncomingInvite>();
  private readonly pendingOutgoing = new Map<string, OutgoingInvite>();
  private readonly options: UserAgentOptions;
  private readonly host: DialogHost;

  /** A new call. Unhandled INVITEs are answered 480. */
  onInvite: ((invite: IncomingInvite) => void) | undefined;
  /** Status for OPTIONS pings (Kamailio's dispatcher probes): 503 takes us out of rotation. */
  optionsStatus: () => number = () => 200;

  constructor(options: UserAgentOptions) {
    this.options = options;
    this.transport = options.transport;
    this.timers = options.timers ?? defaultTimers;
    this.product = options.product ?? 'hotline-sip-edge';
    this.layer = new TransactionLayer(this.transport, this.timers, {
      onRequest: (request, tx, from) => this.onRequest(request, tx, from),
      onStrayResponse: (response) => this.onStrayResponse(response),
    });
    const transport = this.transport;
    this.host = {
      get local() {
        return transport.local;
      },
      timers: this.timers,
      userAgentHeader: this.product,
      contactHeader: () => this.contactHeader(),
      sendRequest: (request, destination, handlers) => {
        this.layer.sendRequest(request, destination, handlers);
      },
      sendStateless: (message, destination) => this.layer.sendStateless(message, destination),
      removeDialog: (dialog) => {
        if (this.dialogs.get(dialog.id) === dialog) this.dialogs.delete(dialog.id);
      },
    };
    this.transport.onMessage((data, from) => this.receive(data, from));
    this.transport.onError((error) => this.options.onProblem?.({ kind: 'transport', error }));
  }

  get stats(): { dialogs: number; incoming: number; outgoing: number; transactions: number } {
    const size = this.layer.size;
    return {
      dialogs: this.dialogs.size,
      incoming: this.pendingIncoming.size,
      outgoing: this.pendingOutgoing.size,
      transactions: size.clients + size.servers,
    };
  }

  contactHeader(): string {
    const { host, port } = this.transport.local;
    return `<sip:${this.options.contactUser ?? 'edge'}@${host}:${port}>`;
  }

  findDialog(callId: string, localTag: string, remoteTag: string): Dialog | undefined {
    return this.dialogs.get(dialogKey(callId, localTag, remoteTag));
  }

  /** Starts an outgoing call. */
  invite(options: InviteOptions): OutgoingInvite {
    const local = this.transport.local;
    const callId = options.callId ?? newCallId(local.host);
    const from: NameAddr = {
      ...options.from,
      params: { ...options.from.params, tag: options.from.params.tag ?? newTag() },
    };
    const headers: HeaderList = [
      ['via', `SIP/2.0/UDP ${local.host}:${local.port};branch=${newBranch()};rport`],
      ['max-forwards', '70'],
      ['from', formatNameAddr(from)],
      ['to', formatNameAddr(options.to)],
      ['call-id', callId],
      ['cseq', '1 INVITE'],
      ['contact', this.contactHeader()],
      ['allow', ALLOW],
      ['user-agent', this.product],
      ...(options.headers ?? []),
    ];
    const body = options.body ?? Buffer.alloc(0);
    if (body.length > 0) headers.push(['content-type', options.contentType ?? 'application/sdp']);
    const request: SipRequest = { kind: 'request', method: 'INVITE', uri: options.target, headers, body };
    const destination = options.destination ?? this.options.outboundProxy ?? uriAddress(options.target);
    const outgoing = new OutgoingInvite(this, request, destination, options.deferAck === true);
    this.pendingOutgoing.set(outgoing.key, outgoing);
    outgoing.start();
    return outgoing;
  }

  /**
   * Rebuilds a dialog another instance created (from its snapshot), confirmed, so this UA can
   * end it. Its CSeq jumps ahead: requests the dead instance sent last must not be outnumbered.
   */
  restoreDialog(init: DialogInit): Dialog {
    const dialog = this.newDialog({ ...init, localSeq: init.localSeq + 100 });
    dialog.state = 'confirmed';
    return dialog;
  }

  /** Sends an out-of-dialog non-INVITE request (OPTIONS, REGISTER ...) and resolves its final response. */
  request(request: SipRequest, destination?: SipAddress): Promise<SipResponse> {
    const to = destination ?? this.options.outboundProxy ?? uriAddress(request.uri);
    return new Promise((resolve, reject) => {
      this.layer.sendRequest(request, to, {
        onResponse: (response) => {
          if (response.status >= 200) resolve(response);
        },
        onTimeout: () =>
          reject(new SipRequestError('sip_timeout', `${request.method} got no final response`)),
      });
    });
  }

  /** Stops: every dialog is forgotten (not BYEd: call control decides that before). */
  close(): void {
    for (const dialog of [...this.dialogs.values()]) dialog.abandon();
    this.layer.close();
  }

  // ---- internals used by IncomingInvite / OutgoingInvite ----

  sendTransaction(request: SipRequest, destination: SipAddress, handlers: ClientHandlers): ClientTransaction {
    return this.layer.sendRequest(request, destination, handlers);
  }

  sendStateless(message: SipRequest | SipResponse, destination: SipAddress): void {
    this.layer.sendStateless(message, destination);
  }

  addDialog(dialog: Dialog): void {
    this.dialogs.set(dialog.id, dialog);
  }

  newDialog(init: ConstructorParameters<typeof Dialog>[1]): Dialog {
    const dialog = new Dialog(this.host, init);
    this.addDialog(dialog);
    return dialog;
  }

  forgetIncoming(invite: IncomingInvite): void {
    this.pendingIncoming.delete(invite.key);
  }

  forgetOutgoing(invite: OutgoingInvite): void {
    this.pendingOutgoing.delete(invite.key);
  }

  private receive(data: Buffer, from: SipAddress): void {
    let message;
    try {
      message = parseMessage(data);
    } catch (error) {
      this.options.onProblem?.({ kind: 'malformed', error, from });
      if (error instanceof SipParseError) this.answerMalformed(data, from);
      return;
    }
    if (!message) return;
    try {
      if (message.kind === 'request') this.layer.receiveRequest(message, from);
      else this.layer.receiveResponse(message, from);
    } catch (error) {
      this.options.onProblem?.({ kind: 'handling', error, from });
    }
  }

  /** A request we could not parse still gets a 400 when its Via and basics can be read (§21.4.1). */
  private answerMalformed(data: Buffer, from: SipAddress): void {
    const text = data.toString('utf8');
    if (text.startsWith('SIP/')) return;
    const line = (name: string) =>
      new RegExp(`^(?:${name})[ \\t]*:[ \\t]*([^\\r\\n]*)`, 'im').exec(text)?.[1]?.trim();
    const via = line('via|v');
    const fromHeader = line('from|f');
    const to = line('to|t');
    const callId = line('call-id|i');
    const cseq = line('cseq');
    if (!via || !fromHeader || !to || !callId || !cseq || /^ACK\b/.test(text)) return;
    const response: SipResponse = {
      kind: 'response',
      status: 400,
      reason: 'Bad Request',
      headers: [
        ['via', via],
        ['from', fromHeader],
        ['to', to],
        ['call-id', callId],
        ['cseq', cseq],
      ],
      body: Buffer.alloc(0),
    };
    this.layer.sendStateless(response, from);
  }

  private onRequest(request: SipRequest, tx: ServerTransaction | undefined, from: SipAddress): void {
    const toTag = tagOf(header(request, 'to'));
    const fromTag = tagOf(header(request, 'from'));
    const callId = header(request, 'call-id')!;
    if (!tx) {
      // An ACK that matched no transaction: the ACK of a 2xx we sent.
      if (toTag && fromTag) this.dialogs.get(dialogKey(callId, toTag, fromTag))?.receiveAck(request);
      return;
    }
    if (toTag) {
      const dialog = fromTag ? this.dialogs.get(dialogKey(callId, toTag, fromTag)) : undefined;
      if (!dialog) {
        tx.respond(makeResponse(request, 481));
        return;
      }
      dialog.receiveRequest(request, tx);
      return;
    }
    switch (request.method) {
      case 'INVITE':
        this.onNewInvite(request, tx, from);
        return;
      case 'CANCEL':
        this.onCancel(request, tx);
        return;
      case 'OPTIONS':
        tx.respond(
          makeResponse(request, this.optionsStatus(), {
            toTag: newTag(),
            headers: [
              ['allow', ALLOW],
              ['accept', 'application/sdp'],
            ],
          }),
        );
        return;
      case 'BYE':
        tx.respond(makeResponse(request, 481));
        return;
      default:
        tx.respond(makeResponse(request, 405, { toTag: newTag(), headers: [['allow', ALLOW]] }));
    }
  }

  private onNewInvite(request: SipRequest, tx: ServerTransaction, from: SipAddress): void {
    // We implement neither reliable provisionals nor other extensions a caller could demand.
    const required = headerValues(request, 'require');
    if (required.length > 0) {
      tx.respond(
        makeResponse(request, 420, {
          reason: 'Bad Extension',
          headers: [['unsupported', required.join(', ')]],
        }),
      );
      return;
    }
    let invite: IncomingInvite;
    try {
      invite = new IncomingInvite(this, request, tx, from);
    } catch (error) {
      this.options.onProblem?.({ kind: 'bad-invite', error, from });
      tx.respond(makeResponse(request, 400, { reason: 'Bad Request' }));
      return;
    }
    this.pendingIncoming.set(invite.key, invite);
    // 100 Trying at once: it stops the proxy's INVITE retransmissions (§17.2.1).
    tx.respond(makeResponse(request, 100));
    if (!this.onInvite) {
      invite.reject(480);
      return;
    }
    try {
      this.onInvite(invite);
    } catch (error) {
      this.options.onProblem?.({ kind: 'handling', error, from });
      if (invite.state === 'pending') invite.reject(500);
    }
  }

  private onCancel(request: SipRequest, tx: ServerTransaction): void {
    const inviteTx = this.layer.findInviteServer(request);
    if (!inviteTx) {
      tx.respond(makeResponse(request, 481));
      return;
    }
    tx.respond(makeResponse(request, 200));
    const key = inviteKey(inviteTx.request);
    this.pendingIncoming.get(key)?.cancelled();
  }

  private onStrayResponse(response: SipResponse): void {
    // 2xx retransmissions after the INVITE transaction ended: the dialog ACKs them again.
    if (response.status < 200 || response.status >= 300) return;
    let cseq;
    try {
      cseq = parseCSeq(header(response, 'cseq')!);
    } catch {
      return;
    }
    if (cseq.method !== 'INVITE') return;
    const callId = header(response, 'call-id')!;
    const localTag = tagOf(header(response, 'from'));
    const remoteTag = tagOf(header(response, 'to'));
    if (!localTag || !remoteTag) return;
    this.dialogs.get(dialogKey(callId, localTag, remoteTag))?.receiveRetransmitted2xx(response);
  }
}

/**
 * An INVITE that started a call toward us. Answer it (a Dialog), reject it, or learn it was
 * cancelled. Every response but 100 carries the same To tag.
 */
export class IncomingInvite {
  readonly key: string;
  readonly callId: string;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly localTag = newTag();
  state: 'pending' | 'answered' | 'rejected' | 'cancelled' = 'pending';
  /** The caller gave up (CANCEL) before a final answer; the 487 is already sent. */
  onCancel: (() => void) | undefined;
  dialog: Dialog | undefined;

  constructor(
    private readonly ua: SipUserAgent,
    readonly request: SipRequest,
    private readonly tx: ServerTransaction,
    readonly source: SipAddress,
  ) {
    this.key = inviteKey(request);
    this.callId = header(request, 'call-id')!;
    this.from = parseNameAddr(header(request, 'from')!);
    this.to = parseNameAddr(header(request, 'to')!);
    if (!this.from.params.tag) throw new SipParseError('INVITE without From tag');
    const contact = header(request, 'contact');
    if (!contact) throw new SipParseError('INVITE without Contact');
    parseNameAddr(contact.split(',')[0]!);
    // Timer H of a non-2xx final: nothing to do but forget it.
    tx.onAckTimeout = () => undefined;
  }

  /** A header of the INVITE, e.g. X-Hotline-Tenant stamped by the edge proxy. */
  header(name: string): string | undefined {
    return header(this.request, name);
  }

  progress(status = 180, body?: Buffer): void {
    if (this.state !== 'pending') return;
    this.tx.respond(
      makeResponse(this.request, status, {
        toTag: this.localTag,
        headers: [['contact', this.ua.contactHeader()]],
        ...(body ? { body } : {}),
      }),
    );
  }

  /**
   * Sends the 2xx (retransmitted until ACK) and returns the dialog at once. `dialog.onConfirmed`
   * fires on the ACK; a missing ACK ends the dialog with cause "ack-timeout" (and a BYE).
   */
  answer(body: Buffer, options: { contentType?: string; headers?: HeaderList } = {}): Dialog {
    if (this.state !== 'pending')
      throw new SipRequestError('sip_rejected', `INVITE already ${this.state}`, 481);
    this.state = 'answered';
    this.ua.forgetIncoming(this);
    const contact = header(this.request, 'contact')!;
    const remote = parseNameAddr(contact.split(',')[0]!);
    const cseq = parseCSeq(header(this.request, 'cseq')!).seq;
    const dialog = this.ua.newDialog({
      role: 'uas',
      callId: this.callId,
      localTag: this.localTag,
      remoteTag: this.from.params.tag!,
      localParty: withTag(header(this.request, 'to')!, this.localTag),
      remoteParty: header(this.request, 'from')!,
      remoteTarget: contactUri(remote.uri, contact),
      routeSet: headerValues(this.request, 'record-route'),
      localSeq: Math.floor(Math.random() * 10_000),
      remoteSeq: cseq,
      fallback: this.source,
    });
    this.dialog = dialog;
    const response = makeResponse(this.request, 200, {
      toTag: this.localTag,
      headers: [['contact', this.ua.contactHeader()], ['allow', ALLOW], ...(options.headers ?? [])],
      body,
      ...(options.contentType ? { contentType: options.contentType } : {}),
    });
    void dialog.startAnswer(response, this.source).catch(() => undefined);
    this.tx.respond(response);
    return dialog;
  }

  reject(status: number, options: { reason?: string; headers?: HeaderList } = {}): void {
    if (this.state !== 'pending') return;
    this.state = 'rejected';
    this.ua.forgetIncoming(this);
    this.tx.respond(makeResponse(this.request, status, { toTag: this.localTag, ...options }));
  }

  /** Called by the UA core on CANCEL (§9.2): 487 to the INVITE, then tell the call. */
  cancelled(): void {
    if (this.state !== 'pending') return;
    this.state = 'cancelled';
    this.ua.forgetIncoming(this);
    this.tx.respond(makeResponse(this.request, 487, { toTag: this.localTag }));
    this.onCancel?.();
  }
}

export type OutgoingOutcome =
  | { kind: 'answered'; dialog: Dialog; response: SipResponse }
  | { kind: 'failed'; status: number; reason: string; response?: SipResponse };

/**
 * An INVITE we sent. `outcome` resolves once: answered (a Dialog) or failed (final error,
 * timeout as 408, cancelled as 487). A 2xx that races our CANCEL is ACKed and BYEd.
 */
export class OutgoingInvite {
  readonly key: string;
  readonly callId: string;
  readonly fromTag: string;
  readonly outcome: Promise<OutgoingOutcome>;
  onProvisional: ((response: SipResponse) => void) | undefined;
  private settle!: (outcome: OutgoingOutcome) => void;
  private settled = false;
  private provisionalSeen = false;
  private cancelRequested = false;
  private cancelSent = false;
  private dialog: Dialog | undefined;
  private tx: ClientTransaction | undefined;

  constructor(
    private readonly ua: SipUserAgent,
    readonly request: SipRequest,
    readonly destination: SipAddress,
    private readonly deferAck = false,
  ) {
    this.key = inviteKey(request);
    this.callId = header(request, 'call-id')!;
    this.fromTag = tagOf(header(request, 'from'))!;
    this.outcome = new Promise((resolve) => {
      this.settle = (outcome) => {
        if (this.settled) return;
        this.settled = true;
        this.ua.forgetOutgoing(this);
        resolve(outcome);
      };
    });
  }

  start(): void {
    this.tx = this.ua.sendTransaction(this.request, this.destination, {
      onResponse: (response) => this.onResponse(response),
      onTimeout: () => this.settle({ kind: 'failed', status: 408, reason: 'Request Timeout' }),
    });
  }

  /**
   * Gives up. A CANCEL may only follow a provisional response (§9.1); before one arrives the
   * CANCEL waits for it. Resolves nothing by itself: `outcome` reports 487 (or the race winner).
   */
  cancel(): void {
    if (this.settled || this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.provisionalSeen) this.sendCancel();
  }

  private sendCancel(): void {
    if (this.cancelSent) return;
    this.cancelSent = true;
    const req = this.request;
    const headers: HeaderList = [
      ['via', headerValues(req, 'via')[0]!],
      ['max-forwards', '70'],
      ['from', header(req, 'from')!],
      ['to', header(req, 'to')!],
      ['call-id', this.callId],
      ['cseq', `${parseCSeq(header(req, 'cseq')!).seq} CANCEL`],
    ];
    for (const route of headerValues(req, 'route')) headers.push(['route', route]);
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: req.uri,
      headers,
      body: Buffer.alloc(0),
    };
    this.ua.sendTransaction(cancel, this.destination, {
      onResponse: () => undefined,
      // No answer to CANCEL: stop waiting (the INVITE transaction's own timers still run).
      onTimeout: () => this.settle({ kind: 'failed', status: 408, reason: 'CANCEL not answered' }),
    });
  }

  private onResponse(response: SipResponse): void {
    const status = response.status;
    if (status < 200) {
      if (status > 100 && !this.settled) this.onProvisional?.(response);
      this.provisionalSeen = true;
      if (this.cancelRequested) this.sendCancel();
      return;
    }
    if (status >= 300) {
      this.settle({ kind: 'failed', status, reason: response.reason, response });
      return;
    }
    const remoteTag = tagOf(header(response, 'to'));
    if (!remoteTag) return;
    if (this.dialog) {
      if (this.dialog.remoteTag === remoteTag) {
        this.dialog.receiveRetransmitted2xx(response);
      } else {
        // A second fork answered too (§13.2.2.4): acknowledge it and hang it up.
        void this.dialogFor(response, remoteTag).bye();
      }
      return;
    }
    const dialog = this.dialogFor(response, remoteTag, this.deferAck);
    this.dialog = dialog;
    if (this.cancelRequested || this.settled) {
      if (!dialog.acked(this.cseq)) dialog.ackInitial(this.cseq);
      // The 2xx won the race against our CANCEL: the call exists for an instant, end it.
      void dialog.bye();
      this.settle({ kind: 'failed', status: 487, reason: 'Request Terminated' });
      return;
    }
    this.settle({ kind: 'answered', dialog, response });
  }

  private get cseq(): number {
    return parseCSeq(header(this.request, 'cseq')!).seq;
  }

  /**
   * Sends the deferred ACK of the answering 2xx (`deferAck`), with our answer SDP. Until it is
   * sent, 2xx retransmissions go unanswered; the far end gives up about 32 s after its 2xx.
   */
  acknowledge(body?: Buffer): void {
    if (!this.dialog || this.dialog.acked(this.cseq)) return;
    this.dialog.ackInitial(this.cseq, body);
  }

  /** Builds the UAC dialog of a 2xx (§12.1.2) and ACKs it (unless `deferAck`). */
  private dialogFor(response: SipResponse, remoteTag: string, deferAck = false): Dialog {
    const contact = header(response, 'contact');
    const target = contact
      ? contactUri(parseNameAddr(contact.split(',')[0]!).uri, contact)
      : this.request.uri;
    const routeSet = headerValues(response, 'record-route').reverse();
    const dialog = this.ua.newDialog({
      role: 'uac',
      callId: this.callId,
      localTag: this.fromTag,
      remoteTag,
      localParty: header(this.request, 'from')!,
      remoteParty: header(response, 'to')!,
      remoteTarget: target,
      routeSet,
      localSeq: parseCSeq(header(this.request, 'cseq')!).seq,
      remoteSeq: undefined,
      fallback: this.destination,
    });
    if (!deferAck) dialog.ackInitial(this.cseq);
    return dialog;
  }

  /** The transaction is no longer of interest (the caller of invite() went away). */
  abandon(): void {
    this.tx?.terminate();
    this.settle({ kind: 'failed', status: 487, reason: 'Abandoned' });
  }
}

function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /;\s*tag=([^;,\s>]+)/i.exec(value.slice(value.lastIndexOf('>') + 1));
  return m?.[1];
}

function withTag(value: string, tag: string): string {
  return /;\s*tag=/i.test(value.slice(value.lastIndexOf('>') + 1)) ? value : `${value};tag=${tag}`;
}

/** The INVITE transaction's identity: branch + Call-ID (a CANCEL carries the same). */
function inviteKey(request: SipRequest): string {
  const via = headerValues(request, 'via')[0] ?? '';
  const branch = /;\s*branch=([^;,\s]+)/i.exec(via)?.[1] ?? '';
  return `${branch}|${header(request, 'call-id') ?? ''}`;
}

function uriAddress(target: string): SipAddress {
  const uri = parseUri(target);
  return { host: uri.host, port: uri.port ?? 5060 };
}
