import { describe, expect, it } from 'vitest';
import { applyLive, emptyLiveView, parseLiveMessage } from './live-state';
import type { AgentRealtime, QueueRealtime, Wallboard } from './live-types';

const agent = (agentId: string, state: AgentRealtime['state']): AgentRealtime => ({
  agentId,
  state,
  since: '2026-01-01T00:00:00Z',
  today: { calls: 0, talkMs: 0, holdMs: 0, wrapMs: 0, stateMs: {} },
});
const queue = (queueId: string, waiting: number): QueueRealtime => ({
  queueId,
  waiting,
  longestWaitMs: 0,
  oldestJoinedAt: null,
  answered: 0,
  abandoned: 0,
  offered: 0,
  serviceLevelPct: null,
  slThresholdSec: 20,
  agentsByState: {},
  updatedAt: '2026-01-01T00:00:00Z',
});
const board: Wallboard = {
  agents: [agent('a1', 'ready')],
  queues: [queue('q1', 2)],
  waiting: [
    { callId: 'c2', queueId: 'q1', joinedAt: '2026-01-01T00:00:05Z', ani: '+2', position: 2 },
    { callId: 'c1', queueId: 'q1', joinedAt: '2026-01-01T00:00:01Z', ani: '+1', position: 1 },
  ],
};

describe('the live view', () => {
  it('a snapshot replaces everything and lists waiting callers oldest first', () => {
    const stale = applyLive(emptyLiveView, { kind: 'agent', data: agent('gone', 'break') }, 1);
    const v = applyLive(stale, { kind: 'snapshot', data: board }, 2);
    expect([...v.agents.keys()]).toEqual(['a1']);
    expect(v.waiting.map((w) => w.callId)).toEqual(['c1', 'c2']);
    expect(v.syncedAt).toBe(2);
  });

  it('an agent event updates that agent only', () => {
    const v0 = applyLive(emptyLiveView, { kind: 'snapshot', data: board }, 1);
    const v1 = applyLive(v0, { kind: 'agent', data: agent('a1', 'on-call') }, 2);
    expect(v1.agents.get('a1')?.state).toBe('on-call');
    expect(v0.agents.get('a1')?.state).toBe('ready');
  });

  it('a queue with nobody waiting clears its waiting callers', () => {
    const v0 = applyLive(emptyLiveView, { kind: 'snapshot', data: board }, 1);
    expect(applyLive(v0, { kind: 'queue', data: queue('q1', 0) }, 2).waiting).toEqual([]);
  });

  it('an offered or answered call leaves the waiting list', () => {
    const v0 = applyLive(emptyLiveView, { kind: 'snapshot', data: board }, 1);
    const offered = applyLive(
      v0,
      {
        kind: 'offer',
        data: { reservationId: 'r', callId: 'c1', queueId: 'q1', ringTimeoutMs: 1, context: null },
      },
      2,
    );
    expect(offered.waiting.map((w) => w.callId)).toEqual(['c2']);
    const bridged = applyLive(offered, { kind: 'call', data: { type: 'call.bridged', callId: 'c2' } }, 3);
    expect(bridged.waiting).toEqual([]);
  });
});

describe('agent state from two sources', () => {
  const v0 = applyLive(emptyLiveView, { kind: 'snapshot', data: board }, 1);
  const stateEvent = (to: AgentRealtime['state'], at: string) =>
    ({ kind: 'agent-state', data: { agentId: 'a1', from: 'ready', to, at, callId: 'c9' } }) as const;

  it('a direct agent-state push moves the agent at once, keeping its day figures', () => {
    const v = applyLive(v0, stateEvent('on-call', '2026-01-01T00:01:00Z'), 2);
    expect(v.agents.get('a1')).toMatchObject({
      state: 'on-call',
      since: '2026-01-01T00:01:00Z',
      callId: 'c9',
    });
    expect(v.agents.get('a1')?.today).toEqual(board.agents[0]!.today);
  });

  it('an older reporting view does not undo a newer push, but brings its figures', () => {
    const pushed = applyLive(v0, stateEvent('on-call', '2026-01-01T00:01:00Z'), 2);
    const stale = { ...agent('a1', 'ready'), today: { ...agent('a1', 'ready').today, calls: 7 } };
    const v = applyLive(pushed, { kind: 'agent', data: stale }, 3);
    expect(v.agents.get('a1')).toMatchObject({ state: 'on-call', today: { calls: 7 } });
  });

  it('a push older than what is known is ignored', () => {
    const later = applyLive(v0, stateEvent('wrap-up', '2026-01-01T00:05:00Z'), 2);
    expect(applyLive(later, stateEvent('on-call', '2026-01-01T00:04:00Z'), 3)).toBe(later);
  });
});

describe('parsing SSE messages', () => {
  it('parses a snapshot without a waiting list', () => {
    const e = parseLiveMessage('snapshot', JSON.stringify({ agents: [], queues: [] }));
    expect(e).toEqual({ kind: 'snapshot', data: { agents: [], queues: [], waiting: [] } });
  });

  it('ignores unknown kinds, broken JSON and bodies missing their key fields', () => {
    expect(parseLiveMessage('mystery', '{}')).toBeNull();
    expect(parseLiveMessage('agent', '{not json')).toBeNull();
    expect(parseLiveMessage('agent', JSON.stringify({ state: 'ready' }))).toBeNull();
    expect(parseLiveMessage('offer', JSON.stringify({ callId: 'c' }))).toBeNull();
  });

  it('parses agent-state and offer-ended pushes', () => {
    const st = parseLiveMessage(
      'agent-state',
      JSON.stringify({ agentId: 'a', from: 'ready', to: 'break', at: 'x' }),
    );
    expect(st?.kind).toBe('agent-state');
    const ended = parseLiveMessage(
      'offer-ended',
      JSON.stringify({ agentId: 'a', callId: 'c', reservationId: 'r', outcome: 'no-answer' }),
    );
    expect(ended).toMatchObject({ kind: 'offer-ended', data: { outcome: 'no-answer' } });
  });

  it('fills an offer without a ring timeout with a default', () => {
    const e = parseLiveMessage('offer', JSON.stringify({ reservationId: 'r', callId: 'c', queueId: 'q' }));
    expect(e).toMatchObject({ kind: 'offer', data: { ringTimeoutMs: 20_000, context: null } });
  });
});
