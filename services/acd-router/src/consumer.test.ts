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

  it.each(passedOver)('%s is one handleEvent ignores', async (type) => {
    const event = { type, tenantId: 't1', source: 'test', data: {} } as unknown as HotlineEvent;
    await expect(handleEvent(untouchable, event)).resolves.toBe('ignored');
  });
});
