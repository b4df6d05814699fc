import type { SoftphoneAccount } from '../softphone/softphone';
import type { AgentToday, CallContext, Wallboard } from '../live/live-types';
import { ApiError, apiErrorOf, networkError } from './problem';

export type Role = 'tenant-admin' | 'supervisor' | 'agent';

export interface UserView {
  _id: string;
  tenantId: string;
  email: string;
  displayName: string;
  roles: Role[];
  agentId: string | null;
}

export interface AgentView {
  _id: string;
  displayName?: string;
  extension?: string | null;
  queueIds?: string[];
}

/** GET /v1/me. `user` is null for a principal that is no user (an API key). */
export interface Me {
  tenantId: string;
  roles: Role[];
  user: UserView | null;
  agent: AgentView | null;
  softphone: SoftphoneAccount | null;
}

export const agentIdOf = (me: Me): string | null => me.agent?._id ?? me.user?.agentId ?? null;
export const displayNameOf = (me: Me): string =>
  me.user?.displayName ?? me.agent?.displayName ?? me.user?.email ?? 'Signed in';

export interface SessionGrant {
  token: string;
  expiresAt: string;
  user: UserView;
}

export interface DispositionCode {
  _id: string;
  code: string;
  label: string;
  description: string;
  requiresNote: boolean;
  active: boolean;
}

export interface Directory {
  agents: { id: string; name: string; extension: string | null }[];
  queues: { id: string; name: string }[];
}

export type AgentStateRequest = 'login' | 'ready' | 'not-ready' | 'break' | 'logout';

/** contracts' callTargetSchema: a colleague or an outside number (whom the edge rings). */
export type PartyTarget = { type: 'agent'; agentId: string } | { type: 'external'; number: string };

/** Where a transfer may go: a party, or back to a queue or an IVR flow (blind only). */
export type TransferTarget =
  PartyTarget | { type: 'queue'; queueId: string } | { type: 'flow'; flowId: string };

/** Bodies of POST /v1/calls/:callId/commands the desk sends. */
export type DeskCallCommand =
  /** Hold/resume the caller (music on hold, counted as hold time); the server knows the legs. */
  | { action: 'hold' }
  | { action: 'resume' }
  | { action: 'transfer'; kind: 'blind' | 'consultative'; target: TransferTarget }
  /** Three-way call: the edge rings the target into a conference with the caller and the agent. */
  | { action: 'add-party'; target: PartyTarget }
  | { action: 'record'; op: 'start' | 'stop' | 'pause' | 'resume' }
  | { action: 'supervise'; mode: 'listen' | 'whisper' | 'barge' | 'take-over'; supervisorId?: string }
  | { action: 'hangup'; cause: 'normal' | 'force-released' };

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** POST /v1/sessions: the only call without a token. */
export async function signIn(
  baseUrl: string,
  input: { tenantId: string; email: string; password: string },
): Promise<SessionGrant> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(input),
    });
  } catch (err) {
    throw networkError(err);
  }
  const body = await readBody(res);
  if (!res.ok) throw apiErrorOf(res.status, body, { signedIn: false });
  return body as SessionGrant;
}

/** The Desk API with the session's bearer token; a 401 anywhere ends the session. */
export class DeskApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly onSessionExpired: (message: string) => void,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw networkError(err);
    }
    const parsed = await readBody(res);
    if (!res.ok) {
      const error = apiErrorOf(res.status, parsed);
      if (error.kind === 'session-expired') this.onSessionExpired(error.message);
      throw error;
    }
    return parsed as T;
  }

  me(): Promise<Me> {
    return this.request('GET', '/v1/me');
  }

  /** Whether the token still works (a network failure counts as "yes, try again later"). */
  async sessionValid(): Promise<boolean> {
    try {
      await this.me();
      return true;
    } catch (err) {
      return !(err instanceof ApiError && err.kind === 'session-expired');
    }
  }

  setAgentState(agentId: string, state: AgentStateRequest, reason?: string): Promise<{ commandId: string }> {
    return this.request('POST', `/v1/agents/${encodeURIComponent(agentId)}/state`, {
      state,
      ...(reason ? { reason } : {}),
    });
  }

  wrapUp(
    agentId: string,
    body: { dispositionCodeId: string; notes?: string; extendMs?: number; callId?: string },
  ): Promise<{ dispositionId: string; callId: string; commandId: string | null }> {
    return this.request('POST', `/v1/agents/${encodeURIComponent(agentId)}/wrap-up`, body);
  }

  command(callId: string, command: DeskCallCommand): Promise<{ commandId: string }> {
    return this.request('POST', `/v1/calls/${encodeURIComponent(callId)}/commands`, command);
  }

  /** What the softphone should dial for an extension or number (the API checks it exists). */
  placeCall(to: string): Promise<{ direction: 'internal' | 'outbound'; dialUri: string }> {
    return this.request('POST', '/v1/calls', { to });
  }

  callContext(callId: string): Promise<CallContext> {
    return this.request('GET', `/v1/calls/${encodeURIComponent(callId)}/context`);
  }

  wallboard(): Promise<Wallboard> {
    return this.request('GET', '/v1/wallboard');
  }

  agentStats(agentId: string): Promise<AgentToday> {
    return this.request('GET', `/v1/agents/${encodeURIComponent(agentId)}/stats`);
  }

  /** Every item of a provisioning list (a few pages of 100 at most). */
  private async listAll<T>(path: string, maxPages = 10): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const query: string = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res: { items: T[]; nextCursor: string | null } = await this.request('GET', `${path}?${query}`);
      items.push(...res.items);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return items;
  }

  /** Agents and queues by id, for names on the wallboard and transfer targets. */
  async directory(): Promise<Directory> {
    const [agents, queues] = await Promise.all([
      this.listAll<{ _id: string; displayName: string; extension?: string | null; active?: boolean }>(
        '/v1/agents',
      ),
      this.listAll<{ _id: string; name?: string; displayName?: string }>('/v1/queues'),
    ]);
    return {
      agents: agents
        .filter((a) => a.active !== false)
        .map((a) => ({ id: a._id, name: a.displayName, extension: a.extension ?? null })),
      queues: queues.map((q) => ({ id: q._id, name: q.displayName ?? q.name ?? q._id })),
    };
  }

  async dispositionCodes(): Promise<DispositionCode[]> {
    const page = await this.request<{ items: DispositionCode[] }>(
      'GET',
      '/v1/disposition-codes?active=true&limit=100',
    );
    return page.items;
  }
}
