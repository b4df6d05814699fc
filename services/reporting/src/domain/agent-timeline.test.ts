import { describe, expect, it } from 'vitest';
import { scriptedDay, shuffled } from '../testing/call-script';
import { buildAgentDay, stateMsWithin } from './agent-timeline';

const start = Date.parse('2026-11-27T09:00:00.000Z');
const day = scriptedDay('t1', start);
const eventsOf = (agentId: string) =>
  day.events.filter(
    (e) => (e.data as { agentId?: string }).agentId === agentId && e.type.startsWith('agent.'),
  );

describe("an agent's day", () => {
  const a2 = buildAgentDay('t1', 'a2', '2026-11-27', eventsOf('a2'));

  it('starts the day in the state the first change left, from midnight', () => {
    expect(a2.segments[0]).toEqual({
      state: 'logged-out',
      from: '2026-11-27T00:00:00.000Z',
      to: '2026-11-27T09:00:00.000Z',
    });
  });

  it('adds up time per state, the last state left open until the clock given', () => {
    const ms = stateMsWithin(a2.segments, start, start + 900_000, start + 900_000);
    expect(ms).toMatchObject({
      ready: (40 + 76 + 480) * 1000,
      reserved: 10_000,
      ringing: 4_000,
      'on-call': 210_000,
      'on-hold': 30_000,
      'wrap-up': 50_000,
    });
  });

  it('counts the calls taken and the offers made, and says where the agent is now', () => {
    expect(a2).toMatchObject({ calls: 2, offers: 2, missed: 0 });
    expect(a2.current).toEqual({ state: 'ready', since: new Date(start + 420_000).toISOString() });
  });

  it('keeps the call and queue of call states, and the reason of a ring-no-answer', () => {
    const a1 = buildAgentDay('t1', 'a1', '2026-11-27', eventsOf('a1'));
    expect(a1.segments.find((s) => s.state === 'ringing')).toMatchObject({
      callId: 'c-full',
      queueId: 'sales',
    });
    expect(a1.current).toMatchObject({ state: 'not-ready', reason: 'system:ring-no-answer' });
    expect(a1).toMatchObject({ offers: 1, missed: 1, calls: 0 });
    expect(a2.segments.find((s) => s.state === 'wrap-up')?.callId).toBe('c-full');
  });

  it('is the same whatever order and however many times the events arrive', () => {
    const events = eventsOf('a2');
    expect(buildAgentDay('t1', 'a2', '2026-11-27', shuffled([...events, ...events.slice(3, 9)], 7))).toEqual(
      a2,
    );
  });
});
