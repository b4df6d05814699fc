import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FromWorker, PlayerWorkerData, ToWorker } from './rtp-player-protocol';
import { WavFormatError, type G711, type PromptPlayer } from './rtp-player';

// RtpPlayer in its own thread. At 100 calls/s the prompts are ~11,000 RTP packets a second; sent
// from the main thread, the dgram sends alone took ~14 % of the busy event loop that also runs
// SIP, the bus and every service of `hotline up`. Here the main thread only posts a few small
// commands per call (open, play, stop, close) and the worker owns the inner endpoint's socket and
// the 20 ms clock. The same RtpPlayer code runs in the worker, so pacing, catch-up, marker bit and
// random SSRC/sequence/timestamp are exactly those of the in-thread player.

/** The playout thread is gone (crashed, or could not be restarted): prompts cannot play now. */
export class PromptPlayerError extends Error {
  readonly code = 'prompt_player_unavailable';
  readonly retryable = true;
}

export interface PlayerLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ThreadedRtpPlayerOptions {
  host: string;
  /** 0 (default): any free port. */
  port?: number;
  log?: PlayerLog;
  /** Crashes tolerated per minute before the player gives up (and play() rejects). */
  maxRestartsPerMinute?: number;
  /** Tests: the worker entry (default: rtp-player-worker.mjs next to this file). */
  workerUrl?: URL;
}

interface StreamInfo {
  host: string;
  port: number;
  codec: G711;
  payloadType: number;
  /** The play whose frames are going out, as far as the main thread knows. */
  playing?: number;
}

interface PendingPlay {
  callId: string;
  resolve: (value: { durationMs: number; ended: Promise<void> }) => void;
  reject: (err: Error) => void;
  ended: Promise<void>;
  done: () => void;
  /** The worker answered 'played' (so only `ended` is outstanding). */
  started: boolean;
}

const silentLog: PlayerLog = { error: () => undefined, warn: () => undefined };

export class ThreadedRtpPlayer implements PromptPlayer {
  private readonly streams = new Map<string, StreamInfo>();
  private readonly plays = new Map<number, PendingPlay>();
  private nextId = 1;
  private worker!: Worker;
  private stopping = false;
  private broken: Error | undefined;
  private readonly restarts: number[] = [];

  private constructor(
    /** The inner endpoint's port: rtpengine sends to it and it is in every inner SDP. */
    readonly host: string,
    readonly port: number,
    private readonly options: ThreadedRtpPlayerOptions,
  ) {}

  /** Starts the playout thread, bound to host:port; resolves once its socket is bound. */
  static async start(options: ThreadedRtpPlayerOptions): Promise<ThreadedRtpPlayer> {
    const worker = createWorker(options, options.port ?? 0);
    const port = await whenReady(worker, options.host, options.port ?? 0);
    const player = new ThreadedRtpPlayer(options.host, port, options);
    player.attach(worker);
    return player;
  }

  /** The playout thread's event-loop utilisation (for metrics and measurements). */
  threadUtilization(): EventLoopUtilization {
    return this.worker.performance.eventLoopUtilization();
  }

