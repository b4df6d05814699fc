// The ACD's group is handed only the event types it acts on (the bus commits the others unread):
// every other type of the catalog must be one handleEvent ignores, or the filter would lose work.

import { eventTypes, type HotlineEvent } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import type { Acd } from './app/acd';
import { acdEventTypes, handleEvent } from './consumer';

// Any call on it fails the test: an ignored event must not reach the ACD.
const untouchable = new Proxy({} as Acd, {
  get: (_target, name) => () => {
    throw new Error(`handleEvent called acd.${String(name)}`);
  },
});

describe('the event types the ACD subscribes to', () => {
  const passedOver = eventTypes.filter((t) => !(acdEventTypes as readonly string[]).includes(t));

  it('leaves out types of every topic it reads, its own output among them', () => {
    expect(passedOver).toContain('agent.state.changed');
    expect(passedOver).toContain('routing.decision.made');
    expect(passedOver).toContain('call.command.completed');
    expect(acdEventTypes).toContain('call.command.completed:bridge');
    expect(acdEventTypes).toContain('call.command.completed:originate');
    expect(acdEventTypes).toContain('callback.requested');
    expect(passedOver).toContain('callback.attempted');
    expect(passedOver).toContain('callback.ended');
  });

  it.each(['answer', 'play', 'collect', 'music-on-hold', 'record', 'hangup'])(
    'the completion of a %s command is one handleEvent ignores',
    async (action) => {
      const event = {
        type: 'call.command.completed',
        tenantId: 't1',
        source: 'test',
        data: { callId: 'c1', commandId: 'k1', action, outcome: 'done' },
      } as unknown as HotlineEvent;
      await expect(handleEvent(untouchable, event)).resolves.toBe('ignored');
    },
  );

  it('an originate the ACD did not ask for (not a callback dial) is ignored', async () => {
    const event = {
      type: 'call.command.completed',
      tenantId: 't1',
      source: 'test',
      data: { callId: 'c1', commandId: 'desk-42', action: 'originate', outcome: 'done' },
    } as unknown as HotlineEvent;
    await expect(handleEvent(untouchable, event)).resolves.toBe('ignored');
  });

  it.each(passedOver)('%s is one handleEvent ignores', async (type) => {
    const event = { type, tenantId: 't1', source: 'test', data: {} } as unknown as HotlineEvent;
    await expect(handleEvent(untouchable, event)).resolves.toBe('ignored');
  });
});

describe('callbacks reach the ACD', () => {
  const calls: [string, unknown[]][] = [];
  const recording = new Proxy({} as Acd, {
    get:
      (_target, name) =>
      async (...args: unknown[]) => {
        calls.push([String(name), args]);
      },
  });
  const event = (type: string, data: object) =>
    ({ type, tenantId: 't1', source: 'ivr-runner', data }) as unknown as HotlineEvent;

  it('callback.requested asks the ACD to keep the callback', async () => {
    calls.length = 0;
    const data = { callId: 'c1', callbackId: 'cb1', queueId: 'q1', number: '+491', priority: 0, skills: [] };
    await expect(handleEvent(recording, event('callback.requested', data))).resolves.toBe(
      'callback-requested',
    );
    expect(calls).toEqual([['callbackRequested', ['t1', data, undefined]]]);
  });

  it.each(['done', 'no-answer', 'busy', 'timeout'])(
    'the completion (%s) of a callback dial goes to the ACD with its command id',
    async (outcome) => {
      calls.length = 0;
      const data = { callId: 'cb1.call', commandId: 'dial-r1', action: 'originate', outcome };
      await expect(handleEvent(recording, event('call.command.completed', data))).resolves.toBe(
        `dial-${outcome}`,
      );
      expect(calls).toEqual([['dialCompleted', ['t1', 'cb1.call', 'dial-r1', outcome, undefined]]]);
    },
  );
});

describe('transfers and conferences reach the ACD', () => {
  const calls: [string, unknown[]][] = [];
  const recording = new Proxy({} as Acd, {
    get:
      (_target, name) =>
      async (...args: unknown[]) => {
        calls.push([String(name), args]);
      },
  });
  const event = (type: string, data: object) =>
    ({ type, tenantId: 't1', source: 'sip-edge', data }) as unknown as HotlineEvent;

  it.each(['blind', 'consultative'])('a %s call.transferred from an agent goes to the ACD', async (kind) => {
    calls.length = 0;
    const data = { callId: 'c1', kind, fromAgentId: 'anna', target: { type: 'agent', agentId: 'bob' } };
    await expect(handleEvent(recording, event('call.transferred', data))).resolves.toBe('transferred');
    expect(calls).toEqual([['transferred', ['t1', data, undefined]]]);
  });

  it('a transfer from nobody in particular (no fromAgentId) is ignored', async () => {
    calls.length = 0;
    const data = { callId: 'c1', kind: 'blind', target: { type: 'queue', queueId: 'q1' } };
    await expect(handleEvent(recording, event('call.transferred', data))).resolves.toBe('ignored');
    expect(calls).toEqual([]);
  });

  it('call.bridged and call.answered naming an agent go to the ACD with the agent', async () => {
    calls.length = 0;
    await handleEvent(
      recording,
      event('call.bridged', { callId: 'c1', legIds: ['l1', 'l2'], agentId: 'bob' }),
    );
    await handleEvent(
      recording,
      event('call.answered', { callId: 'c1', legId: 'l2', answeredBy: 'agent', agentId: 'sue' }),
    );
    expect(calls).toEqual([
      ['answered', ['t1', 'c1', 'bob', undefined]],
      ['answered', ['t1', 'c1', 'sue', undefined]],
    ]);
  });
});
