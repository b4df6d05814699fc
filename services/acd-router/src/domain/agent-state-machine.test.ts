import { describe, expect, it } from 'vitest';
import { AgentTransitionError } from './agent-errors';
import {
  type AgentCommand,
  type AgentStatus,
  type CommandRules,
  type TransitionResult,
  answered,
  applyCommand,
  held,
  interactionEnded,
  isRoutable,
  joined,
  loggedOut,
  missed,
  reserve,
  resumed,
  ringing,
  wrapUpEnded,
} from './agent-state-machine';

const rules: CommandRules = { reasonCodes: ['lunch', 'training'], maxWrapUpExtensionMs: 60_000 };
const voice = { voice: 1 };

function run(status: AgentStatus, command: AgentCommand, now = 1000, by: 'agent' | 'supervisor' = 'agent') {
  return applyCommand(status, command, by, rules, now);
}

function readyAgent(capacity: Record<string, number> = voice): AgentStatus {
  return run(loggedOut('a1', capacity, 0), { kind: 'login', ready: true }, 10).status;
}

function errorOf(fn: () => unknown): AgentTransitionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AgentTransitionError) return e;
    throw e;
  }
  throw new Error('expected an AgentTransitionError');
}

describe('agent state machine: presence', () => {
  it('logs in not-ready with a system reason unless asked to be ready', () => {
    const { status, transitions } = run(loggedOut('a1', voice, 0), { kind: 'login' });
    expect(status.state).toBe('not-ready');
    expect(transitions).toEqual([{ from: 'logged-out', to: 'not-ready', reason: 'system:login' }]);
  });

  it('moves between ready, not-ready with a tenant reason and break, one transition each', () => {
    let status = readyAgent();
    const steps: [AgentCommand, string][] = [
      [{ kind: 'not-ready', reason: 'lunch' }, 'not-ready'],
      [{ kind: 'not-ready', reason: 'training' }, 'not-ready'],
      [{ kind: 'break' }, 'break'],
      [{ kind: 'ready' }, 'ready'],
      [{ kind: 'logout' }, 'logged-out'],
    ];
    for (const [command, to] of steps) {
      const result = run(status, command, 2000);
      expect(result.transitions).toHaveLength(1);
      expect(result.status.state).toBe(to);
      status = result.status;
    }
  });

  it('rejects a reason code the tenant did not define, and system reasons typed by people', () => {
    expect(errorOf(() => run(readyAgent(), { kind: 'not-ready', reason: 'nap' }))).toMatchObject({
      code: 'unknown-reason',
      message: expect.stringContaining(
        '"nap" is not one of the tenant\'s not-ready reasons (lunch, training)',
      ),
    });
    const anyReason = { ...rules, reasonCodes: [] };
    expect(() =>
      applyCommand(
        readyAgent(),
        { kind: 'not-ready', reason: 'system:ring-no-answer' },
        'agent',
        anyReason,
        1,
      ),
    ).toThrow(/set by the system only/);
  });

  it('rejects what makes no sense from the current state with a clear error', () => {
    expect(errorOf(() => run(loggedOut('a1', voice, 0), { kind: 'ready' }))).toMatchObject({
      code: 'not-logged-in',
      state: 'logged-out',
    });
    expect(errorOf(() => run(readyAgent(), { kind: 'ready' }))).toMatchObject({ code: 'already-in-state' });
    expect(errorOf(() => run(readyAgent(), { kind: 'login' }))).toMatchObject({ code: 'already-in-state' });
    expect(errorOf(() => run(readyAgent(), { kind: 'extend-wrap-up', ms: 1000 }))).toMatchObject({
      code: 'illegal-transition',
    });
  });

  it('a locked break cannot be left by the agent before the lock runs out, but a supervisor can end it', () => {
    const onBreak = run(readyAgent(), { kind: 'break', reason: 'rest', lockMs: 5000 }, 1000).status;
    expect(onBreak).toMatchObject({ state: 'break', reason: 'rest', lockedUntil: 6000 });
    expect(errorOf(() => run(onBreak, { kind: 'ready' }, 3000))).toMatchObject({ code: 'break-locked' });
    expect(errorOf(() => run(onBreak, { kind: 'logout' }, 3000))).toMatchObject({ code: 'break-locked' });
    expect(run(onBreak, { kind: 'ready' }, 3000, 'supervisor').status.state).toBe('ready');
    expect(run(onBreak, { kind: 'ready' }, 6000).status.state).toBe('ready');
  });
});

