import type { Response } from 'express';

// One Server-Sent Events response (text/event-stream, WHATWG HTML §9.2). Frames are
// `event: <name>\ndata: <json>\n\n`; a line starting with ':' is a comment (the heartbeat).
// JSON.stringify never emits a raw newline, so one data line always suffices.

export const sseFrame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export interface SseStreamOptions {
  /** Unsent bytes (ours and the socket's) above which the client is dropped as too slow. */
  maxBufferedBytes: number;
  /** How long the closing frame may take to leave before the socket is cut. */
  closeGraceMs?: number;
  onClose: (reason: string) => void;
}

/**
 * Writes frames with a hard memory bound: Node buffers whatever the peer does not read, so a
 * stalled browser (a laptop lid closed, a proxy that stopped reading) would otherwise grow
 * the process without limit. Past the bound the client gets a final `error` event and is cut;
 * the EventSource reconnects and resyncs from a fresh snapshot.
 *
 * While `held`, frames are queued (bounded the same way) so events that arrive while the
 * snapshot is read are delivered after it, in order.
 */
export class SseStream {
  private held: string[] | null = [];
  private heldBytes = 0;
  /** Frames of this event-loop turn, written together in one socket write. */
  private batch: string[] = [];
  private batchBytes = 0;
  private closed = false;

  constructor(
    private readonly res: Response,
    private readonly options: SseStreamOptions,
  ) {
    res.once('close', () => this.finish('disconnected'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends the status line and headers; the stream is open from here on. */
  open(): void {
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-store');
    this.res.setHeader('Connection', 'keep-alive');
    // nginx and similar proxies buffer responses unless told not to.
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    // How long the browser waits before reconnecting after a drop.
    this.res.write('retry: 2000\n\n');
  }

  /** Sends `first` (the snapshot), then whatever queued while it was read; live from then on. */
  release(first: string): void {
    if (this.closed) return;
    const queued = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    this.write(first);
    for (const frame of queued) this.write(frame);
  }

  send(event: string, data: unknown): void {
    this.write(sseFrame(event, data));
  }

  write(frame: string): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push(frame);
      this.heldBytes += frame.length;
      if (this.heldBytes > this.options.maxBufferedBytes) this.drop();
      return;
    }
    if (this.batch.length === 0) setImmediate(this.flush);
    this.batch.push(frame);
    this.batchBytes += frame.length;
    if (this.res.writableLength + this.batchBytes > this.options.maxBufferedBytes) this.drop();
  }

  // A burst (a reporting flush, a busy queue) sends a desk many frames in one turn: one write
  // (one syscall) for all of them instead of one each.
  private readonly flush = (): void => {
    if (this.closed || this.batch.length === 0) return;
    const data = this.batch.length === 1 ? this.batch[0]! : this.batch.join('');
    this.batch = [];
    this.batchBytes = 0;
    this.res.write(data);
    if (this.res.writableLength > this.options.maxBufferedBytes) this.drop();
  };

  ping(): void {
    if (!this.closed && !this.held) this.write(': ping\n\n');
  }

  /** Ends the stream with a last `error` event saying why (the client may reconnect). */
  close(code: string, message: string): void {
    if (this.closed) return;
    this.flush();
    this.res.write(sseFrame('error', { code, message }));
    this.res.end();
    const grace = setTimeout(() => this.res.destroy(), this.options.closeGraceMs ?? 1000);
    grace.unref();
    this.res.once('close', () => clearTimeout(grace));
    this.finish(code);
  }

  private drop(): void {
    this.held = null;
    this.heldBytes = 0;
    this.batch = [];
    this.batchBytes = 0;
    this.close('slow_consumer', 'the client did not read its events fast enough; reconnect to resync');
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose(reason);
  }
}
