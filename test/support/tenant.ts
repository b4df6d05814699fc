// A tenant provisioned the way a customer would, through the API as the platform admin: a site,
// a skill, the sales queue, agents with SIP accounts, an IVR flow (greeting, then a menu where 1
// is sales) published, and a hotline whose number answers with it.
import { randomBytes } from 'node:crypto';
import type { AgentState, agentCommandKinds } from '../../packages/contracts/src/index';
import type { Stack } from './stack';

export interface ProvisionedAgent {
  agentId: string;
  username: string;
  password: string;
}

export interface ProvisionedTenant {
  tenantId: string;
  /** SIP digest realm of its agents (unique per run: Kamailio's registrations never collide). */
  realm: string;
  /** The hotline's number (DNIS) callers dial. */
  number: string;
  hotlineId: string;
  flowId: string;
  siteId: string;
  salesQueueId: string;
  agents: ProvisionedAgent[];
}

export interface TenantSpec {
  /** Default: a number of this run's own. */
  number?: string;
  agents?: string[];
  /** Queue settings over the defaults below (ring 5 s, one miss makes not-ready, wrap-up 2 s). */
  queue?: Record<string, unknown>;
  /** The hotline's recording policy (default: every call). */
  recording?: Record<string, unknown>;
}

const tts = (text: string) => ({ kind: 'tts', text });

/**
 * Greeting → menu: 1 sales (enqueue), 2 voicemail (then goodbye), 3 a callback from sales (then
 * goodbye). The IVR of issue 8's journey.
 */
export function journeyFlow(salesQueueId: string): unknown {
  return {
    start: 'greeting',
    nodes: [
      { id: 'greeting', type: 'play', prompts: [tts('Welcome to the hotline.')], next: 'menu' },
      {
        id: 'menu',
        type: 'menu',
        prompts: [tts('For sales, press 1.')],
        options: { '1': 'sales', '2': 'voicemail', '3': 'callback' },
        timeoutMs: 8000,
        retries: 1,
        onFailure: 'sales',
      },
      { id: 'sales', type: 'enqueue', queueId: salesQueueId, priority: 10 },
      {
        id: 'voicemail',
        type: 'voicemail',
        mailbox: 'sales',
        prompts: [tts('Leave a message.')],
        maxSeconds: 30,
        next: 'goodbye',
      },
      { id: 'callback', type: 'callback', queueId: salesQueueId, next: 'goodbye' },
      { id: 'goodbye', type: 'hangup' },
    ],
  };
}

export async function provisionTenant(stack: Stack, spec: TenantSpec = {}): Promise<ProvisionedTenant> {
  const tenantId = `t-${stack.run}`;
  const realm = `${stack.run}.journey.test`;
  const created = await stack.api('POST', '/v1/tenants', {
    body: { id: tenantId, name: `Journey ${stack.run}`, sipRealm: realm },
  });
  if (created.status !== 201) throw new Error(`tenant: ${created.status} ${JSON.stringify(created.body)}`);
  const make = async (plural: string, body: unknown): Promise<string> => {
    const r = await stack.api<{ _id: string }>('POST', `/v1/${plural}`, { tenantId, body });
    if (r.status !== 201) throw new Error(`${plural}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body._id;
  };
  const siteId = await make('sites', { name: 'Main site', timeZone: 'UTC' });
  const skill = await make('skills', { name: 'sales', description: 'Sales' });
  const salesQueueId = await make('queues', {
    name: 'Sales',
    targets: [{ afterSeconds: 0, requirements: [{ skillId: skill, minProficiency: 1 }] }],
    ringTimeoutSeconds: 5,
    ringNoAnswerMaxMisses: 1,
    wrapUpSeconds: 2,
    serviceLevelSeconds: 20,
    ...spec.queue,
  });
  const agents: ProvisionedAgent[] = [];
  for (const name of spec.agents ?? ['ann', 'ben']) {
    const username = `${name}-${stack.run}`;
    const password = `${name}-${randomBytes(8).toString('hex')}`;
    const agentId = await make('agents', {
      displayName: name,
      siteId,
      skills: [{ skillId: skill, proficiency: 3 }],
      queueIds: [salesQueueId],
      sip: { username, password },
    });
    agents.push({ agentId, username, password });
  }
  const flowId = await make('flows', { name: 'Journey menu', graph: journeyFlow(salesQueueId) });
  for (const action of ['validate', 'publish']) {
    const r = await stack.api('POST', `/v1/flows/${flowId}/${action}`, { tenantId });
    if (r.status !== 200) throw new Error(`${action} flow: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // Kamailio caches which tenant a number belongs to: a number of its own per run.
  const number = spec.number ?? `+1555${parseInt(stack.run, 16).toString().padStart(10, '0').slice(-7)}`;
  const hotlineId = await make('hotlines', {
    name: 'Journey line',
    numbers: [number],
    trunk: { id: 'local' },
    defaultFlowId: flowId,
    recording: spec.recording ?? { mode: 'all' },
  });
  return { tenantId, realm, number, hotlineId, flowId, siteId, salesQueueId, agents };
}

/**
 * Asks the ACD to change an agent's state (what the desk API does) and waits until the agent is
 * in `expect`, or fails with the ACD's refusal.
 */
export async function agentCommand(
  stack: Stack,
  tenantId: string,
  agentId: string,
  command: (typeof agentCommandKinds)[number],
  expect: AgentState,
  extra: { ready?: boolean; reason?: string } = {},
): Promise<void> {
  const commandId = `cmd-${randomBytes(6).toString('hex')}`;
  const since = stack.events.length;
  await stack.publish({
    type: 'agent.command.requested',
    tenantId,
    source: 'journey-test',
    data: { commandId, agentId, command, by: 'agent', ...extra },
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const later = stack.events.slice(since);
    const refused = later.find((e) => e.type === 'agent.command.rejected' && e.data.commandId === commandId);
    if (refused) throw new Error(`agent ${agentId} ${command}: ${JSON.stringify(refused.data)}`);
    if (
      later.some(
        (e) => e.type === 'agent.state.changed' && e.data.agentId === agentId && e.data.to === expect,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`agent ${agentId} not ${expect} 10 s after ${command}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
