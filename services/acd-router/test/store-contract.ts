// The behaviour the ACD's live-state store must have on both adapters: the same scripts run as
// Lua on Redis and as their JavaScript twins in memory, and must agree. Unit tests run it on
// the memory adapter, the integration suite on a real Redis.

import type { LiveState } from '@hotline/live-state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveAcdStore } from '../src/adapters/live-acd-store';
import { keys } from '../src/adapters/live-keys';
import { applyCommand, loggedOut } from '../src/domain/agent-state-machine';
import type { AcdStore } from '../src/domain/ports';
import type { AgentRecord, CallRecord, QueueChannel } from '../src/domain/records';
import { waitingScore } from '../src/domain/queue-order';
import type { AgentProfile } from '../src/domain/types';

const T = 'tenant-a';
const now = Date.UTC(2025, 5, 1, 9);
const rules = { reasonCodes: [], maxWrapUpExtensionMs: 0 };

function profile(
  agentId: string,
  queueIds: string[],
  capacity: Record<string, number> = { voice: 1 },
): AgentProfile {
  return {
    tenantId: T,
    agentId,
    skills: { es: 3 },
    attributes: { site: 'fra' },
    queueIds,
    capacity,
    active: true,
  };
}

async function login(
  store: AcdStore,
  agentId: string,
  queues: QueueChannel[],
  idleSince = now,
  capacity?: Record<string, number>,
) {
  const p = profile(
    agentId,
    queues.map((q) => q.queueId),
    capacity,
  );
  const status = applyCommand(
    loggedOut(agentId, p.capacity, idleSince),
    { kind: 'login', ready: true },
    'agent',
    rules,
    idleSince,
  ).status;
  expect(await store.commit(T, { agents: [{ before: null, after: { status, profile: p, queues } }] })).toBe(
    true,
  );
  return (await store.readAgents(T, [agentId]))[0] as AgentRecord;
}

function newCall(
  callId: string,
  queueId: string,
  enqueuedAt = now,
  priority = 0,
): Omit<CallRecord, 'version'> {
  return {
    spec: {
      tenantId: T,
      callId,
      queueId,
      priority,
      requiredSkills: [{ skill: 'es', minLevel: 2 }],
      attached: { tier: 'gold' },
      enqueuedAt,
      queueJoinedAt: enqueuedAt,
    },
    state: 'waiting',
    score: waitingScore(priority, 5, enqueuedAt),
    channel: 'voice',
    excluded: [],
  };
}

const voice = (...queueIds: string[]): QueueChannel[] =>
  queueIds.map((queueId) => ({ queueId, channel: 'voice' }));

