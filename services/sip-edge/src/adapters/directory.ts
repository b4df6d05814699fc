import type { DocumentStore } from '@hotline/document-store';
import { Collections, type Agent, type NumberClaim } from '@hotline/provisioning';
import type { CallingAgent, DialledTarget, Directory } from '../domain/ports';

export interface KamailioRpcOptions {
  /** Kamailio's JSON-RPC endpoint (xhttp + jsonrpcs), e.g. http://127.0.0.1:8460/RPC. */
  url: string;
  token: string;
  timeoutMs?: number;
}

/** Kamailio's JSON-RPC over HTTP: the registrar's view of agents, and liveness. */
export class KamailioRpc {
  constructor(private readonly options: KamailioRpcOptions) {}

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hotline-edge-token': this.options.token },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 1500),
    });
    if (!response.ok) throw new Error(`Kamailio RPC ${method}: HTTP ${response.status}`);
    const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
    if (body.error) throw new KamailioRpcError(method, body.error.code, body.error.message);
    return body.result;
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
