import http from 'node:http';
import https from 'node:https';
import type { DocumentStore } from '@hotline/document-store';
import { Collections, type Agent, type NumberClaim } from '@hotline/provisioning';
import type { CallingAgent, DialledTarget, Directory } from '../domain/ports';

export interface KamailioRpcOptions {
  /** Kamailio's JSON-RPC endpoint (xhttp + jsonrpcs), e.g. http://127.0.0.1:8460/RPC. */
  url: string;
  token: string;
  timeoutMs?: number;
}

/**
 * Kamailio's JSON-RPC over HTTP: the registrar's view of agents, and liveness. Plain node:http on
 * kept-alive connections: `ul.lookup` runs for every agent a call rings, and fetch cost several
 * times the CPU per request on the main thread.
 */
export class KamailioRpc {
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(private readonly options: KamailioRpcOptions) {
    this.url = new URL(options.url);
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 16 })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    const payload = JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 });
    let response: { status: number; body: string };
    try {
      response = await this.post(payload);
    } catch (err) {
      // Kamailio closed an idle kept-alive connection just as we reused it. Every method called
      // here is a read or idempotent (ul.lookup, core.uptime, dispatcher.set_state): ask again once.
      if (!(err as { staleConnection?: boolean }).staleConnection) throw err;
      response = await this.post(payload);
    }
    if (response.status < 200 || response.status > 299)
      throw new Error(`Kamailio RPC ${method}: HTTP ${response.status}`);
    const body = JSON.parse(response.body) as { result?: unknown; error?: { code: number; message: string } };
    if (body.error) throw new KamailioRpcError(method, body.error.code, body.error.message);
    return body.result;
  }

  private post(payload: string): Promise<{ status: number; body: string }> {
    const request = this.url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.options.timeoutMs ?? 1500,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            'x-hotline-edge-token': this.options.token,
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`Kamailio RPC did not answer within ${this.options.timeoutMs ?? 1500} ms`)),
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(Object.assign(err, { staleConnection: req.reusedSocket && err.code === 'ECONNRESET' })),
      );
      req.end(payload);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

export class KamailioRpcError extends Error {
  readonly code = 'kamailio_rpc_error';
  readonly retryable = false;
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    message: string,
  ) {
    super(`Kamailio RPC ${method}: ${message}`);
  }
}

export interface EdgeDirectoryOptions {
  store: DocumentStore;
  rpc: KamailioRpc | undefined;
}

/**
 * Who is who at the edge: agents' SIP addresses and credentials and numbers' owners come from
 * provisioning (document store); whether an agent sits in a browser comes from Kamailio's
 * registrar (its contact arrived over WebSocket).
 */
export class EdgeDirectory implements Directory {
  constructor(private readonly options: EdgeDirectoryOptions) {}

  async agentAor(tenantId: string, agentId: string): Promise<string | null> {
    const agent = await this.options.store.collection<Agent>(Collections.agents).get(agentId);
    if (!agent || agent.tenantId !== tenantId || !agent.active) return null;
    return `${agent.sip.username}@${agent.sip.realm}`;
  }

  async agentByAor(aor: string): Promise<CallingAgent | null> {
    const at = aor.lastIndexOf('@');
    if (at <= 0) return null;
    const agent = await this.options.store
      .collection<Agent>(Collections.agents)
      .findOne({ 'sip.username': aor.slice(0, at), 'sip.realm': aor.slice(at + 1), active: true });
    if (!agent) return null;
    return { agentId: agent._id, tenantId: agent.tenantId, callerId: agent.extension ?? agent.sip.username };
  }

  /**
   * An agent dials a colleague's extension or SIP user, or a number: digits (an optional +) that
   * are no extension of the tenant go out through a gateway.
   */
  async resolveDialled(tenantId: string, dialled: string): Promise<DialledTarget | null> {
    const agents = this.options.store.collection<Agent>(Collections.agents);
    if (/^\d{2,8}$/.test(dialled)) {
      const byExtension = await agents.findOne({ tenantId, extension: dialled, active: true });
      if (byExtension) return { type: 'agent', agentId: byExtension._id };
    }
    if (/^\+?\d{3,15}$/.test(dialled)) return { type: 'external', number: dialled };
    if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(dialled)) {
      const byUser = await agents.findOne({ tenantId, 'sip.username': dialled, active: true });
      if (byUser) return { type: 'agent', agentId: byUser._id };
    }
    return null;
  }

  async isWebrtc(aor: string): Promise<boolean> {
    if (!this.options.rpc) return false;
    try {
      const result = await this.options.rpc.call('ul.lookup', ['location', aor]);
      const text = JSON.stringify(result ?? {}).toLowerCase();
      return /transport=wss?\b|"(?:ws|wss):/.test(text) || /socket"?:"?(?:ws|wss):/.test(text);
    } catch {
      // Not registered or the registrar is unreachable: the INVITE will tell; plain RTP offer.
      return false;
    }
  }

  /** HA1 of an agent's SIP account, for Kamailio's digest check. */
  async credentials(realm: string, username: string): Promise<string | null> {
    const agent = await this.options.store
      .collection<Agent>(Collections.agents)
      .findOne({ 'sip.username': username, 'sip.realm': realm, active: true });
    return agent ? agent.sip.ha1 : null;
  }

  /** Which tenant and hotline own an E.164 number. */
  async numberOwner(number: string): Promise<{ tenantId: string; hotlineId: string } | null> {
    const e164 = number.startsWith('+') ? number : `+${number}`;
    if (!/^\+[1-9]\d{1,14}$/.test(e164)) return null;
    const claim = await this.options.store.collection<NumberClaim>(Collections.numberClaims).get(e164);
    return claim ? { tenantId: claim.tenantId, hotlineId: claim.hotlineId } : null;
  }
}
