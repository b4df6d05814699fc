// What must hold in the ACD's live state whatever happened, checked by the property tests: no
// agent double-booked (beyond the calls the edge put them on directly: transfers, conferences),
// every agent with an interaction on a live call that names them, no call served twice, no call
// lost, indexes in step with the records.

import { isRoutable } from '../src/domain/agent-state-machine';
import type { AgentRecord, CallRecord } from '../src/domain/records';
import { keys } from '../src/adapters/live-keys';
import { type Harness, T } from './harness';

export async function snapshot(h: Harness, agentIds: string[], callIds: string[]) {
  const agents = (await h.store.readAgents(T, agentIds)).filter((a): a is AgentRecord => a !== null);
  const calls = (await h.store.readCalls(T, callIds)).filter((c): c is CallRecord => c !== null);
  return { agents, calls };
}

export async function checkInvariants(
  h: Harness,
  agentIds: string[],
  callIds: string[],
  queueIds: string[],
): Promise<void> {
  const { agents, calls } = await snapshot(h, agentIds, callIds);
  const problems: string[] = [];
  const byAgent = new Map<string, string[]>();
  const claim = (agentId: string, callId: string) =>
    byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), callId]);
  for (const call of calls) {
    const { callId } = call.spec;
    if (call.state === 'reserved' || call.state === 'connected') {
      if (!call.agentId) problems.push(`${callId} is ${call.state} without an agent`);
      // An agent whose part ended (transferred away) may stay named until the call ends.
      else if (!(call.gone ?? []).includes(call.agentId)) claim(call.agentId, callId);
      for (const other of call.others ?? []) claim(other, callId);
    }
    if (call.state !== 'connected' && (call.others || call.gone))
      problems.push(`${callId} is ${call.state} with agents joined or gone`);
    if (call.agentId && (call.others ?? []).includes(call.agentId))
      problems.push(`${callId} names ${call.agentId} twice`);
  }
  for (const agent of agents) {
    const held = Object.keys(agent.status.interactions).sort();
    const capacity = agent.status.capacity.voice ?? 0;
    const offered = held.filter((c) => !h.direct.has(`${agent.agentId}|${c}`));
    if (offered.length > capacity) problems.push(`${agent.agentId} is double-booked: ${held.join(', ')}`);
    const claimed = (byAgent.get(agent.agentId) ?? []).sort();
    if (held.join() !== claimed.join()) {
      problems.push(`${agent.agentId} holds [${held}] but calls name it for [${claimed}]`);
    }
    if (held.length > 0 && !['reserved', 'ringing', 'on-call', 'on-hold'].includes(agent.status.state)) {
      problems.push(`${agent.agentId} holds calls while ${agent.status.state}`);
    }
    for (const q of agent.queues) {
      const indexed = (await h.live.zscore(keys.ready(T, q.queueId), agent.agentId)) !== null;
      if (indexed !== isRoutable(agent.status, q.channel)) {
        problems.push(
          `${agent.agentId} is ${indexed ? '' : 'not '}in the ready index of ${q.queueId} while ${agent.status.state}`,
        );
      }
    }
  }
  for (const agentId of byAgent.keys()) {
    if (!agents.some((a) => a.agentId === agentId)) problems.push(`calls name ${agentId}, who has no record`);
  }
  for (const call of calls) {
    for (const queueId of queueIds) {
      const inSet = (await h.live.zscore(keys.waiting(T, queueId), call.spec.callId)) !== null;
      const shouldBe = call.state === 'waiting' && call.spec.queueId === queueId;
      if (inSet !== shouldBe)
        problems.push(
          `${call.spec.callId} (${call.state} in ${call.spec.queueId}) ${inSet ? 'is' : 'is not'} waiting in ${queueId}`,
        );
    }
  }
  const answeredPerCall = new Map<string, number>();
  for (const e of h.sink.ofType('queue.left')) {
    if (e.reason === 'reserved') answeredPerCall.set(e.callId, (answeredPerCall.get(e.callId) ?? 0) + 1);
  }
  // Each stay in a queue is served at most once; a connected call that joins again (a transfer to
  // a queue) starts a new stay.
  for (const [callId, n] of answeredPerCall) {
    const stays = h.joins.get(callId) ?? 1;
    if (n > stays) problems.push(`${callId} was served ${n} times in ${stays} queue stay(s)`);
  }
  if (problems.length > 0) throw new Error(`invariants broken:\n${problems.join('\n')}`);
}

/** Every call that joined is accounted for: still held by the ACD, or refused or sent out with an event. */
export async function checkNoCallLost(h: Harness, joined: Set<string>): Promise<void> {
  const calls = await h.store.readCalls(T, [...joined]);
  const sentOut = new Set([
    ...h.sink.ofType('queue.rejected').map((e) => e.callId),
    ...h.sink
      .ofType('queue.left')
      .filter((e) => e.reason !== 'reserved')
      .map((e) => e.callId),
    ...h.sink.ofType('callback.ended').map((e) => e.callId),
  ]);
  const lost = [...joined].filter((callId, i) => !calls[i] && !sentOut.has(callId));
  if (lost.length > 0) throw new Error(`calls lost: ${lost.join(', ')}`);
}
