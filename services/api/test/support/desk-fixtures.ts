/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON of many shapes; tests assert on them field by field */
import { makeEvent, type EventData, type EventType, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents, publishEvents } from '@hotline/event-bus';
import type {
  AgentRealtime,
  CallContextView,
  DeskReadModel,
  QueueRealtime,
  WaitingCall,
} from '../../src/desk/desk-read-model';
import type { TestApi } from './api-harness';
import type { Client } from './client';
import { provisionBasics, waitFor, type World } from './fixtures';

/** Realtime views the test sets by hand, per tenant: the desk reads them as it would reporting's. */
export class FixedReadModel implements DeskReadModel {
  readonly agents = new Map<string, AgentRealtime[]>();
  readonly queues = new Map<string, QueueRealtime[]>();
  readonly waiting = new Map<string, WaitingCall[]>();
  readonly contexts = new Map<string, CallContextView>();

  async realtimeQueues(tenantId: string) {
    return this.queues.get(tenantId) ?? [];
  }
  async realtimeAgents(tenantId: string) {
    return this.agents.get(tenantId) ?? [];
  }
  async waitingCalls(tenantId: string, queueId?: string) {
    return (this.waiting.get(tenantId) ?? []).filter((w) => !queueId || w.queueId === queueId);
  }
  async callContext(tenantId: string, callId: string) {
    return this.contexts.get(`${tenantId}/${callId}`) ?? null;
  }
}

export const agentNow = (agentId: string, over: Partial<AgentRealtime> = {}): AgentRealtime => ({
  agentId,
  state: 'ready',
  since: new Date().toISOString(),
  today: { calls: 3, talkMs: 120_000, holdMs: 5000, wrapMs: 30_000, stateMs: { ready: 60_000 } },
  ...over,
});

export const queueNow = (queueId: string, over: Partial<QueueRealtime> = {}): QueueRealtime => ({
  queueId,
  waiting: 1,
  longestWaitMs: 4000,
  oldestJoinedAt: new Date().toISOString(),
  answered: 5,
  abandoned: 1,
  offered: 6,
  serviceLevelPct: 80,
  slThresholdSec: 20,
  agentsByState: { ready: 1 },
  updatedAt: new Date().toISOString(),
  ...over,
});

export interface DeskTenant {
  tenantId: string;
  admin: Client;
  agent: Client;
  agentToken: string;
  supervisor: Client;
  supervisorToken: string;
  agentId: string;
  /** A second agent of the same tenant, with no user. */
  otherAgentId: string;
  queueId: string;
  otherQueueId: string;
  dispositionCodeId: string;
  noteCodeId: string;
  sip: { username: string; realm: string };
}

async function signIn(w: World, tenantId: string, email: string, password: string): Promise<string> {
  const r = await w.admin.as(null).post('/v1/sessions', { tenantId, email, password });
  if (r.status !== 201) throw new Error(`sign-in ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** A tenant with an agent user, a supervisor user, two agents, two queues and disposition codes. */
export async function deskTenant(w: World, tenantId: string): Promise<DeskTenant> {
  const admin = await w.tenant(tenantId);
  const basics = await provisionBasics(admin, `-${tenantId}`);
  const must = async (path: string, body: unknown) => {
    const r = await admin.post(path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { _id: string } & Record<string, any>;
  };
  const otherQueue = await must('/v1/queues', {
    name: `Other-${tenantId}`,
    targets: [{ afterSeconds: 0, requirements: [{ skillId: basics.skill._id, minProficiency: 1 }] }],
  });
  const other = await must('/v1/agents', {
    displayName: `Other ${tenantId}`,
    siteId: basics.site._id,
    queueIds: [otherQueue._id],
    extension: '208',
    sip: { username: `other-${tenantId}`, password: 'another long sip password' },
  });
  const code = await must('/v1/disposition-codes', { code: 'resolved', label: 'Resolved' });
  const noteCode = await must('/v1/disposition-codes', {
    code: 'escalated',
    label: 'Escalated',
    requiresNote: true,
  });
  const password = 'desk user password';
  await must('/v1/users', {
    email: `agent@${tenantId}.example`,
    displayName: 'Agent',
    roles: ['agent'],
    password,
    agentId: basics.agent._id,
  });
  await must('/v1/users', {
    email: `sup@${tenantId}.example`,
    displayName: 'Supervisor',
    roles: ['supervisor'],
    password,
  });
  const agentToken = await signIn(w, tenantId, `agent@${tenantId}.example`, password);
  const supervisorToken = await signIn(w, tenantId, `sup@${tenantId}.example`, password);
  return {
    tenantId,
    admin,
    agent: admin.as(agentToken),
    agentToken,
    supervisor: admin.as(supervisorToken),
    supervisorToken,
    agentId: basics.agent._id,
    otherAgentId: other._id,
    queueId: basics.queue._id,
    otherQueueId: otherQueue._id,
    dispositionCodeId: code._id,
    noteCodeId: noteCode._id,
    sip: basics.agent.sip,
  };
}

/** Publishes one event as the services would. */
export async function publish<T extends EventType>(
  t: TestApi,
  type: T,
  tenantId: string,
  data: EventData<T>,
): Promise<void> {
  await publishEvents(t.bus, [makeEvent({ type, tenantId, source: 'test', data }) as HotlineEvent]);
}

/** Everything published on `topics` from now on. */
export async function collect(t: TestApi, topics: string[]) {
  const events: HotlineEvent[] = [];
  const sub = await consumeEvents({
    bus: t.bus,
    group: `test-${Math.random().toString(36).slice(2)}`,
    topics,
    handle: async (e) => {
      events.push(e);
    },
  });
  return {
    events,
    async next<T extends EventType>(
      type: T,
      match: (d: EventData<T>) => boolean = () => true,
    ): Promise<HotlineEvent<T>> {
      return waitFor(
        () =>
          events.find((e) => e.type === type && match(e.data as EventData<T>)) as HotlineEvent<T> | undefined,
      );
    },
    close: () => sub.close(),
  };
}

/** Waits until the desk of this API process has seen a call event (its broadcast consumer). */
export async function tracked(t: TestApi, tenantId: string, callId: string, agentId?: string) {
  await waitFor(() => {
    const call = t.api.desk.tracker.call(tenantId, callId);
    if (!call) return undefined;
    return agentId === undefined || call.agents.has(agentId) ? true : undefined;
  });
}
