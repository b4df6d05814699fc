// Agents who take a connected call without a reservation (F-ACD-4): a transfer's target (blind or
// consultative), a conference member, a supervisor taking over. The SIP edge reports them with
// call.bridged (or call.answered, answeredBy agent) naming the agent, and a transfer with
// call.transferred naming the agent it leaves and its target. The two kinds of events travel
// with no order between them, and either may be redelivered; every order ends in the same state:
//
//   call.bridged X     X not on the call -> X joins (agent-state-machine `joined`: busy until the
//                      call ends for them) as one of the call's `others`, or as its agent if the
//                      call's agent already left it
//   call.transferred   from F to target T -> F's part ends (wrap-up for the queue's time) and F is
//                      remembered in `gone`, so a late event naming F does not bring F back; an
//                      agent T joins if not on the call yet, and becomes the call's agent if F was
//                      (or the call's agent had already left): holds and the call's end go to T
//   call.ended         every agent on the call is freed (Acd.ended)
//
// Each step commits the call record and the agents it changes in one version-checked write.
// Agents who are not logged in are not tracked: they are left out, not recorded.

import type { EventData } from '@hotline/contracts';
import { type TransitionResult, interactionEnded, isRoutable, joined } from '../domain/agent-state-machine';
import type { AcdStore, ConfigSource } from '../domain/ports';
import type { AgentRecord, CallRecord } from '../domain/records';
import { Conflict, retrying } from './conflict';
import { queueOf } from './store-changes';
import { type EventSink, Outbox } from './event-sink';
import { addTransitions } from './outgoing';

/** What the transfers need of the ACD. */
export interface TransferHost {
  store: AcdStore;
  config: ConfigSource;
  events: EventSink;
  now: () => number;
  agentItem(tenantId: string, agentId: string): string;
  routeAgent(tenantId: string, agentId: string, known?: AgentRecord, traceparent?: string): Promise<boolean>;
}

const without = (list: readonly string[] | undefined, ...ids: (string | undefined)[]) =>
  (list ?? []).filter((a) => !ids.includes(a));

/** The call's agent left it (transferred away, to a queue or outside): it is nobody's. */
const ownerGone = (call: CallRecord) => !call.agentId || (call.gone ?? []).includes(call.agentId);

/** Whether the agent is on the call: its agent (unless gone) or one of the others. */
export function isOnCall(call: CallRecord, agentId: string): boolean {
  return (call.agentId === agentId && !ownerGone(call)) || (call.others ?? []).includes(agentId);
}

/** Every agent the call may hold an interaction of: its agent and the others. */
export function agentsOf(call: CallRecord): string[] {
  const ids = call.agentId ? [call.agentId] : [];
  for (const a of call.others ?? []) if (!ids.includes(a)) ids.push(a);
  return ids;
}

function withLists(call: CallRecord, agentId: string | undefined, others: string[], gone: string[]) {
  const after: Omit<CallRecord, 'version'> = { ...call };
  if (agentId) after.agentId = agentId;
  if (others.length > 0) after.others = others;
  else delete after.others;
  if (gone.length > 0) after.gone = gone;
  else delete after.gone;
  return after;
}

interface AgentChange {
  agent: AgentRecord;
  result: TransitionResult;
}

export class Transfers {
  constructor(private readonly host: TransferHost) {}

  /** call.bridged / call.answered naming an agent of a connected call the call was not reserved for. */
  async bridged(tenantId: string, callId: string, agentId: string, traceparent?: string): Promise<void> {
    const { store } = this.host;
    await retrying(async () => {
      const [agent, call] = await store.readAgentAndCall(tenantId, agentId, callId);
      // Already on it (a redelivery, the reserved agent's own bridge), or a late event for an agent
      // whose part has ended.
      if (!call || call.state !== 'connected' || isOnCall(call, agentId)) return;
      if ((call.gone ?? []).includes(agentId)) return;
      const result = agent ? joined(agent.status, callId, call.channel, this.host.now()) : null;
      if (!agent || !result) return;
      const after = ownerGone(call)
        ? withLists(call, agentId, without(call.others, agentId), without(call.gone, agentId))
        : withLists(call, call.agentId, [...without(call.others, agentId), agentId], call.gone ?? []);
      await this.commit(tenantId, call, after, [{ agent, result }], traceparent);
    });
  }

