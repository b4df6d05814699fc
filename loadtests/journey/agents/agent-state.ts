// How a simulated agent changes its state. Normally through the desk API, as the browser does:
// POST /v1/agents/:id/state (login, ready) and POST /v1/agents/:id/wrap-up (the disposition) —
// both publish agent.command.requested. On a tree whose API does not serve those routes yet, the
// harness falls back to the probe inside the system under test, which publishes the same event.

export type StateTarget =
  | {
      kind: 'api';
      baseUrl: string;
      token: string;
      /** A disposition to file at the end of wrap-up; without one only "ready" is sent. */
      dispositionCodeId?: string;
    }
  | { kind: 'probe'; url: string; tenantId: string };

export interface AgentStateClient {
  loginReady(agentId: string): Promise<void>;
  wrapUpDone(agentId: string): Promise<void>;
}

async function post(url: string, body: unknown, token?: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
}

export function agentStateClient(target: StateTarget): AgentStateClient {
  if (target.kind === 'probe') {
    const command = (agentId: string, command: string, extra: object = {}) =>
      post(`${target.url}/agent-command`, { tenantId: target.tenantId, agentId, command, ...extra });
    return {
      loginReady: (agentId) => command(agentId, 'login', { ready: true }),
      wrapUpDone: (agentId) => command(agentId, 'ready'),
    };
  }
  const agentUrl = (agentId: string, what: string) =>
    `${target.baseUrl}/v1/agents/${encodeURIComponent(agentId)}/${what}`;
  const state = (agentId: string, s: string) => post(agentUrl(agentId, 'state'), { state: s }, target.token);
  return {
    async loginReady(agentId) {
      await state(agentId, 'login');
      await state(agentId, 'ready');
    },
    async wrapUpDone(agentId) {
      if (target.dispositionCodeId)
        await post(
          agentUrl(agentId, 'wrap-up'),
          { dispositionCodeId: target.dispositionCodeId },
          target.token,
        );
      await state(agentId, 'ready');
    },
  };
}

/**
 * Whether the API serves the desk routes: a state change for an agent that does not exist is
 * refused either way, but only a missing route answers with the catch-all's "no route".
 */
export async function deskApiAvailable(baseUrl: string, token: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/v1/agents/journey-no-such-agent/state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ state: 'ready' }),
  });
  const text = await res.text();
  return !(res.status === 404 && text.includes('no route'));
}
