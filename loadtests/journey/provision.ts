// Provisions the journey's tenant through the provisioning API, as an operator would: a site, a
// queue, an IVR flow with one menu per key the profile presses (validated and published), a
// hotline on a number, a disposition code, N agents with SIP accounts in that queue, a few agent
// users (for the live-channel load), and a tenant-admin API key the simulated desks act with.
import { randomBytes } from 'node:crypto';
import type { Profile } from './profile';
import type { AgentAccount } from './agents/sim-agent';

export const journeyNumber = '+4930555000';
const agentPassword = 'journey-agent-sip-password';
const userPassword = 'journey-user-password';

export interface Provisioned {
  tenantId: string;
  realm: string;
  queueId: string;
  flowId: string;
  hotlineId: string;
  dispositionCodeId: string;
  apiKey: string;
  agents: AgentAccount[];
  /** Agent users (email, password) for sessions: the live-channel load signs in as them. */
  users: { email: string; password: string; agentId: string }[];
  seconds: number;
}

class ApiError extends Error {}

export function apiClient(baseUrl: string, token: string, tenantId?: string) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(tenantId ? { 'hotline-tenant': tenantId } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new ApiError(`${method} ${path}: ${res.status} ${text.slice(0, 600)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

/** One menu per key: menu-1 takes digits[0] to menu-2 ... the last takes its key to the queue. */
export function journeyFlow(digits: string, queueId: string): Record<string, unknown> {
  const keys = [...digits];
  const tts = (text: string) => [{ kind: 'tts', text }];
  return {
    start: 'welcome',
    nodes: [
      { id: 'welcome', type: 'play', prompts: tts('Welcome.'), next: 'menu-1' },
      ...keys.map((key, i) => ({
        id: `menu-${i + 1}`,
        type: 'menu',
        prompts: tts(`Press ${key}.`),
        options: { [key]: i + 1 < keys.length ? `menu-${i + 2}` : 'queue' },
        timeoutMs: 8000,
        retries: 1,
        onFailure: 'wrong-key',
      })),
      { id: 'queue', type: 'enqueue', queueId },
      // A caller who pressed the wrong key is hung up on: the harness counts it as failed.
      { id: 'wrong-key', type: 'hangup' },
    ],
  };
}

export async function provisionJourney(
  baseUrl: string,
  adminKey: string,
  profile: Profile,
  options: { liveUsers: number },
): Promise<Provisioned> {
  const started = Date.now();
  const tenantId = `journey-${randomBytes(3).toString('hex')}`;
  const realm = `${tenantId}.journey.example`;
  const admin = apiClient(baseUrl, adminKey);
  await admin('POST', '/v1/tenants', { id: tenantId, name: 'Journey load', sipRealm: realm });
  const api = apiClient(baseUrl, adminKey, tenantId);
  const create = async (plural: string, body: unknown) =>
    (await api<{ _id: string; secret?: string }>('POST', `/v1/${plural}`, body))._id;

  const siteId = await create('sites', { name: 'Load site', timeZone: 'UTC' });
  // The queue's wrap-up timer matches the profile (whole seconds, at least 1): the simulated desk
  // also says "done" after wrapUpMs, but under load its "ready" can reach the ACD before the call's
  // end does and be refused (already-in-state); the timer then still frees the agent on time.
  const wrapUpSeconds =
    profile.agents.wrapUpMs > 0 ? Math.max(1, Math.ceil(profile.agents.wrapUpMs / 1000)) : 0;
  const queueId = await create('queues', {
    name: 'Journey',
    targets: [{ afterSeconds: 0, requirements: [] }],
    maxWaitSeconds: Math.max(profile.callers.maxHoldSeconds + 30, 60),
    maxSize: 100_000,
    wrapUpSeconds,
    serviceLevelSeconds: profile.queue.serviceLevelSeconds,
    ringTimeoutSeconds: profile.queue.ringTimeoutSeconds,
    ringNoAnswerMaxMisses: 10,
  });
  const flowId = await create('flows', {
    name: 'Journey menu',
    graph: journeyFlow(profile.ivr.digits, queueId),
  });
  await api('POST', `/v1/flows/${flowId}/validate`);
  await api('POST', `/v1/flows/${flowId}/publish`);
  const hotlineId = await create('hotlines', {
    name: 'Journey hotline',
    numbers: [journeyNumber],
    trunk: { id: 'journey' },
    defaultFlowId: flowId,
  });
  const dispositionCodeId = await create('disposition-codes', { code: 'resolved', label: 'Resolved' });
  const key = await api<{ secret?: string }>('POST', '/v1/api-keys', {
    name: 'journey desks',
    role: 'tenant-admin',
  });
  if (!key.secret) throw new ApiError('POST /v1/api-keys returned no secret');

  const agents: AgentAccount[] = [];
  const indexes = Array.from({ length: profile.agents.count }, (_, i) => i);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < indexes.length) {
        const i = indexes[next++]!;
        const username = `agent${String(i + 1).padStart(4, '0')}`;
        const agentId = await create('agents', {
          displayName: `Agent ${i + 1}`,
          siteId,
          queueIds: [queueId],
          sip: { username, password: agentPassword },
        });
        agents[i] = { agentId, username, password: agentPassword, realm };
      }
    }),
  );
  const users: Provisioned['users'] = [];
  for (const agent of agents.slice(0, options.liveUsers)) {
    const email = `${agent.username}@journey.example`;
    await create('users', {
      email,
      displayName: agent.username,
      roles: ['agent'],
      password: userPassword,
      agentId: agent.agentId,
    });
    users.push({ email, password: userPassword, agentId: agent.agentId });
  }
  return {
    tenantId,
    realm,
    queueId,
    flowId,
    hotlineId,
    dispositionCodeId,
    apiKey: key.secret,
    agents,
    users,
    seconds: (Date.now() - started) / 1000,
  };
}