  /** call.transferred (blind or consultative) away from an agent. */
  async transferred(
    tenantId: string,
    data: EventData<'call.transferred'>,
    traceparent?: string,
  ): Promise<void> {
    const { store, config } = this.host;
    const from = data.fromAgentId;
    if (!from) return;
    const { callId } = data;
    const target =
      data.target.type === 'agent' && data.target.agentId !== from ? data.target.agentId : undefined;
    let freed: AgentRecord | undefined;
    await retrying(async () => {
      freed = undefined;
      const [call] = await store.readCalls(tenantId, [callId]);
      // A redelivered transfer: the agent it took the call from is already gone.
      if (!call || call.state !== 'connected' || (call.gone ?? []).includes(from)) return;
      const fromOn = isOnCall(call, from);
      const targetOn = target !== undefined && isOnCall(call, target);
      const ids = [...(fromOn ? [from] : []), ...(target && !targetOn ? [target] : [])];
      const agents = await store.readAgents(tenantId, ids);
      const [fromAgent, targetAgent] = fromOn ? agents : [null, agents[0]];
      const now = this.host.now();
      const changes: AgentChange[] = [];
      if (fromAgent && Object.hasOwn(fromAgent.status.interactions, callId)) {
        const queue = await queueOf(config, tenantId, call.spec.queueId);
        changes.push({
          agent: fromAgent,
          result: interactionEnded(fromAgent.status, callId, true, queue.wrapUpMs, now),
        });
      }
      const joinResult = targetAgent ? joined(targetAgent.status, callId, call.channel, now) : null;
      if (targetAgent && joinResult) changes.push({ agent: targetAgent, result: joinResult });
      const targetTracked = targetOn || joinResult !== null;
      if (!fromOn && !targetTracked) return;
      let agentId = call.agentId;
      const others = without(call.others, from, target);
      const gone = without(call.gone, target);
      if (fromOn) gone.push(from);
      if (target && targetTracked && target !== agentId) {
        // The target takes the call over from the agent it had (or the nobody it was left with).
        if (from === call.agentId || ownerGone(call)) agentId = target;
        else others.push(target);
      }
      await this.commit(tenantId, call, withLists(call, agentId, others, gone), changes, traceparent);
      const fromChange = changes.find((c) => c.agent.agentId === from);
      if (fromChange)
        freed = {
          ...fromChange.agent,
          status: fromChange.result.status,
          version: String(Number(fromChange.agent.version) + 1),
        };
    });
    if (freed && freed.queues.some((q) => isRoutable(freed!.status, q.channel)))
      await this.host.routeAgent(tenantId, freed.agentId, freed, traceparent);
  }

  private async commit(
    tenantId: string,
    call: CallRecord,
    after: Omit<CallRecord, 'version'>,
    changes: AgentChange[],
    traceparent?: string,
  ): Promise<void> {
    const { store } = this.host;
    const ok = await store.commit(tenantId, {
      agents: changes.map(({ agent, result }) => ({
        before: agent,
        after: { ...agent, status: result.status },
      })),
      calls: [{ before: call, after }],
    });
    if (!ok) throw new Conflict();
    const out = new Outbox(tenantId, this.host.now(), traceparent ?? call.spec.traceparent);
    for (const { agent, result } of changes) addTransitions(out, agent.agentId, result);
    await this.host.events.publish(out.events);
    for (const { agent, result } of changes) {
      if (result.status.state === 'wrap-up' && result.status.wrapUpUntil !== undefined)
        await store.schedule(this.host.agentItem(tenantId, agent.agentId), result.status.wrapUpUntil, 'set');
    }
  }
}
