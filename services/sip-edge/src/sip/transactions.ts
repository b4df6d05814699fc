import { randomBytes } from 'node:crypto';
import { parseCSeq } from './parse-message';
import { serializeMessage } from './serialize-message';
import { header, headerValues, type SipAddress, type SipRequest, type SipResponse } from './sip-message';
import { parseVia } from './sip-uri';
import type { SipTransport } from './udp-transport';

// RFC 3261 §17 transactions over UDP, with the RFC 6026 "Accepted" states for INVITE so 2xx
// retransmissions reach the UA core (which ACKs them) and INVITE retransmissions after a 2xx are
// absorbed. Timer names follow the RFC.

export interface TimerSettings {
  /** RTT estimate, 500 ms. */
  t1: number;
  /** Maximum retransmit interval of non-INVITE requests and INVITE responses, 4 s. */
  t2: number;
  /** Maximum time a message stays in the network, 5 s. */
  t4: number;
}

export const defaultTimers: TimerSettings = { t1: 500, t2: 4000, t4: 5000 };

export const BRANCH_COOKIE = 'z9hG4bK';

export function newBranch(): string {
  return `${BRANCH_COOKIE}${randomBytes(10).toString('hex')}`;
}

export interface ClientHandlers {
  /** Every response the TU must see: provisionals, the final, and (INVITE) 2xx retransmissions. */
  onResponse(response: SipResponse): void;
  /** Timer B / F fired: no final response. */
  onTimeout(): void;
}

type ClientState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'accepted' | 'terminated';
type ServerState = 'trying' | 'proceeding' | 'completed' | 'accepted' | 'confirmed' | 'terminated';

export class ClientTransaction {
  state: ClientState;
  private timers: NodeJS.Timeout[] = [];
  private finalSeen = false;
  readonly key: string;

  constructor(
    private readonly layer: TransactionLayer,
    readonly request: SipRequest,
    readonly destination: SipAddress,
    private readonly handlers: ClientHandlers,
    readonly branch: string,
  ) {
    this.key = `${branch}|${request.method === 'ACK' ? 'INVITE' : request.method}`;
    this.state = request.method === 'INVITE' ? 'calling' : 'trying';
  }

  get isInvite(): boolean {
    return this.request.method === 'INVITE';
  }

  start(): void {
    const { t1, t2 } = this.layer.timerSettings;
    const bytes = serializeMessage(this.request);
    this.layer.transport.send(bytes, this.destination);
    // Timer A (INVITE) / E (non-INVITE): retransmit with doubling intervals.
    let interval = t1;
    const retransmit = () => {
      if (this.state !== 'calling' && this.state !== 'trying' && this.state !== 'proceeding') return;
      if (this.isInvite && this.state !== 'calling') return;
      this.layer.transport.send(bytes, this.destination);
      interval = this.isInvite ? interval * 2 : Math.min(interval * 2, t2);
      this.later(interval, retransmit);
    };
    this.later(interval, retransmit);
    // Timer B / F: give up.
    this.later(64 * t1, () => {
      if (
        this.state === 'calling' ||
        this.state === 'trying' ||
        (!this.isInvite && this.state === 'proceeding')
      ) {
        this.terminate();
        this.handlers.onTimeout();
      }
    });
  }

