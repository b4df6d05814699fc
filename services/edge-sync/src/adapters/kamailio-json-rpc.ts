import type { KamailioControl, ReloadMethod } from '../ports';

export class KamailioRpcError extends Error {
  readonly code = 'kamailio_rpc_failed';
  readonly retryable = true;
  /**
   * Kamailio refused for now, as it does by design: a reload right after the previous one
   * (dispatcher: "Ongoing reload" within reload_delta; rtpengine: "Too short reload interval"
   * within 10 s) or while it is still starting ("Initializing").
   */
  readonly busy: boolean;
  constructor(message: string, options?: { cause?: unknown; busy?: boolean }) {
    super(message, options);
    this.name = 'KamailioRpcError';
    this.busy = options?.busy ?? false;
  }
}

const busyAnswer = /try later|ongoing reload|initializing/i;

export interface KamailioJsonRpcOptions {
  /** jsonrpcs over xhttp, e.g. http://127.0.0.1:5071/RPC. */
  url: string;
  /** Sent as X-Hotline-Edge-Token (Kamailio's xhttp route checks it). */
  token?: string;
  timeoutMs?: number;
}

/** Kamailio's JSON-RPC 2.0 over HTTP: dispatcher.reload and rtpengine.reload. */
export class KamailioJsonRpc implements KamailioControl {
  private id = 0;

  constructor(private readonly o: KamailioJsonRpcOptions) {}

  async reload(method: ReloadMethod): Promise<void> {
    await this.call(method);
  }

  async setRtpengine(url: string, enabled: boolean): Promise<void> {
    await this.call('rtpengine.enable', [url, enabled ? 1 : 0]);
  }

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    const id = ++this.id;
    let res: Response;
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.o.token ? { 'x-hotline-edge-token': this.o.token } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 3000),
      });
    } catch (err) {
      throw new KamailioRpcError(`${method}: Kamailio's RPC at ${this.o.url} is unreachable`, { cause: err });
    }
    const text = await res.text();
    let body: { result?: unknown; error?: { code?: number; message?: string } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (err) {
      throw new KamailioRpcError(
        `${method}: HTTP ${res.status}, not a JSON-RPC answer: ${text.slice(0, 200)}`,
        {
          cause: err,
        },
      );
    }
    // jsonrpcs answers an error with HTTP 500 and the JSON-RPC error object in the body.
    if (body.error) {
      const message = body.error.message ?? '';
      throw new KamailioRpcError(`${method}: ${body.error.code ?? res.status} ${message}`.trim(), {
        busy: busyAnswer.test(message),
      });
    }
    if (!res.ok) throw new KamailioRpcError(`${method}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return body.result;
  }
}
