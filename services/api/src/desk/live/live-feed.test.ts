// The live channel's group is handed only liveFeedEventTypes (the bus commits the others unread):
// every other type of the catalog must be one the feed neither pushes nor tracks calls by.

import { eventTypes, type HotlineEvent } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import { CallTracker } from '../call-tracker';
import { LiveFeed, liveFeedEventTypes, type LiveFeedOptions } from './live-feed';

describe('the event types the live channel subscribes to', () => {
  const passedOver = eventTypes.filter((t) => !liveFeedEventTypes.includes(t));

  it('takes every call event and leaves out routing decisions and agent commands', () => {
    expect(liveFeedEventTypes).toEqual(expect.arrayContaining(['call.command.completed', 'call.ended']));
    expect(passedOver).toEqual(expect.arrayContaining(['routing.decision.made', 'agent.command.requested']));
  });

  it.each(passedOver)('%s is neither pushed nor tracked', async (type) => {
    const pushed: string[] = [];
    // Every desk of the tenant watches everything; any push is recorded.
    const hub = new Proxy({} as LiveFeedOptions['hub'], {
      get: (_target, name) =>
        name === 'hasTenant' || String(name).startsWith('watches')
          ? () => true
          : (...args: unknown[]) => void pushed.push(`${String(name)} ${JSON.stringify(args)}`),
    });
    const tracker = new CallTracker();
    // A call with an agent on it, so a push to the call's agents would have someone to go to.
    tracker.apply(
      event('agent.reserved', {
        callId: 'c1',
        agentId: 'a1',
        queueId: 'q1',
        reservationId: 'r1',
        ringTimeoutMs: 1,
      }),
    );
    const snapshot = () =>
      JSON.stringify({
        call: tracker.call('t1', 'c1'),
        agents: [...(tracker.call('t1', 'c1')?.agents ?? [])],
        offer: tracker.pendingOffer('t1', 'a1'),
        current: tracker.currentCall('t1', 'a1'),
      });
    const before = snapshot();
    const feed = new LiveFeed({ hub, tracker } as unknown as LiveFeedOptions);
    await (feed as unknown as { onEvent(e: HotlineEvent): Promise<void> }).onEvent(
      event(type, { callId: 'c1', agentId: 'a1', queueId: 'q1' }),
    );
    expect(pushed).toEqual([]);
    expect(snapshot()).toBe(before);
  });
});

function event(type: string, data: object): HotlineEvent {
  return {
    type,
    tenantId: 't1',
    source: 'test',
    occurredAt: '2026-01-01T00:00:00Z',
    data,
  } as unknown as HotlineEvent;
}