  receive(response: SipResponse): void {
    const { t2, t4, t1 } = this.layer.timerSettings;
    const status = response.status;
    if (status < 200) {
      if (this.state === 'calling' || this.state === 'trying' || this.state === 'proceeding') {
        if (!this.isInvite && this.state === 'trying') {
          // Timer E keeps going at T2 in Proceeding (§17.1.2.2).
          this.state = 'proceeding';
          this.clearTimers();
          const bytes = serializeMessage(this.request);
          const again = () => {
            if (this.state !== 'proceeding') return;
            this.layer.transport.send(bytes, this.destination);
            this.later(t2, again);
          };
          this.later(t2, again);
          this.later(64 * t1, () => {
            if (this.state === 'proceeding') {
              this.terminate();
              this.handlers.onTimeout();
            }
          });
        } else {
          this.state = 'proceeding';
        }
        this.handlers.onResponse(response);
      }
      return;
    }
    if (this.isInvite) {
      if (status < 300) {
        if (this.state === 'calling' || this.state === 'proceeding') {
          this.clearTimers();
          this.state = 'accepted';
          this.finalSeen = true;
          // Timer M (RFC 6026): absorb, but pass on, 2xx retransmissions and forked 2xx.
          this.later(64 * t1, () => this.terminate());
          this.handlers.onResponse(response);
        } else if (this.state === 'accepted') {
          this.handlers.onResponse(response);
        }
        return;
      }
      // 300-699: the transaction ACKs it itself (§17.1.1.3).
      if (this.state === 'calling' || this.state === 'proceeding') {
        this.clearTimers();
        this.state = 'completed';
        this.sendAck(response);
        // Timer D: 32 s on UDP, re-ACKing retransmitted finals.
        this.later(Math.max(32_000, 64 * t1), () => this.terminate());
        if (!this.finalSeen) {
          this.finalSeen = true;
          this.handlers.onResponse(response);
        }
      } else if (this.state === 'completed') {
        this.sendAck(response);
      }
      return;
    }
    if (this.state === 'trying' || this.state === 'proceeding') {
      this.clearTimers();
      this.state = 'completed';
      this.later(t4, () => this.terminate());
      this.handlers.onResponse(response);
    }
  }

  private sendAck(response: SipResponse): void {
    const req = this.request;
    const cseq = parseCSeq(header(req, 'cseq')!);
    const headers: SipRequest['headers'] = [
      ['via', headerValues(req, 'via')[0]!],
      ['max-forwards', '70'],
      ['from', header(req, 'from')!],
      ['to', header(response, 'to')!],
      ['call-id', header(req, 'call-id')!],
      ['cseq', `${cseq.seq} ACK`],
    ];
    for (const route of headerValues(req, 'route')) headers.push(['route', route]);
    const ack: SipRequest = { kind: 'request', method: 'ACK', uri: req.uri, headers, body: Buffer.alloc(0) };
    this.layer.transport.send(serializeMessage(ack), this.destination);
  }

  /** The TU gave up on this transaction (CANCEL was answered and it wants no more). */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.clearTimers();
    this.layer.forgetClient(this);
  }

  private later(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}

export class ServerTransaction {
  state: ServerState;
  private timers: NodeJS.Timeout[] = [];
  private lastResponse: Buffer | undefined;
  /** Called when Timer H fires: a non-2xx final response was never acknowledged. */
  onAckTimeout: (() => void) | undefined;
  readonly key: string;

  constructor(
    private readonly layer: TransactionLayer,
    readonly request: SipRequest,
    /** Responses go back to where the request came from (RFC 3581 symmetric response). */
    readonly source: SipAddress,
    key: string,
  ) {
    this.key = key;
    this.state = request.method === 'INVITE' ? 'proceeding' : 'trying';
  }

  get isInvite(): boolean {
    return this.request.method === 'INVITE';
  }

  get finalSent(): boolean {
    return this.state !== 'proceeding' && this.state !== 'trying';
  }

  respond(response: SipResponse): void {
    // Only one final response per transaction; 2xx retransmissions go through the UA core.
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    const { t1, t2, t4 } = this.layer.timerSettings;
    const bytes = serializeMessage(response);
    this.lastResponse = bytes;
    this.layer.transport.send(bytes, this.source);
    if (response.status < 200) {
      if (this.state === 'trying') this.state = 'proceeding';
      return;
    }
    if (this.isInvite) {
      if (response.status < 300) {
        // 2xx retransmission belongs to the UA core (§13.3.1.4); Timer L absorbs INVITE retransmissions.
        this.state = 'accepted';
        this.later(64 * t1, () => this.terminate());
        return;
      }
      this.state = 'completed';
      // Timer G: retransmit the final response until the ACK arrives; Timer H: give up.
      let interval = t1;
      const retransmit = () => {
        if (this.state !== 'completed') return;
        this.layer.transport.send(bytes, this.source);
        interval = Math.min(interval * 2, t2);
        this.later(interval, retransmit);
      };
      this.later(interval, retransmit);
      this.later(64 * t1, () => {
        if (this.state === 'completed') {
          this.terminate();
          this.onAckTimeout?.();
        }
      });
      return;
    }
    this.state = 'completed';
    // Timer J: 64*T1 on UDP, answering retransmitted requests with the same response.
    this.later(Math.max(64 * t1, t4), () => this.terminate());
  }

