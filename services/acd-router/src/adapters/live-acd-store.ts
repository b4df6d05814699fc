// The AcdStore on live state: reads batch several keys per round trip, every change is one atomic
// script (the reservation, or a version-checked commit that also keeps the ready and waiting
// indexes in step with the records).

import type { LiveState } from '@hotline/live-state';
import { isRoutable } from '../domain/agent-state-machine';
import type { AgentRecord, CallRecord, QueueChannel } from '../domain/records';
import { queueListText } from '../domain/records';
import type {
  AcdStore,
  Change,
  EnqueueOutcome,
  QueueCounts,
  ReadyWindow,
  ReserveOutcome,
  ScheduleMode,
  WaitingHead,
} from '../domain/ports';
import { decodeAgent, decodeCall, encodeAgent, encodeCall } from './record-codec';
import { dueKey, keys } from './live-keys';
import {
  type CommitPlan,
  claimDueScript,
  commitScript,
  emptyPlan,
  enqueueScript,
  peekWaitingScript,
  queueCountsScript,
  readHashesScript,
  readyWindowScript,
  reserveScript,
  scheduleScript,
  unscheduleIfScript,
} from './scripts';

/** How long an ended call's tombstone keeps redelivered events from bringing it back. */
export const tombstoneMs = 10 * 60_000;

export function createLiveAcdStore(live: LiveState): AcdStore {
  return new LiveAcdStore(live);
}

class PlanBuilder {
  readonly keys: string[] = [];
  readonly plan: CommitPlan = emptyPlan();
  private readonly index = new Map<string, number>();
  key(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      this.keys.push(name);
      i = this.keys.length;
      this.index.set(name, i);
    }
    return i;
  }
}

/**
 * Writes a record's fields: only the changed ones when the stored fields were read (the version
 * check guarantees they are still what is there), the whole hash otherwise.
 */
function writeHash(
  plan: CommitPlan,
  key: number,
  stored: Readonly<Record<string, string>> | undefined,
  fields: Record<string, string>,
): void {
  if (!stored) {
    plan.del.push(key);
    plan.hset.push([key, fields]);
    return;
  }
  const changed: Record<string, string> = {};
  for (const [field, value] of Object.entries(fields)) if (stored[field] !== value) changed[field] = value;
  const removed = Object.keys(stored).filter((field) => !(field in fields));
  plan.hset.push([key, changed]);
  if (removed.length > 0) plan.hdel.push([key, removed]);
}

const nextVersion = (before: { version: string } | null) => String(before ? Number(before.version) + 1 : 1);

class LiveAcdStore implements AcdStore {
  constructor(private readonly live: LiveState) {}

  async readAgents(tenantId: string, agentIds: string[]): Promise<(AgentRecord | null)[]> {
    if (agentIds.length === 0) return [];
    const hashes = await this.live.run(
      readHashesScript,
      agentIds.map((a) => keys.agent(tenantId, a)),
    );
    return hashes.map((h, i) => decodeAgent(tenantId, agentIds[i] as string, h));
  }

  async readCalls(tenantId: string, callIds: string[]): Promise<(CallRecord | null)[]> {
    if (callIds.length === 0) return [];
    const hashes = await this.live.run(
      readHashesScript,
      callIds.map((c) => keys.call(tenantId, c)),
    );
    return hashes.map((h, i) => decodeCall(tenantId, callIds[i] as string, h));
  }

  async readAgentAndCall(
    tenantId: string,
    agentId: string,
    callId: string,
  ): Promise<[AgentRecord | null, CallRecord | null]> {
    const [a = {}, c = {}] = await this.live.run(readHashesScript, [
      keys.agent(tenantId, agentId),
      keys.call(tenantId, callId),
    ]);
    return [decodeAgent(tenantId, agentId, a), decodeCall(tenantId, callId, c)];
  }

  enqueue(call: Omit<CallRecord, 'version'>, maxSize?: number): Promise<EnqueueOutcome> {
    const { tenantId, callId, queueId } = call.spec;
    const fields = encodeCall(call, '1');
    delete fields.v;
    return this.live.run(
      enqueueScript,
      [keys.call(tenantId, callId), keys.waiting(tenantId, queueId)],
      [callId, call.score, JSON.stringify(fields), maxSize ?? ''],
    );
  }

  reserve(
    call: CallRecord,
    agent: { agentId: string; queues: QueueChannel[] },
    reservationId: string,
    now: number,
    offeredState: 'reserved' | 'ringing' = 'reserved',
  ): Promise<ReserveOutcome> {
    const { tenantId, callId, queueId } = call.spec;
    return this.live.run(
      reserveScript,
      [
        keys.call(tenantId, callId),
        keys.agent(tenantId, agent.agentId),
        keys.waiting(tenantId, queueId),
        keys.offered(tenantId, queueId),
        keys.stats(tenantId, queueId),
        ...agent.queues.map((q) => keys.ready(tenantId, q.queueId)),
      ],
      [
        callId,
        agent.agentId,
        reservationId,
        now,
        queueId,
        queueListText(agent.queues),
        call.channel,
        offeredState,
        agent.queues.length,
        ...agent.queues.map((q) => q.channel),
      ],
    );
  }