  get active(): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.playing !== undefined) n++;
    return n;
  }

  open(callId: string, dest: { host: string; port: number }, codec: G711, payloadType: number): void {
    this.streams.set(callId, { host: dest.host, port: dest.port, codec, payloadType });
    this.post({ op: 'open', callId, host: dest.host, port: dest.port, codec, payloadType });
  }

  has(callId: string): boolean {
    return this.streams.has(callId);
  }

  play(callId: string, file: string, repeat = 1): Promise<{ durationMs: number; ended: Promise<void> }> {
    if (!this.streams.has(callId)) return Promise.reject(new Error(`no media stream for call ${callId}`));
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    let done!: () => void;
    const ended = new Promise<void>((resolve) => (done = resolve));
    const result = new Promise<{ durationMs: number; ended: Promise<void> }>((resolve, reject) => {
      this.plays.set(id, { callId, resolve, reject, ended, done, started: false });
    });
    this.post({ op: 'play', id, callId, file, repeat });
    return result;
  }

  stop(callId: string): void {
    const stream = this.streams.get(callId);
    if (!stream) return;
    stream.playing = undefined;
    this.post({ op: 'stop', callId });
  }

  close(callId: string): void {
    if (!this.streams.delete(callId)) return;
    this.post({ op: 'close', callId });
    // A play still loading its file when the call went away has nothing left to play to.
    for (const [id, play] of this.plays) {
      if (play.callId !== callId) continue;
      this.plays.delete(id);
      play.done();
      if (!play.started) play.resolve({ durationMs: 0, ended: play.ended });
    }
  }

  /** Ends every playback and terminates the thread (its socket closes with it). */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.failAll(new PromptPlayerError('the prompt player is shut down'));
    this.streams.clear();
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    if (!this.stopping && !this.broken) this.worker.postMessage(message);
  }

  private attach(worker: Worker): void {
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (err) => {
      this.options.log?.error({ err }, 'prompt player thread crashed');
    });
    worker.once('exit', (code) => {
      if (this.stopping || this.worker !== worker) return;
      void this.restart(code);
    });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'played': {
        const play = this.plays.get(message.id);
        if (!play) return;
        play.started = true;
        const stream = this.streams.get(play.callId);
        if (stream) stream.playing = message.id;
        play.resolve({ durationMs: message.durationMs, ended: play.ended });
        return;
      }
      case 'ended': {
        const play = this.plays.get(message.id);
        if (!play) return;
        this.plays.delete(message.id);
        const stream = this.streams.get(play.callId);
        if (stream?.playing === message.id) stream.playing = undefined;
        play.done();
        return;
      }
      case 'play-failed': {
        const play = this.plays.get(message.id);
        if (!play) return;
        this.plays.delete(message.id);
        play.done();
        play.reject(remoteError(message.message, message.code));
        return;
      }
      case 'socket-error':
        (this.options.log ?? silentLog).warn({ err: message.message }, 'prompt player socket error');
        return;
      case 'ready':
      case 'bind-failed':
        return;
    }
  }

  /** Plays in flight are lost with the thread: their callers hear of it now, not never. */
  private failAll(err: Error): void {
    for (const play of this.plays.values()) {
      play.done();
      if (!play.started) play.reject(err);
    }
    this.plays.clear();
    for (const stream of this.streams.values()) stream.playing = undefined;
  }

  private restart(code: number): void {
    const log = this.options.log ?? silentLog;
    this.failAll(new PromptPlayerError(`the prompt player thread stopped (exit code ${code})`));
    const now = Date.now();
    while (this.restarts.length > 0 && this.restarts[0]! < now - 60_000) this.restarts.shift();
    if (this.restarts.length >= (this.options.maxRestartsPerMinute ?? 5)) {
      this.broken = new PromptPlayerError(
        `the prompt player thread stopped ${this.restarts.length + 1} times within a minute; prompts are off`,
      );
      log.error({ code }, this.broken.message);
      return;
    }
    this.restarts.push(now);
    log.error({ code, port: this.port }, 'prompt player thread stopped: restarting it');
    // Same port: rtpengine knows it from every inner SDP. Commands posted before the new thread is
    // listening wait in its message queue; if it cannot bind, it exits and this runs again.
    const worker = createWorker(this.options, this.port);
    this.attach(worker);
    // Calls still in IVR or queue keep their destination; only SSRC and sequence start afresh.
    for (const [callId, s] of this.streams) {
      this.post({
        op: 'open',
        callId,
        host: s.host,
        port: s.port,
        codec: s.codec,
        payloadType: s.payloadType,
      });
    }
    whenReady(worker, this.options.host, this.port).catch((err: Error) => {
      if (!this.stopping) log.error({ err: err.message }, 'prompt player thread did not come back');
    });
  }
}

function createWorker(options: ThreadedRtpPlayerOptions, port: number): Worker {
  const workerData: PlayerWorkerData = { host: options.host, port };
  return new Worker(options.workerUrl ?? new URL('./rtp-player-worker.mjs', import.meta.url), {
    workerData,
  });
}

/** Resolves the port once the worker's socket is bound; terminates it if it cannot bind. */
function whenReady(worker: Worker, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      void worker.terminate();
      reject(err);
    };
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message.port);
      } else if (message.type === 'bind-failed') {
        fail(new PromptPlayerError(`prompt player cannot bind udp:${host}:${port}: ${message.message}`));
      }
    };
    const onError = (err: Error): void =>
      fail(new PromptPlayerError(`prompt player thread failed to start: ${err.message}`));
    const onExit = (code: number): void =>
      fail(new PromptPlayerError(`prompt player thread exited while starting (code ${code})`));
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function remoteError(message: string, code: string | undefined): Error {
  // The worker's WavFormatError comes back as the same class, so callers can tell a bad file.
  if (code === 'bad_wav') return new WavFormatError(message);
  const err = new Error(message) as Error & { code?: string };
  if (code) err.code = code;
  return err;
}
