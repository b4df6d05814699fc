import { describe, expect, it } from 'vitest';
import { admission, nextChangeAt, stageAt, waitOutcome } from './routing-plan';
import { bandOf, waitingScore } from './queue-order';
import { callOf, queueOf, t0 } from './test-fixtures';
import { estimateWaitMs, nextServiceGap } from './estimate-wait';

const relaxing = queueOf({
  targets: [
    { expression: 'skills.spanish >= 4', ordering: 'longest-idle', timeoutMs: 10_000 },
    { expression: 'skills.spanish >= 2', ordering: 'longest-idle', timeoutMs: 20_000 },
    { expression: 'true', ordering: 'longest-idle' },
  ],
});
const load = { waiting: 0, agentsLoggedIn: 5, agentsReady: 1 };

describe('routing plan: skill relaxation', () => {
  it('opens one more target each time the previous timeout runs out', () => {
    const call = callOf();
    expect(stageAt(call, relaxing, t0)).toEqual({
      kind: 'targets',
      widest: 0,
      openedAt: [t0],
      nextAt: t0 + 10_000,
    });
    expect(stageAt(call, relaxing, t0 + 9_999)).toMatchObject({ widest: 0 });
    expect(stageAt(call, relaxing, t0 + 10_000)).toEqual({
      kind: 'targets',
      widest: 1,
      openedAt: [t0, t0 + 10_000],
      nextAt: t0 + 30_000,
    });
    expect(stageAt(call, relaxing, t0 + 30_000)).toEqual({
      kind: 'targets',
      widest: 2,
      openedAt: [t0, t0 + 10_000, t0 + 30_000],
    });
  });

  it('a target without timeout is the last one that ever opens', () => {
    const q = queueOf({
      targets: [
        { expression: 'true', ordering: 'longest-idle' },
        { expression: 'true', ordering: 'random' },
      ],
    });
    expect(stageAt(callOf(), q, t0 + 3_600_000)).toMatchObject({ widest: 0 });
  });

  it('waits for the sticky agent first, then starts the targets timeline', () => {
    const call = callOf({ stickyAgentId: 'a7', stickyUntil: t0 + 15_000 });
    expect(stageAt(call, relaxing, t0 + 1000)).toEqual({ kind: 'sticky', agentId: 'a7', until: t0 + 15_000 });
    expect(stageAt(call, relaxing, t0 + 15_000)).toMatchObject({
      kind: 'targets',
      widest: 0,
      nextAt: t0 + 25_000,
    });
  });

  it('says when the call next changes by itself', () => {
    const q = { ...relaxing, maxWaitMs: 25_000 };
    expect(nextChangeAt(callOf(), q, t0)).toBe(t0 + 10_000);
    expect(nextChangeAt(callOf(), q, t0 + 10_000)).toBe(t0 + 25_000);
    expect(nextChangeAt(callOf(), q, t0 + 30_000)).toBeUndefined();
  });
});

describe('routing plan: admission, overflow and limits', () => {
  it('refuses a full queue and, when asked, an empty one', () => {
    expect(admission(queueOf({ maxSize: 3 }), { ...load, waiting: 3 })).toEqual({
      kind: 'refuse',
      reason: 'queue-full',
    });
    expect(admission(queueOf({ maxSize: 3 }), { ...load, waiting: 2 })).toEqual({ kind: 'join' });
    const strict = queueOf({ joinWhenEmpty: 'no-agents-ready' });
    expect(admission(strict, { ...load, agentsReady: 0 })).toEqual({ kind: 'refuse', reason: 'no-agents' });
  });

  it('overflows at join on a queue-size threshold or when nobody is logged in', () => {
    const to = { kind: 'queue', queueId: 'q2' } as const;
    const q = queueOf({ maxSize: 10, overflow: [{ trigger: { kind: 'queue-size', atLeast: 4 }, to }] });
    expect(admission(q, { ...load, waiting: 4 })).toMatchObject({ kind: 'overflow', rule: { to } });
    const q2 = queueOf({ overflow: [{ trigger: { kind: 'no-agents' }, to }] });
    expect(admission(q2, { ...load, agentsLoggedIn: 0 })).toMatchObject({ kind: 'overflow' });
  });

  it('overflows after a wait, before the max wait sends the call out', () => {
    const to = { kind: 'site', siteId: 'par' } as const;
    const q = queueOf({ maxWaitMs: 60_000, overflow: [{ trigger: { kind: 'wait', afterMs: 30_000 }, to }] });
    expect(waitOutcome(callOf(), q, load, t0 + 29_999)).toBeNull();
    expect(waitOutcome(callOf(), q, load, t0 + 30_000)).toMatchObject({ kind: 'overflow', rule: { to } });
    expect(waitOutcome(callOf(), queueOf({ maxWaitMs: 60_000 }), load, t0 + 60_000)).toEqual({
      kind: 'max-wait',
    });
  });

  it('counts wait limits from joining this queue, after an overflow too', () => {
    const moved = callOf({ enqueuedAt: t0, queueJoinedAt: t0 + 50_000 });
    expect(waitOutcome(moved, queueOf({ maxWaitMs: 60_000 }), load, t0 + 70_000)).toBeNull();
  });

  it('takes waiting calls out when the queue empties, if the queue says so', () => {
    const q = queueOf({ leaveWhenEmpty: 'no-agents-logged-in' });
    expect(waitOutcome(callOf(), q, { ...load, agentsLoggedIn: 0 }, t0)).toEqual({ kind: 'leave-empty' });
    expect(waitOutcome(callOf(), q, load, t0)).toBeNull();
  });
});

describe('queue order and estimated wait', () => {
  it('orders by call priority, then queue priority, then age', () => {
    const old = waitingScore(0, 5, t0);
    const young = waitingScore(0, 5, t0 + 1);
    const urgent = waitingScore(50, 5, t0 + 100_000);
    const vipQueue = waitingScore(0, 9, t0 + 50_000);
    expect([young, urgent, old, vipQueue].sort((a, b) => a - b)).toEqual([urgent, vipQueue, old, young]);
    expect(bandOf(old)).toBe(bandOf(young));
    expect(Number.isSafeInteger(waitingScore(0, 1, Date.UTC(2050, 0, 1)))).toBe(true);
  });

  it('estimates from the observed service gap, else from handle time over the agents logged in', () => {
    expect(estimateWaitMs({ position: 3, serviceGapMs: 20_000, handleMs: 180_000, agentsLoggedIn: 4 })).toBe(
      60_000,
    );
    expect(estimateWaitMs({ position: 5, handleMs: 180_000, agentsLoggedIn: 4 })).toBe(360_000);
    expect(estimateWaitMs({ position: 5, handleMs: 180_000, agentsLoggedIn: 0 })).toBeUndefined();
    expect(nextServiceGap(undefined, 10_000)).toBe(10_000);
    expect(nextServiceGap(10_000, 20_000)).toBe(12_000);
  });
});