  async commit(tenantId: string, change: Change): Promise<boolean> {
    const b = new PlanBuilder();
    for (const { before, after } of change.agents ?? []) {
      const agentKey = b.key(keys.agent(tenantId, after.status.agentId));
      b.plan.check.push([agentKey, before?.version ?? '']);
      writeHash(b.plan, agentKey, before?.stored, encodeAgent(after, nextVersion(before)));
      const loggedIn = after.status.state !== 'logged-out';
      const agentId = after.status.agentId;
      // The version check makes `before` what is stored, and the indexes agree with it, so only
      // what changed is written; a login (or a record read without its fields) rewrites them all.
      const known = before?.stored !== undefined && before.status.state !== 'logged-out';
      const was = new Map((known ? (before?.queues ?? []) : []).map((q) => [q.queueId, q.channel]));
      const now = new Map(after.queues.map((q) => [q.queueId, q.channel]));
      const seen = new Set<string>();
      for (const q of [...(before?.queues ?? []), ...after.queues]) {
        if (seen.has(q.queueId)) continue;
        seen.add(q.queueId);
        const channel = now.get(q.queueId);
        const oldChannel = was.get(q.queueId);
        const wasReady =
          known && oldChannel !== undefined && isRoutable((before as AgentRecord).status, oldChannel);
        const isReady = channel !== undefined && isRoutable(after.status, channel);
        const ready = () => b.key(keys.ready(tenantId, q.queueId));
        if (isReady && (!wasReady || (before as AgentRecord).status.idleSince !== after.status.idleSince)) {
          b.plan.zadd.push([ready(), String(after.status.idleSince), agentId]);
        } else if (!isReady && (wasReady || !known)) {
          b.plan.zrem.push([ready(), agentId]);
        }
        const wasMember = known && oldChannel !== undefined;
        const isMember = channel !== undefined && loggedIn;
        if (isMember && !wasMember) b.plan.sadd.push([b.key(keys.members(tenantId, q.queueId)), agentId]);
        else if (!isMember && (wasMember || !known))
          b.plan.srem.push([b.key(keys.members(tenantId, q.queueId)), agentId]);
      }
      if (!known || before?.status.handled !== after.status.handled || !loggedIn) {
        const handled = b.key(keys.handled(tenantId));
        if (loggedIn) b.plan.zadd.push([handled, String(after.status.handled), agentId]);
        else b.plan.zrem.push([handled, agentId]);
      }
    }
    for (const { before, after } of change.calls ?? []) {
      const callId = before?.spec.callId ?? (after === 'ended' ? '' : after.spec.callId);
      const callKey = b.key(keys.call(tenantId, callId));
      b.plan.check.push([callKey, before?.version ?? '']);
      if (before) b.plan.zrem.push([b.key(keys.waiting(tenantId, before.spec.queueId)), callId]);
      if (after === 'ended') {
        b.plan.del.push(callKey);
        b.plan.hset.push([callKey, { v: nextVersion(before), state: 'ended' }]);
        b.plan.expire.push([callKey, String(tombstoneMs)]);
        continue;
      }
      const { stored: _stored, ...fresh } = after;
      writeHash(b.plan, callKey, before?.stored, encodeCall(fresh, nextVersion(before)));
      const waiting = b.key(keys.waiting(tenantId, after.spec.queueId));
      if (after.state === 'waiting') {
        // ZADD runs after ZREM in the script, so a call that stays in its queue keeps its place.
        b.plan.zadd.push([waiting, String(after.score), callId]);
      } else {
        b.plan.zrem.push([waiting, callId]);
      }
    }
    return this.live.run(commitScript, b.keys, [JSON.stringify(b.plan)]);
  }

  readyWindow(tenantId: string, queueId: string, offset: number, count: number): Promise<ReadyWindow> {
    return this.live.run(
      readyWindowScript,
      [keys.ready(tenantId, queueId), keys.offered(tenantId, queueId), keys.handled(tenantId)],
      [offset, count],
    );
  }

  async peekWaiting(tenantId: string, queueIds: string[], count: number): Promise<WaitingHead[]> {
    if (queueIds.length === 0) return [];
    const heads = await this.live.run(
      peekWaitingScript,
      queueIds.map((q) => keys.waiting(tenantId, q)),
      [count],
    );
    return heads.map((h) => ({ queueId: queueIds[h.queue] as string, callId: h.callId, score: h.score }));
  }

  queueCounts(tenantId: string, queueId: string, callId?: string): Promise<QueueCounts> {
    return this.live.run(
      queueCountsScript,
      [
        keys.waiting(tenantId, queueId),
        keys.members(tenantId, queueId),
        keys.ready(tenantId, queueId),
        keys.stats(tenantId, queueId),
      ],
      [callId ?? ''],
    );
  }

  async schedule(item: string, at: number, mode: ScheduleMode): Promise<void> {
    await this.live.run(scheduleScript, [dueKey], [item, Math.round(at), mode]);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<{ item: string; lease: number }[]> {
    const items = await this.live.run(claimDueScript, [dueKey], [Math.round(now), leaseMs, limit]);
    return items.map((item) => ({ item, lease: Math.round(now) + leaseMs }));
  }

  async unscheduleIf(item: string, score: number): Promise<void> {
    await this.live.run(unscheduleIfScript, [dueKey], [item, score]);
  }

  async unschedule(item: string): Promise<void> {
    await this.live.zrem(dueKey, item);
  }

  lastAgent(tenantId: string, callerKey: string): Promise<string | null> {
    return this.live.get(keys.caller(tenantId, callerKey));
  }

  callerKeyOf(tenantId: string, callId: string): Promise<string | null> {
    return this.live.get(keys.callerOf(tenantId, callId));
  }

  async noteCallerKey(tenantId: string, callId: string, callerKey: string, ttlMs: number): Promise<void> {
    await this.live.set(keys.callerOf(tenantId, callId), callerKey, { ttlMs });
  }

  async rememberAgent(tenantId: string, callerKey: string, agentId: string, ttlMs: number): Promise<void> {
    await this.live.set(keys.caller(tenantId, callerKey), agentId, { ttlMs });
  }
}