describe('agent state machine: work', () => {
  it('goes reserved, ringing, on-call, on-hold and back, then wrap-up and ready', () => {
    let s = reserve(readyAgent(), 'c1', 'voice', 100).status;
    expect(s.state).toBe('reserved');
    s = ringing(s, 'c1', 110).status;
    expect(s.state).toBe('ringing');
    s = answered(s, 'c1', 120).status;
    expect(s).toMatchObject({ state: 'on-call', handled: 1 });
    s = held(s, 'c1', 130).status;
    expect(s.state).toBe('on-hold');
    s = resumed(s, 'c1', 140).status;
    const ended = interactionEnded(s, 'c1', true, 30_000, 200);
    expect(ended.status).toMatchObject({ state: 'wrap-up', wrapUpUntil: 30_200 });
    expect(ended.transitions).toEqual([{ from: 'on-call', to: 'wrap-up', callId: 'c1' }]);
    expect(wrapUpEnded(ended.status, 30_199).transitions).toEqual([]);
    const ready = wrapUpEnded(ended.status, 30_200).status;
    expect(ready).toMatchObject({ state: 'ready', idleSince: 30_200, interactions: {} });
  });

  it('skips wrap-up when the queue has none', () => {
    const s = answered(reserve(readyAgent(), 'c1', 'voice', 100).status, 'c1', 120).status;
    expect(interactionEnded(s, 'c1', true, 0, 500).status).toMatchObject({ state: 'ready', idleSince: 500 });
  });

  it('a wrap-up can be extended within the queue limit, and the agent can end it early', () => {
    const s = interactionEnded(
      answered(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', 2).status,
      'c1',
      true,
      10_000,
      100,
    ).status;
    const extended = run(s, { kind: 'extend-wrap-up', ms: 40_000 }, 200).status;
    expect(extended).toMatchObject({ wrapUpUntil: 50_100, wrapUpExtendedMs: 40_000 });
    expect(errorOf(() => run(extended, { kind: 'extend-wrap-up', ms: 30_000 }, 300))).toMatchObject({
      code: 'wrap-up-limit',
    });
    expect(run(extended, { kind: 'ready' }, 300).status.state).toBe('ready');
  });

  it('a missed offer returns the agent to ready until the miss limit, then not-ready with a system reason', () => {
    const first = missed(ringing(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', 2).status, 'c1', 2, 3);
    expect(first.status).toMatchObject({ state: 'ready', misses: 1 });
    const second = missed(reserve(first.status, 'c2', 'voice', 4).status, 'c2', 2, 5);
    expect(second.status).toMatchObject({ state: 'not-ready', reason: 'system:ring-no-answer', misses: 2 });
    expect(second.transitions).toEqual([
      { from: 'reserved', to: 'not-ready', reason: 'system:ring-no-answer', callId: 'c2' },
    ]);
  });

  it('answering resets the miss count', () => {
    const afterMiss = missed(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', 3, 2).status;
    const s = answered(reserve(afterMiss, 'c2', 'voice', 3).status, 'c2', 4).status;
    expect(s.misses).toBe(0);
  });

  it('a state asked for during a call is taken when the work ends; ready cancels it', () => {
    const onCall = answered(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', 2).status;
    const pending = run(onCall, { kind: 'not-ready', reason: 'lunch' }, 3);
    expect(pending.transitions).toEqual([]);
    expect(pending.status.pending).toEqual({ state: 'not-ready', reason: 'lunch' });
    const afterWrap = wrapUpEnded(interactionEnded(pending.status, 'c1', true, 100, 10).status, 110).status;
    expect(afterWrap).toMatchObject({ state: 'not-ready', reason: 'lunch' });
    expect(afterWrap.pending).toBeUndefined();
    const cancelled = run(pending.status, { kind: 'ready' }, 4).status;
    expect(cancelled.pending).toBeUndefined();
  });

  it('a logout asked for during a call wins over the ring-no-answer not-ready', () => {
    const reserved = reserve(readyAgent(), 'c1', 'voice', 1).status;
    const pending = run(reserved, { kind: 'logout' }, 2).status;
    expect(missed(pending, 'c1', 1, 3).status.state).toBe('logged-out');
  });

  it('an offer withdrawn because the caller hung up is not a miss', () => {
    const s = interactionEnded(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', false, 10_000, 5).status;
    expect(s).toMatchObject({ state: 'ready', misses: 0 });
  });

  it('refuses to reserve an agent who is not ready or has no capacity left', () => {
    const s = reserve(readyAgent(), 'c1', 'voice', 1).status;
    expect(errorOf(() => reserve(s, 'c2', 'voice', 2)).code).toBe('illegal-transition');
    expect(isRoutable(readyAgent(), 'chat')).toBe(false);
  });

  it('a multi-channel agent keeps taking chats up to its capacity while on a call', () => {
    let s = answered(reserve(readyAgent({ voice: 1, chat: 2 }), 'v1', 'voice', 1).status, 'v1', 2).status;
    expect(isRoutable(s, 'voice')).toBe(false);
    expect(isRoutable(s, 'chat')).toBe(true);
    s = reserve(s, 'ch1', 'chat', 3).status;
    s = reserve(s, 'ch2', 'chat', 4).status;
    expect(s.state).toBe('on-call');
    expect(isRoutable(s, 'chat')).toBe(false);
    s = interactionEnded(s, 'v1', true, 1000, 5).status;
    expect(s.state).toBe('on-call');
    s = interactionEnded(interactionEnded(s, 'ch1', true, 1000, 6).status, 'ch2', true, 1000, 7).status;
    expect(s.state).toBe('wrap-up');
  });

  it('events about calls the agent does not hold are refused', () => {
    expect(errorOf(() => answered(readyAgent(), 'c9', 1))).toMatchObject({ code: 'unknown-interaction' });
  });
});

describe('agent state machine: a call taken without a reservation (transfer, conference)', () => {
  it('a ready agent goes on-call with the call, and is no longer routable', () => {
    const result = joined(readyAgent(), 'c1', 'voice', 100) as TransitionResult;
    expect(result.status).toMatchObject({
      state: 'on-call',
      since: 100,
      interactions: { c1: 'voice' },
      handled: 1,
    });
    expect(result.transitions).toEqual([{ from: 'ready', to: 'on-call', callId: 'c1' }]);
    expect(isRoutable(result.status, 'voice')).toBe(false);
    const ended = interactionEnded(result.status, 'c1', true, 1000, 200).status;
    expect(ended).toMatchObject({ state: 'wrap-up', wrapUpUntil: 1200, interactions: {} });
  });

  it('an agent in wrap-up goes on-call, the wrap-up timer gone', () => {
    const onCall = answered(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', 2).status;
    const wrapUp = interactionEnded(onCall, 'c1', true, 10_000, 3).status;
    const result = joined(wrapUp, 'c2', 'voice', 50) as TransitionResult;
    expect(result.status.state).toBe('on-call');
    expect(result.status.wrapUpUntil).toBeUndefined();
    expect(result.transitions).toEqual([{ from: 'wrap-up', to: 'on-call', callId: 'c2' }]);
    // The old timer coming due changes nothing.
    expect(wrapUpEnded(result.status, 20_000).transitions).toEqual([]);
  });

  it('a not-ready agent goes on-call and back to not-ready with the same reason after the wrap-up', () => {
    const notReady = run(readyAgent(), { kind: 'not-ready', reason: 'lunch' }, 20).status;
    const result = joined(notReady, 'c1', 'voice', 100) as TransitionResult;
    expect(result.status).toMatchObject({
      state: 'on-call',
      pending: { state: 'not-ready', reason: 'lunch' },
    });
    expect(result.status.reason).toBeUndefined();
    expect(result.transitions).toEqual([{ from: 'not-ready', to: 'on-call', callId: 'c1' }]);
    const wrapUp = interactionEnded(result.status, 'c1', true, 1000, 200).status;
    expect(wrapUp.state).toBe('wrap-up');
    const after = wrapUpEnded(wrapUp, 1200);
    expect(after.status).toMatchObject({ state: 'not-ready', reason: 'lunch' });
    expect(after.status.pending).toBeUndefined();
    // Without a wrap-up the agent goes straight back.
    expect(interactionEnded(result.status, 'c1', true, 0, 200).status).toMatchObject({
      state: 'not-ready',
      reason: 'lunch',
    });
  });

  it('an agent on a locked break goes back to the break with what is left of the lock', () => {
    const onBreak = run(readyAgent(), { kind: 'break', reason: 'rest', lockMs: 5000 }, 1000).status;
    const result = joined(onBreak, 'c1', 'voice', 2000) as TransitionResult;
    expect(result.status.pending).toEqual({ state: 'break', reason: 'rest', lockMs: 4000 });
    expect(result.status.lockedUntil).toBeUndefined();
    const back = interactionEnded(result.status, 'c1', true, 0, 3000).status;
    expect(back).toMatchObject({ state: 'break', reason: 'rest', lockedUntil: 7000 });
  });

  it('a logout pending stays pending', () => {
    const onCall = answered(reserve(readyAgent(), 'c1', 'voice', 1).status, 'c1', 2).status;
    const pending = run(onCall, { kind: 'logout' }, 3).status;
    const result = joined(pending, 'c2', 'voice', 4) as TransitionResult;
    expect(result.transitions).toEqual([]);
    expect(result.status.pending).toEqual({ state: 'logged-out' });
    const first = interactionEnded(result.status, 'c1', true, 0, 5).status;
    expect(first.state).toBe('on-call');
    expect(interactionEnded(first, 'c2', true, 0, 6).status.state).toBe('logged-out');
  });

  it.each(['reserved', 'ringing', 'on-call', 'on-hold'] as const)(
    'a %s agent only gets the interaction, even beyond capacity',
    (state) => {
      let s = reserve(readyAgent(), 'c1', 'voice', 1).status;
      if (state !== 'reserved') s = ringing(s, 'c1', 2).status;
      if (state === 'on-call' || state === 'on-hold') s = answered(s, 'c1', 3).status;
      if (state === 'on-hold') s = held(s, 'c1', 4).status;
      expect(s.state).toBe(state);
      const result = joined(s, 'c2', 'voice', 10) as TransitionResult;
      expect(result.transitions).toEqual([]);
      expect(result.status).toMatchObject({
        state,
        since: s.since,
        interactions: { c1: 'voice', c2: 'voice' },
      });
      expect(isRoutable(result.status, 'voice')).toBe(false);
    },
  );

  it('joining a call the agent already holds changes nothing', () => {
    const first = (joined(readyAgent(), 'c1', 'voice', 100) as TransitionResult).status;
    const again = joined(first, 'c1', 'voice', 200) as TransitionResult;
    expect(again.status).toBe(first);
    expect(again.transitions).toEqual([]);
  });

  it('a logged-out agent is not tracked: null', () => {
    expect(joined(loggedOut('a1', voice, 0), 'c1', 'voice', 100)).toBeNull();
  });
});