export function describeStoreContract(name: string, open: () => Promise<LiveState>): void {
  describe(`ACD live store: ${name}`, () => {
    let live: LiveState;
    let store: AcdStore;
    beforeEach(async () => {
      live = await open();
      store = createLiveAcdStore(live);
    });
    afterEach(async () => {
      await live.close();
    });

    it('a logged-in ready agent is indexed as ready in each of its queues, by idle time', async () => {
      await login(store, 'a1', voice('q1', 'q2'), now - 500);
      await login(store, 'a2', voice('q1'), now - 900);
      const window = await store.readyWindow(T, 'q1', 0, 10);
      expect(window).toEqual({
        total: 2,
        agents: [
          { agentId: 'a2', idleSince: now - 900, lastOffered: 0, handled: 0 },
          { agentId: 'a1', idleSince: now - 500, lastOffered: 0, handled: 0 },
        ],
      });
      expect((await store.readyWindow(T, 'q2', 0, 10)).total).toBe(1);
      expect(await store.queueCounts(T, 'q1')).toEqual({
        waiting: 0,
        agentsLoggedIn: 2,
        agentsReady: 2,
        position: 0,
      });
    });

    it('enqueue reports the position, keeps priority order and refuses a full queue', async () => {
      expect(await store.enqueue(newCall('c1', 'q1', now))).toEqual({ result: 'ok', position: 1 });
      expect(await store.enqueue(newCall('c2', 'q1', now + 1))).toEqual({ result: 'ok', position: 2 });
      expect(await store.enqueue(newCall('c3', 'q1', now + 2, 50), 3)).toEqual({ result: 'ok', position: 1 });
      expect(await store.enqueue(newCall('c4', 'q1', now + 3), 3)).toEqual({ result: 'full' });
      expect(await store.enqueue(newCall('c1', 'q1', now))).toEqual({
        result: 'exists',
        state: 'waiting',
        queueId: 'q1',
      });
      const heads = await store.peekWaiting(T, ['q1'], 2);
      expect(heads.map((h) => h.callId)).toEqual(['c3', 'c1']);
      expect((await store.queueCounts(T, 'q1', 'c2')).position).toBe(3);
    });

    it('the stored call reads back as it was written', async () => {
      await store.enqueue(newCall('c1', 'q1'));
      const [call] = await store.readCalls(T, ['c1']);
      const { stored, ...record } = call as CallRecord;
      expect(record).toEqual({ ...newCall('c1', 'q1'), version: '1' });
      expect(stored).toMatchObject({ v: '1', state: 'waiting', q: 'q1' });
    });

    it('a callback entry reads back with its callback part, and a change to it is written', async () => {
      const entry = newCall('cb1.call', 'q1');
      entry.spec.callback = {
        callbackId: 'cb1',
        number: '+4930123456',
        callerId: '+4930999',
        originCallId: 'c0',
        attempt: 1,
        dialled: false,
      };
      await store.enqueue(entry);
      const [call] = await store.readCalls(T, ['cb1.call']);
      const { stored: _stored, ...record } = call as CallRecord;
      expect(record).toEqual({ ...entry, version: '1' });
      const callback = { ...entry.spec.callback, attempt: 2, notBefore: now + 60_000 };
      delete callback.callerId;
      const after = { ...(call as CallRecord), spec: { ...entry.spec, callback } };
      expect(await store.commit(T, { calls: [{ before: call as CallRecord, after }] })).toBe(true);
      const [read] = await store.readCalls(T, ['cb1.call']);
      expect(read?.spec.callback).toEqual(callback);
      expect(read?.version).toBe('2');
    });

    it('reserve marks call and agent in one step and takes the agent out of every ready index', async () => {
      const agent = await login(store, 'a1', voice('q1', 'q2'));
      await store.enqueue(newCall('c1', 'q1'));
      const [call] = await store.readCalls(T, ['c1']);
      expect(await store.reserve(call as CallRecord, agent, 'r1', now + 10)).toEqual({
        result: 'ok',
        from: 'ready',
        to: 'reserved',
      });
      const [a, c] = await store.readAgentAndCall(T, 'a1', 'c1');
      expect(a?.status).toMatchObject({ state: 'reserved', since: now + 10, interactions: { c1: 'voice' } });
      expect(c).toMatchObject({
        state: 'reserved',
        agentId: 'a1',
        reservationId: 'r1',
        reservedAt: now + 10,
      });
      expect((await store.readyWindow(T, 'q1', 0, 10)).total).toBe(0);
      expect((await store.readyWindow(T, 'q2', 0, 10)).total).toBe(0);
      expect((await store.queueCounts(T, 'q1')).waiting).toBe(0);
      expect((await store.readyWindow(T, 'q1', 0, 10)).agents).toEqual([]);
      expect(await live.zscore(keys.offered(T, 'q1'), 'a1')).toBe(now + 10);
    });

    it('of many concurrent reservations for one agent, exactly one wins', async () => {
      const agent = await login(store, 'a1', voice('q1'));
      const calls: CallRecord[] = [];
      for (let i = 0; i < 20; i++) {
        await store.enqueue(newCall(`c${i}`, 'q1', now + i));
        calls.push((await store.readCalls(T, [`c${i}`]))[0] as CallRecord);
      }
      const results = await Promise.all(calls.map((c, i) => store.reserve(c, agent, `r${i}`, now + 100)));
      expect(results.filter((r) => r.result === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r.result === 'agent-busy')).toHaveLength(19);
    });

    it('of many concurrent reservations of one call, exactly one wins', async () => {
      const agents: AgentRecord[] = [];
      for (let i = 0; i < 20; i++) agents.push(await login(store, `a${i}`, voice('q1')));
      await store.enqueue(newCall('c1', 'q1'));
      const [call] = await store.readCalls(T, ['c1']);
      const results = await Promise.all(
        agents.map((a, i) => store.reserve(call as CallRecord, a, `r${i}`, now)),
      );
      expect(results.filter((r) => r.result === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r.result === 'call-taken')).toHaveLength(19);
      expect((await store.readyWindow(T, 'q1', 0, 100)).total).toBe(19);
    });

    it('reserve refuses an excluded agent, a stale queue list, a moved or ended call', async () => {
      const agent = await login(store, 'a1', voice('q1'));
      await store.enqueue({ ...newCall('c1', 'q1'), excluded: ['a1'] });
      const [call] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(await store.reserve(call as CallRecord, agent, 'r1', now)).toEqual({ result: 'excluded' });
      await store.enqueue(newCall('c2', 'q1'));
      const [c2] = (await store.readCalls(T, ['c2'])) as CallRecord[];
      expect(
        await store.reserve(c2 as CallRecord, { agentId: 'a1', queues: voice('q1', 'q9') }, 'r2', now),
      ).toEqual({ result: 'stale-agent' });
      expect(
        await store.reserve(
          { ...(c2 as CallRecord), spec: { ...(c2 as CallRecord).spec, queueId: 'q2' } },
          agent,
          'r3',
          now,
        ),
      ).toEqual({
        result: 'call-moved',
      });
      expect(await store.commit(T, { calls: [{ before: c2 as CallRecord, after: 'ended' }] })).toBe(true);
      expect(await store.reserve(c2 as CallRecord, agent, 'r4', now)).toEqual({ result: 'call-gone' });
      expect(
        await store.reserve(newCall('zz', 'q1') as CallRecord, { agentId: 'nobody', queues: [] }, 'r5', now),
      ).toEqual({ result: 'call-gone' });
    });

    it('an agent with chat capacity 2 takes two chats and stays indexed until full', async () => {
      const agent = await login(store, 'a1', [{ queueId: 'chatq', channel: 'chat' }], now, {
        voice: 1,
        chat: 2,
      });
      for (const id of ['x1', 'x2', 'x3']) await store.enqueue({ ...newCall(id, 'chatq'), channel: 'chat' });
      const calls = (await store.readCalls(T, ['x1', 'x2', 'x3'])) as CallRecord[];
      expect(await store.reserve(calls[0] as CallRecord, agent, 'r1', now)).toEqual({
        result: 'ok',
        from: 'ready',
        to: 'reserved',
      });
      expect((await store.readyWindow(T, 'chatq', 0, 10)).total).toBe(1);
      expect(await store.reserve(calls[1] as CallRecord, agent, 'r2', now)).toEqual({
        result: 'ok',
        from: 'reserved',
        to: 'reserved',
      });
      expect((await store.readyWindow(T, 'chatq', 0, 10)).total).toBe(0);
      expect(await store.reserve(calls[2] as CallRecord, agent, 'r3', now)).toEqual({ result: 'agent-busy' });
      const [a] = await store.readAgents(T, ['a1']);
      expect(a?.status.interactions).toEqual({ x1: 'chat', x2: 'chat' });
    });

    it('commit writes only when every record is still at the version it was read at', async () => {
      const agent = await login(store, 'a1', voice('q1'));
      const notReady = applyCommand(
        agent.status,
        { kind: 'not-ready', reason: 'lunch' },
        'agent',
        rules,
        now + 5,
      ).status;
      const write = {
        before: agent,
        after: { status: notReady, profile: agent.profile, queues: agent.queues },
      };
      expect(await store.commit(T, { agents: [write] })).toBe(true);
      expect(await store.commit(T, { agents: [write] })).toBe(false);
      const [again] = await store.readAgents(T, ['a1']);
      expect(again?.status).toMatchObject({ state: 'not-ready', reason: 'lunch' });
      expect(again?.version).toBe('2');
      expect((await store.readyWindow(T, 'q1', 0, 10)).total).toBe(0);
    });

    it("a connected call's other agents and departed agents are written, read back and removed", async () => {
      const agent = await login(store, 'a1', voice('q1'));
      await store.enqueue(newCall('c1', 'q1'));
      const [waiting] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(await store.reserve(waiting as CallRecord, agent, 'r1', now + 10)).toMatchObject({
        result: 'ok',
      });
      const [reserved] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      const connected = { ...(reserved as CallRecord), state: 'connected' as const, others: ['a2', 'a3'] };
      expect(await store.commit(T, { calls: [{ before: reserved as CallRecord, after: connected }] })).toBe(
        true,
      );
      const [read] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(read).toMatchObject({
        state: 'connected',
        agentId: 'a1',
        reservationId: 'r1',
        others: ['a2', 'a3'],
      });
      expect(read?.gone).toBeUndefined();
      const moved = { ...(read as CallRecord), agentId: 'a2', others: ['a3'], gone: ['a1'] };
      expect(await store.commit(T, { calls: [{ before: read as CallRecord, after: moved }] })).toBe(true);
      const [again] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(again).toMatchObject({
        agentId: 'a2',
        others: ['a3'],
        gone: ['a1'],
        version: String(Number(read?.version) + 1),
      });
      const emptied = { ...(again as CallRecord) };
      delete emptied.others;
      delete emptied.gone;
      expect(await store.commit(T, { calls: [{ before: again as CallRecord, after: emptied }] })).toBe(true);
      const [last] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(last?.others).toBeUndefined();
      expect(last?.gone).toBeUndefined();
      expect(last?.stored).not.toHaveProperty('others');
      expect(last?.stored).not.toHaveProperty('gone');
      // Back to waiting (a transfer to a queue): the fields stay gone, the call waits again.
      const requeued: CallRecord = { ...(last as CallRecord), state: 'waiting' };
      delete requeued.agentId;
      delete requeued.reservationId;
      delete requeued.reservedAt;
      expect(await store.commit(T, { calls: [{ before: last as CallRecord, after: requeued }] })).toBe(true);
      const [back] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(back).toMatchObject({ state: 'waiting' });
      expect(back?.agentId).toBeUndefined();
      expect((await store.peekWaiting(T, ['q1'], 5)).map((h) => h.callId)).toEqual(['c1']);
    });

    it('a call moved back to waiting keeps its place; an ended call leaves a tombstone', async () => {
      await store.enqueue(newCall('c1', 'q1', now));
      await store.enqueue(newCall('c2', 'q1', now + 5));
      const [c1] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(
        await store.commit(T, {
          calls: [{ before: c1 as CallRecord, after: { ...(c1 as CallRecord), excluded: ['a9'] } }],
        }),
      ).toBe(true);
      expect((await store.peekWaiting(T, ['q1'], 5)).map((h) => h.callId)).toEqual(['c1', 'c2']);
      const [fresh] = (await store.readCalls(T, ['c1'])) as CallRecord[];
      expect(await store.commit(T, { calls: [{ before: fresh as CallRecord, after: 'ended' }] })).toBe(true);
      expect((await store.peekWaiting(T, ['q1'], 5)).map((h) => h.callId)).toEqual(['c2']);
      expect(await store.enqueue(newCall('c1', 'q1', now))).toEqual({
        result: 'exists',
        state: 'ended',
        queueId: '',
      });
      expect(await live.pttl(keys.call(T, 'c1'))).toBeGreaterThan(0);
    });

    it('peekWaiting reads the heads of several queues in one step', async () => {
      await store.enqueue(newCall('a', 'q1', now + 3));
      await store.enqueue(newCall('b', 'q2', now + 1));
      await store.enqueue(newCall('c', 'q2', now + 2));
      const heads = await store.peekWaiting(T, ['q1', 'q2'], 1);
      expect(heads).toEqual([
        { queueId: 'q1', callId: 'a', score: waitingScore(0, 5, now + 3) },
        { queueId: 'q2', callId: 'b', score: waitingScore(0, 5, now + 1) },
      ]);
    });

    it('due items are claimed once per lease, can be re-armed, and removed only by their claimer', async () => {
      await store.schedule('call|t|c1', now, 'set');
      await store.schedule('call|t|c2', now + 1000, 'set');
      await store.schedule('call|t|c1', now + 500, 'min');
      const first = await store.claimDue(now + 10, 5000, 10);
      expect(first).toEqual([{ item: 'call|t|c1', lease: now + 5010 }]);
      expect(await store.claimDue(now + 20, 5000, 10)).toEqual([]);
      await store.schedule('call|t|c1', now + 30, 'min');
      await store.unscheduleIf('call|t|c1', now + 5010);
      expect((await store.claimDue(now + 2000, 5000, 10)).map((c) => c.item).sort()).toEqual([
        'call|t|c1',
        'call|t|c2',
      ]);
      await store.unscheduleIf('call|t|c2', now + 7000);
      expect((await store.claimDue(now + 100_000, 5000, 10)).map((c) => c.item)).toEqual(['call|t|c1']);
    });

    it('remembers the last agent of a caller for a while', async () => {
      await store.rememberAgent(T, 'hash1', 'a7', 60_000);
      expect(await store.lastAgent(T, 'hash1')).toBe('a7');
      expect(await store.lastAgent(T, 'hash2')).toBeNull();
    });
  });
}
