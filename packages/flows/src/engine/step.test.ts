import { describe, expect, it } from 'vitest';
import { initialState } from './call-state';
import type { CallFlowState, EngineEnv } from './engine-types';
import { step } from './step';
import { caller, flowOf, tts } from './test-support';

const flow = flowOf([
  { id: 'hello', type: 'play', prompts: [tts('Hello.')], next: 'menu' },
  { id: 'menu', type: 'menu', prompts: [tts('Press 1.')], options: { '1': 'end' }, onFailure: 'end' },
  { id: 'end', type: 'hangup' },
]);
const env: EngineEnv = {
  flow,
  now: new Date('2026-03-02T10:00:00Z'),
  calendar: () => undefined,
  listContains: () => undefined,
};
const fresh = (): CallFlowState =>
  initialState({ call: { ...caller, callId: 'c-1', tenantId: 't-1' }, flow, runId: 'run1', now: env.now });

function completed(state: CallFlowState, digits?: string) {
  const waiting = state.waiting;
  if (waiting?.kind !== 'command') throw new Error('not waiting for a command');
  return {
    type: 'command-completed' as const,
    commandId: waiting.commandId,
    outcome: 'done' as const,
    ...(digits ? { digits } : {}),
  };
}

describe('engine step', () => {
  it('answers first, then enters the start node once the answer is confirmed', () => {
    const started = step(env, fresh(), { type: 'start' });
    expect(started.commands.map((c) => c.command.action)).toEqual(['answer']);
    expect(started.state.nodeId).toBe('');
    const answered = step(env, started.state, completed(started.state));
    expect(answered.state.answered).toBe(true);
    expect(answered.commands.map((c) => c.command)).toEqual([
      { action: 'play', prompts: [{ kind: 'tts', text: 'Hello.' }], bargeIn: false, loop: false },
    ]);
  });

  it('does not advance twice when the same completion is delivered twice', () => {
    const started = step(env, fresh(), { type: 'start' });
    const answered = step(env, started.state, completed(started.state));
    const completion = completed(answered.state);
    const once = step(env, answered.state, completion);
    expect(once.state.nodeId).toBe('menu');
    const twice = step(env, once.state, completion);
    expect(twice.ignored).toBe(true);
    expect(twice.state).toBe(once.state);
    expect(twice.commands).toEqual([]);
    expect(twice.events).toEqual([]);
  });

  it('ignores a completion of a command it is not waiting for', () => {
    const started = step(env, fresh(), { type: 'start' });
    const stray = step(env, started.state, {
      type: 'command-completed',
      commandId: 'ivr-other-1',
      outcome: 'done',
    });
    expect(stray.ignored).toBe(true);
  });

  it('is a pure function: the prior state is untouched and a replay gives the same answer', () => {
    const started = step(env, fresh(), { type: 'start' });
    const before = structuredClone(started.state);
    const a = step(env, started.state, completed(started.state));
    const b = step(env, started.state, completed(started.state));
    expect(started.state).toEqual(before);
    expect(b).toEqual(a);
  });

  it('emits ivr.node.entered for every node the call enters', () => {
    let state = step(env, fresh(), { type: 'start' }).state;
    const events = [];
    for (const digits of [undefined, undefined, '1']) {
      const result = step(env, state, completed(state, digits));
      events.push(...result.events);
      state = result.state;
    }
    expect(events.filter((e) => e.type === 'ivr.node.entered').map((e) => e.data)).toEqual(
      ['hello', 'menu', 'end'].map((nodeId) => ({
        callId: 'c-1',
        flowId: 'f',
        flowVersion: 1,
        nodeId,
        nodeType: flow.nodes.find((n) => n.id === nodeId)!.type,
      })),
    );
    expect(state.status).toBe('ended');
    expect(new Set(events.map((e) => e.seed)).size).toBe(events.length);
  });

  it('ends the flow when the caller hangs up, and ignores anything after', () => {
    const started = step(env, fresh(), { type: 'start' });
    const ended = step(env, started.state, { type: 'call-ended' });
    expect(ended.state.status).toBe('ended');
    expect(step(env, ended.state, completed(started.state)).ignored).toBe(true);
  });

  it('treats a call that is gone as hung up', () => {
    const started = step(env, fresh(), { type: 'start' });
    const waiting = started.state.waiting as { commandId: string };
    const gone = step(env, started.state, {
      type: 'command-completed',
      commandId: waiting.commandId,
      outcome: 'call-gone',
    });
    expect(gone.state.status).toBe('ended');
    expect(gone.commands).toEqual([]);
  });

  it('stops a loop that never waits for the caller (a flow published without validation)', () => {
    const spinning = flowOf(
      [
        { id: 'a', type: 'set', assign: [{ variable: 'n', value: 'n + 1' }], next: 'b' },
        { id: 'b', type: 'condition', branches: [{ when: 'true', next: 'a' }], otherwise: 'a' },
      ],
      { variables: { n: 0 } },
    );
    const state = initialState({
      call: { ...caller, callId: 'c', tenantId: 't' },
      flow: spinning,
      runId: 'r',
      now: env.now,
      answered: true,
    });
    const result = step({ ...env, flow: spinning }, state, { type: 'start' });
    expect(result.state.status).toBe('failed');
    expect(result.state.error?.message).toBe('more than 100 nodes without waiting for the caller');
    expect(result.commands.at(-1)?.command).toEqual({ action: 'hangup', cause: 'failed' });
  });

  it('gives up on a call that could not be answered', () => {
    const started = step(env, fresh(), { type: 'start' });
    const waiting = started.state.waiting as { commandId: string };
    const failed = step(env, started.state, {
      type: 'command-completed',
      commandId: waiting.commandId,
      outcome: 'failed',
    });
    expect(failed.state.status).toBe('failed');
    expect(failed.state.path).toEqual([]);
  });
});
