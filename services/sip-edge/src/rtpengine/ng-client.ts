import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { bdecode, bencode, type BValue, type Decoded } from './bencode';

export interface NgTarget {
  host: string;
  port: number;
}

export type NgReply = { [key: string]: Decoded };

/**
 * rtpengine said no (`rtpengine_error`, e.g. "Unknown call-id", "Failed to start media playback
 * from file", admission limits), or did not answer at all (`rtpengine_unavailable`, retryable).
 */
export class RtpengineError extends Error {
  readonly code: 'rtpengine_error' | 'rtpengine_unavailable';
  readonly retryable: boolean;
  constructor(
    code: 'rtpengine_error' | 'rtpengine_unavailable',
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'RtpengineError';
    this.code = code;
    this.retryable = code === 'rtpengine_unavailable';
  }
}

interface Pending {
  resolve: (reply: NgReply) => void;
  reject: (err: Error) => void;
  /** One timer at a time: the next resend, or the final timeout. */
  timer: NodeJS.Timeout | undefined;
  command: string;
  startedAt: number;
}

export interface NgClientOptions {
  localHost?: string;
  /** Overall time to wait for a reply. */
  timeoutMs?: number;
  /** Resend interval: rtpengine caches replies per cookie, so a resend never runs a command twice. */
  resendMs?: number;
  /** Told how long each answered command took (metrics). */
  observe?: (command: string, seconds: number, ok: boolean) => void;
}

/** The ng control protocol over UDP: "<cookie> <bencoded dict>" both ways. */
export class NgClient {
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  // Cookies must be unique: rtpengine answers a repeated cookie from its reply cache. A random
  // prefix per client (as unlikely to collide with another process's, or a restarted one's, as a
  // random cookie per command was) and a counter within it: no crypto call per command.
  private readonly cookiePrefix = randomBytes(9).toString('base64url');
  private sequence = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
    private readonly resendMs: number,
    private readonly observe: NgClientOptions['observe'],
  ) {
    socket.on('message', (data) => this.onReply(data));
    socket.on('error', () => undefined);
  }

  static async open(options: NgClientOptions = {}): Promise<NgClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, options.localHost ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new NgClient(socket, options.timeoutMs ?? 2000, options.resendMs ?? 500, options.observe);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends one command; resolves the reply dict when result is ok (or pong), rejects otherwise. */
  command(
    target: NgTarget,
    command: string,
    args: { [key: string]: BValue | undefined } = {},
  ): Promise<NgReply> {
    if (this.closed) return Promise.reject(new RtpengineError('rtpengine_unavailable', 'ng client closed'));
    const cookie = `${this.cookiePrefix}${(this.sequence++).toString(36)}`;
    const packet = Buffer.concat([Buffer.from(`${cookie} `), bencode({ ...args, command })]);
    return new Promise<NgReply>((resolve, reject) => {
      const entry: Pending = { resolve, reject, timer: undefined, command, startedAt: performance.now() };
      this.pending.set(cookie, entry);
      const send = () => this.socket.send(packet, target.port, target.host, () => undefined);
      // Resends every resendMs until timeoutMs, then gives up: the same schedule as one timer per
      // resend, with one timer armed at a time (most commands are answered before the first).
      let elapsed = 0;
      const arm = (): void => {
        const next = Math.min(elapsed + this.resendMs, this.timeoutMs);
        entry.timer = setTimeout(() => {
          elapsed = next;
          if (elapsed < this.timeoutMs) {
            send();
            arm();
            return;
          }
          this.settle(cookie);
          this.observe?.(command, this.timeoutMs / 1000, false);
          reject(
            new RtpengineError(
              'rtpengine_unavailable',
              `rtpengine ${target.host}:${target.port} did not answer "${command}" within ${this.timeoutMs} ms`,
            ),
          );
        }, next - elapsed);
      };
      send();
      arm();
    });
  }

  private onReply(data: Buffer): void {
    const space = data.indexOf(0x20);
    if (space <= 0) return;
    const cookie = data.toString('latin1', 0, space);
    const entry = this.pending.get(cookie);
    if (!entry) return;
    this.settle(cookie);
    const seconds = (performance.now() - entry.startedAt) / 1000;
    let reply: Decoded;
    try {
      reply = bdecode(data.subarray(space + 1));
    } catch (err) {
      entry.reject(
        new RtpengineError(
          'rtpengine_error',
          `undecodable ng reply to "${entry.command}": ${(err as Error).message}`,
        ),
      );
      return;
    }
    if (typeof reply !== 'object' || Array.isArray(reply)) {
      entry.reject(
        new RtpengineError('rtpengine_error', `ng reply to "${entry.command}" is not a dictionary`),
      );
      return;
    }
    const result = reply.result;
    const ok = result === 'ok' || result === 'pong';
    this.observe?.(entry.command, seconds, ok);
    if (ok) {
      entry.resolve(reply);
      return;
    }
    const reason = typeof reply['error-reason'] === 'string' ? reply['error-reason'] : String(result);
    entry.reject(
      new RtpengineError('rtpengine_error', `rtpengine refused "${entry.command}": ${reason}`, reason),
    );
  }

  private settle(cookie: string): void {
    const entry = this.pending.get(cookie);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(cookie);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [cookie, entry] of [...this.pending]) {
      this.settle(cookie);
      entry.reject(new RtpengineError('rtpengine_unavailable', 'ng client closed'));
    }
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
