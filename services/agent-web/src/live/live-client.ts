import { retryDelayMs } from './backoff';
import { parseLiveMessage } from './live-state';
import { liveEventKinds, type LiveEvent } from './live-types';

export type LiveConnection = 'connecting' | 'open' | 'retrying' | 'closed';

export interface LiveClientOptions {
  /** Base URL of the API ('' = same origin). */
  baseUrl: string;
  token: () => string | null;
  onEvent: (event: LiveEvent) => void;
  onConnection: (state: LiveConnection, detail?: string) => void;
  /** Asked before each retry: false when the session is gone (then the client stops). */
  sessionValid: () => Promise<boolean>;
}

/**
 * GET /v1/live as Server-Sent Events. EventSource cannot send headers, so the token rides in the
 * query string. EventSource retries network drops by itself but gives up on an HTTP error, and
 * never says which: we close it on any error, check the session, and reconnect with backoff. Each
 * connection starts with a snapshot, which resynchronises the desk without a reload.
 */
export class LiveClient {
  private source: EventSource | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly opts: LiveClientOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
    this.opts.onConnection('closed');
  }

  private connect(): void {
    const token = this.opts.token();
    if (!token || this.stopped) return;
    this.opts.onConnection(this.attempt === 0 ? 'connecting' : 'retrying');
    const url = `${this.opts.baseUrl}/v1/live?access_token=${encodeURIComponent(token)}`;
    const source = new EventSource(url);
    this.source = source;
    for (const kind of liveEventKinds) {
      source.addEventListener(kind, (ev) => {
        const event = parseLiveMessage(kind, (ev as MessageEvent<string>).data);
        if (!event) return;
        if (event.kind === 'snapshot') {
          this.attempt = 0;
          this.opts.onConnection('open');
        }
        this.opts.onEvent(event);
      });
    }
    // Both a dropped connection and the server's own `error` event (sent before it closes the
    // stream: token_expired, snapshot_failed) arrive here; only the latter carries data.
    source.onerror = (ev) => {
      source.close();
      if (this.source !== source || this.stopped) return;
      this.source = null;
      const said = serverReason(ev);
      const delay = retryDelayMs(this.attempt++, { baseMs: 1000, maxMs: 20_000 });
      this.opts.onConnection(
        'retrying',
        `${said ?? 'Live updates interrupted'}; reconnecting in ${Math.ceil(delay / 1000)} s.`,
      );
      this.timer = setTimeout(() => {
        void this.opts.sessionValid().then(
          (valid) => {
            if (valid) this.connect();
          },
          // The check itself failed (server down): keep trying.
          () => this.connect(),
        );
      }, delay);
    };
  }
}

function serverReason(ev: Event): string | null {
  const data = (ev as MessageEvent<unknown>).data;
  if (typeof data !== 'string') return null;
  try {
    const body = JSON.parse(data) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : null;
  } catch {
    return null;
  }
}
