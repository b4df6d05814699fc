import { describe, expect, it } from 'vitest';
import { buildAgentDay } from './agent-timeline';
import { EventScript } from '../testing/call-script';
import { agentRealtime, queueRealtime } from './realtime';
import { emptyStateMs } from './agent-timeline';

const yesterday = Date.parse('2026-11-27T22:00:00.000Z');
const today = Date.parse('2026-11-28T00:00:00.000Z');

describe('real-time figures', () => {
  it("carries an agent's state over midnight with today's time counted from midnight", () => {
    const s = new EventScript('t1', yesterday, 'a').at(0, 'agent.state.changed', {
      agentId: 'a1',
      from: 'logged-out',
      to: 'ready',
    });
    const day = buildAgentDay('t1', 'a1', '2026-11-27', s.events);
    const now = today + 600_000;
    expect(agentRealtime(day, now)).toMatchObject({
      state: 'ready',
      since: new Date(yesterday).toISOString(),
      today: { calls: 0, stateMs: { ...emptyStateMs(), ready: 600_000 } },
    });
  });

  it('measures the longest wait from now and keeps the latest event time as updatedAt', () => {
    const q = queueRealtime({
      queueId: 'q1',
      todayFacts: [],
      waitingJoinedAt: ['2026-11-28T00:05:00.000Z', '2026-11-28T00:01:00.000Z'],
      agentsByState: emptyStateMs(),
      updatedAt: '2026-11-28T00:05:00.000Z',
      now: today + 600_000,
    });
    expect(q).toMatchObject({
      waiting: 2,
      oldestJoinedAt: '2026-11-28T00:01:00.000Z',
      longestWaitMs: 540_000,
      offered: 0,
      serviceLevelPct: null,
      slThresholdSec: 20,
      updatedAt: '2026-11-28T00:05:00.000Z',
    });
  });
});