  /** A retransmission of the request arrived. */
  retransmitted(): void {
    if (this.state === 'accepted') return;
    if (this.lastResponse && this.state !== 'confirmed')
      this.layer.transport.send(this.lastResponse, this.source);
  }

  /** The ACK of a non-2xx final response (same branch). */
  acknowledged(): void {
    if (this.state !== 'completed') return;
    this.clearTimers();
    this.state = 'confirmed';
    // Timer I: absorb ACK retransmissions.
    this.later(this.layer.timerSettings.t4, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.clearTimers();
    this.layer.forgetServer(this);
  }

  private later(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}

export interface TransactionUser {
  /**
   * A request that starts a server transaction (tx set), or an ACK that matched none (tx
   * undefined: the ACK of a 2xx, which belongs to a dialog).
   */
  onRequest(request: SipRequest, tx: ServerTransaction | undefined, from: SipAddress): void;
  /** A response no client transaction claims: late 2xx retransmissions of a finished INVITE. */
  onStrayResponse(response: SipResponse, from: SipAddress): void;
}

/** Matches messages to transactions (§17.1.3, §17.2.3) and owns their timers. */
export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();

  constructor(
    readonly transport: SipTransport,
    readonly timerSettings: TimerSettings,
    private readonly user: TransactionUser,
  ) {}

  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  sendRequest(request: SipRequest, destination: SipAddress, handlers: ClientHandlers): ClientTransaction {
    const via = parseVia(headerValues(request, 'via')[0]!);
    const branch = via.params.branch;
    if (!branch) throw new Error('request has no Via branch');
    const tx = new ClientTransaction(this, request, destination, handlers, branch);
    this.clients.set(tx.key, tx);
    tx.start();
    return tx;
  }

  /** Sends without a transaction: the ACK of a 2xx, and stateless replies. */
  sendStateless(message: SipRequest | SipResponse, destination: SipAddress): void {
    this.transport.send(serializeMessage(message), destination);
  }

  receiveRequest(request: SipRequest, from: SipAddress): void {
    const key = serverKey(request);
    const existing = this.servers.get(key);
    if (request.method === 'ACK') {
      if (existing && existing.isInvite && existing.state === 'completed') {
        existing.acknowledged();
        return;
      }
      if (existing && existing.state === 'confirmed') return;
      this.user.onRequest(request, undefined, from);
      return;
    }
    if (existing) {
      existing.retransmitted();
      return;
    }
    const tx = new ServerTransaction(this, request, from, key);
    this.servers.set(key, tx);
    this.user.onRequest(request, tx, from);
  }

  receiveResponse(response: SipResponse, from: SipAddress): void {
    const vias = headerValues(response, 'via');
    if (vias.length === 0) return;
    const via = parseVia(vias[0]!);
    const cseq = parseCSeq(header(response, 'cseq')!);
    const tx = this.clients.get(
      `${via.params.branch ?? ''}|${cseq.method === 'ACK' ? 'INVITE' : cseq.method}`,
    );
    if (tx) tx.receive(response);
    else this.user.onStrayResponse(response, from);
  }

  /** The INVITE server transaction a CANCEL refers to (same branch, §9.2). */
  findInviteServer(cancel: SipRequest): ServerTransaction | undefined {
    const key = serverKey({ ...cancel, method: 'INVITE' });
    return this.servers.get(key);
  }

  forgetClient(tx: ClientTransaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
  }

  forgetServer(tx: ServerTransaction): void {
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }

  close(): void {
    for (const tx of [...this.clients.values()]) tx.terminate();
    for (const tx of [...this.servers.values()]) tx.terminate();
  }
}

/** §17.2.3: branch + sent-by + method, with ACK matching its INVITE. */
function serverKey(request: SipRequest): string {
  const via = parseVia(headerValues(request, 'via')[0]!);
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  return `${via.params.branch ?? ''}|${via.host}:${via.port ?? 5060}|${method}`;
}
