import { makeEvent, type EventData, type EventType, type HotlineEvent } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import { CallTracker } from './call-tracker';

const ev = <T extends EventType>(type: T, data: EventData<T>, tenantId = 't1') =>
  makeEvent({ type, tenantId, source: 'test', data }) as HotlineEvent;

const reserved = (agentId: string, callId = 'c1') =>
  ev('agent.reserved', {
    agentId,
    callId,
    queueId: 'q1',
    reservationId: `r-${callId}-${agentId}`,
    decisionId: 'd1',
    ringTimeoutMs: 10_000,
  });

describe('CallTracker', () => {
  it('knows the agent offered a call is on it, and the legs once bridged', () => {
    const t = new CallTracker();
    t.apply(
      ev('call.offered', {
        callId: 'c1',
        legId: 'leg-a',
        direction: 'inbound',
        ani: '1',
        dnis: '2',
        siteId: 's',
      }),
    );
    t.apply(reserved('agt-1'), 1000);
    expect(t.isOnCall('t1', 'agt-1', 'c1')).toBe(true);
    expect(t.pendingOffer('t1', 'agt-1')).toMatchObject({ callId: 'c1', at: 1000 });
    t.apply(ev('call.bridged', { callId: 'c1', legIds: ['leg-a', 'leg-b'], agentId: 'agt-1' }));
    expect(t.call('t1', 'c1')).toMatchObject({ callerLegId: 'leg-a', agentLegId: 'leg-b' });
    expect(t.pendingOffer('t1', 'agt-1')).toBeUndefined();
  });

  it('takes a missed offer back, so the agent is no longer on the call', () => {
    const t = new CallTracker();
    t.apply(reserved('agt-1'));
    t.apply(
      ev('agent.reservation.ended', {
        agentId: 'agt-1',
        callId: 'c1',
        reservationId: 'r-c1-agt-1',
        outcome: 'no-answer',
        misses: 1,
      }),
    );
    expect(t.isOnCall('t1', 'agt-1', 'c1')).toBe(false);
    expect(t.pendingOffer('t1', 'agt-1')).toBeUndefined();
  });

  it('never answers for another tenant’s call', () => {
    const t = new CallTracker();
    t.apply(reserved('agt-1'));
    expect(t.call('t2', 'c1')).toBeUndefined();
    expect(t.isOnCall('t2', 'agt-1', 'c1')).toBe(false);
  });

  it('remembers the call an agent wraps up after it ended', () => {
    const t = new CallTracker();
    t.apply(reserved('agt-1'));
    const touched = t.apply(ev('call.ended', { callId: 'c1', cause: 'normal', by: 'caller', durationMs: 5 }));
    expect(touched.agents).toEqual(['agt-1']);
    expect(t.call('t1', 'c1')).toBeUndefined();
    expect(t.currentCall('t1', 'agt-1')).toBeUndefined();
    expect(t.lastCall('t1', 'agt-1')).toBe('c1');
  });

  it('moves the first agent off a call transferred blind', () => {
    const t = new CallTracker();
    t.apply(reserved('agt-1'));
    t.apply(
      ev('call.transferred', {
        callId: 'c1',
        kind: 'blind',
        fromAgentId: 'agt-1',
        target: { type: 'agent', agentId: 'agt-2' },
      }),
    );
    expect(t.isOnCall('t1', 'agt-1', 'c1')).toBe(false);
  });

  it('keeps each agent’s own leg when a colleague is added as a third party', () => {
    const t = new CallTracker();
    t.apply(reserved('agt-1'));
    t.apply(ev('call.bridged', { callId: 'c1', legIds: ['leg-a', 'leg-b'], agentId: 'agt-1' }));
    t.apply(ev('call.bridged', { callId: 'c1', legIds: ['leg-a', 'leg-c'], agentId: 'agt-2' }));
    const call = t.call('t1', 'c1');
    expect(call?.agentLegs.get('agt-1')).toBe('leg-b');
    expect(call?.agentLegs.get('agt-2')).toBe('leg-c');
    expect(t.isOnCall('t1', 'agt-2', 'c1')).toBe(true);
  });

  it('forgets the oldest calls beyond its bound', () => {
    const t = new CallTracker(2);
    for (const c of ['c1', 'c2', 'c3']) t.apply(reserved('agt-1', c));
    expect(t.size).toBe(2);
    expect(t.call('t1', 'c1')).toBeUndefined();
    expect(t.isOnCall('t1', 'agt-1', 'c3')).toBe(true);
  });
});
