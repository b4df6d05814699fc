import { describe, expect, it } from 'vitest';
import { describeEventBusContract } from '../test/event-bus-contract';
import { Inbox } from '../test/support/inbox';
import { gate, waitFor } from '../test/support/wait-for';
import { makeEvent, Topics, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents } from './event-consumer';
import { publishEvents } from './event-publisher';
import { createInProcessBus } from './in-process-bus';
import { SHARED_WINDOW } from './partition-log';

describeEventBusContract('in-process', async () =>
  createInProcessBus({ partitions: 3, drainTimeoutMs: 200, backoff: { initialMs: 5, maxMs: 20 } }),
);

describe('in-process bus retention', () => {
  it('keeps only the newest records of a partition for a group that starts from the beginning', async () => {
    const bus = createInProcessBus({ partitions: 1, retention: 5 });
    await bus.publish(
      Array.from({ length: 12 }, (_, i) => ({ topic: 'calls', key: 'call-1', value: `r${i}` })),
    );
    const inbox = new Inbox();

    await bus.subscribe({ group: 'late', topics: ['calls'], fromBeginning: true, handler: inbox.handler });

    await inbox.waitForCount(5);
    expect(inbox.values()).toEqual(['r7', 'r8', 'r9', 'r10', 'r11']);
    expect(inbox.records[0]?.offset).toBe('7');
    await bus.close();
  });

  it('drops the records every reading group committed, keeping the newest few for late joiners', async () => {
    const bus = createInProcessBus({ partitions: 1, retention: 1_000, keepConsumed: 10 });
    const fast = new Inbox();
    const slow = gate();
    const lagging = new Inbox();
    await bus.subscribe({ group: 'fast', topics: ['calls'], handler: fast.handler });
    await bus.subscribe({
      group: 'lagging',
      topics: ['calls'],
      handler: async (record) => {
        await lagging.handler(record);
        if (record.value.toString() === 'r0') await slow.promise;
      },
    });
    const publish = (from: number, count: number) =>
      bus.publish(
        Array.from({ length: count }, (_, i) => ({ topic: 'calls', key: 'k', value: `r${from + i}` })),
      );
    await publish(0, 100);
    await fast.waitForCount(100);
    // The lagging group is still on r0: nothing it has not committed may go.
    const early = new Inbox();
    await bus.subscribe({ group: 'early', topics: ['calls'], fromBeginning: true, handler: early.handler });
    await early.waitForCount(100);
    expect(early.values()[0]).toBe('r0');
    slow.open();
    await lagging.waitForCount(100);
    await waitFor(() => early.values().length === 100, 'early caught up');
    // Everyone is done with r0..r99: the next appends drop all but the newest 10 of them.
    await publish(100, 64);
    await fast.waitForCount(164);
    await lagging.waitForCount(164);
    await early.waitForCount(164);
    await publish(164, 32);
    const late = new Inbox();
    await bus.subscribe({ group: 'late', topics: ['calls'], fromBeginning: true, handler: late.handler });
    await waitFor(() => late.values().includes('r195'), 'the late group reaches the newest record');
    expect(late.values().length).toBeLessThan(64);
    expect(late.values().length).toBeGreaterThanOrEqual(10);
    expect(late.values().at(-1)).toBe('r195');
    await bus.close();
  });

  it('moves a group that fell behind past the records retention dropped, and reports it', async () => {
    const warnings: string[] = [];
    const bus = createInProcessBus({
      partitions: 1,
      retention: 3,
      log: (level, message) => level === 'warn' && warnings.push(message),
    });
    const slow = gate();
    const inbox = new Inbox();
    await bus.subscribe({
      group: 'slow',
      topics: ['calls'],
      handler: async (record) => {
        await inbox.handler(record);
        if (record.value.toString() === 'r0') await slow.promise;
      },
    });
    await bus.publish([{ topic: 'calls', key: 'call-1', value: 'r0' }]);
    await waitFor(() => inbox.records.length === 1, 'r0 in flight');

    await bus.publish(
      Array.from({ length: 9 }, (_, i) => ({ topic: 'calls', key: 'call-1', value: `r${i + 1}` })),
    );
    slow.open();

    await inbox.waitForCount(4);
    expect(inbox.values()).toEqual(['r0', 'r7', 'r8', 'r9']);
    expect(warnings).toContain('records dropped by retention before the group read them');
    await bus.close();
  });
});

describe('in-process bus lifecycle', () => {
  it('refuses to publish once closed', async () => {
    const bus = createInProcessBus();
    await bus.close();
    await expect(bus.publish([{ topic: 'calls', key: 'k', value: 'v' }])).rejects.toMatchObject({
      code: 'closed',
    });
  });
});

describe('in-process bus shared events', () => {
  const agentEvent = (n: number) =>
    makeEvent({
      type: 'agent.state.changed',
      tenantId: 'acme',
      source: 'test',
      data: { agentId: 'a-1', from: 'ready', to: 'reserved', reason: `r${n}` },
    });

  async function consumeInto(
    bus: ReturnType<typeof createInProcessBus>,
    group: string,
    into: HotlineEvent[],
  ) {
    await consumeEvents({
      bus,
      group,
      topics: [Topics.agents],
      fromBeginning: true,
      handle: async (event) => {
        into.push(event);
      },
    });
  }

  it('parses a record once and hands every group the same frozen event', async () => {
    const bus = createInProcessBus({ partitions: 1 });
    const first: HotlineEvent[] = [];
    const second: HotlineEvent[] = [];
    await consumeInto(bus, 'first', first);
    await consumeInto(bus, 'second', second);

    await publishEvents(bus, [agentEvent(1)]);

    await waitFor(() => first.length === 1 && second.length === 1, 'the event in both groups');
    expect(first[0]).toBe(second[0]);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(Object.isFrozen(first[0]?.data)).toBe(true);
    await bus.close();
  });

  it("hands every group the publisher's own validated event, frozen, without parsing the bytes", async () => {
    const bus = createInProcessBus({ partitions: 1 });
    const read: HotlineEvent[] = [];
    await consumeInto(bus, 'reader', read);
    const event = agentEvent(1);

    await publishEvents(bus, [event]);

    await waitFor(() => read.length === 1, 'the event');
    expect(read[0]).toBe(event);
    // Frozen from the moment it was published: the publisher cannot change what groups read.
    expect(() => {
      (event.data as { reason?: string }).reason = 'changed';
    }).toThrow(TypeError);
    // A record published as bytes only (another producer, a dead letter) is parsed from them.
    await bus.publish([{ topic: Topics.agents, key: 'a-1', value: JSON.stringify(agentEvent(2)) }]);
    await waitFor(() => read.length === 2, 'the second event');
    expect(read[1]).toMatchObject({ data: { reason: 'r2' } });
    expect(Object.isFrozen(read[1])).toBe(true);
    await bus.close();
  });

  it('gives a group reading far behind the head equal events, parsed for itself', async () => {
    const bus = createInProcessBus({ partitions: 1, retention: SHARED_WINDOW * 3 });
    const published = Array.from({ length: SHARED_WINDOW + 20 }, (_, n) => agentEvent(n));
    await publishEvents(bus, published);
    const late: HotlineEvent[] = [];

    await consumeInto(bus, 'late', late);

    await waitFor(() => late.length === published.length, 'every event');
    expect(late).toEqual(published);
    await bus.close();
  });
});

describe('in-process bus fairness', () => {
  it('hands the event loop back while a consumer works through a backlog in memory', async () => {
    const bus = createInProcessBus({ partitions: 1 });
    let handled = 0;
    await bus.subscribe({
      group: 'busy',
      topics: ['calls'],
      fromBeginning: true,
      // Memory only: resolves in microtasks, like a handler on the memory live state.
      handler: async () => {
        const until = performance.now() + 0.2;
        while (performance.now() < until);
        handled++;
      },
    });
    const total = 1_000; // ~200 ms of handler work in one backlog
    await bus.publish(
      Array.from({ length: total }, (_, i) => ({ topic: 'calls', key: 'k', value: `r${i}` })),
    );
    const handledWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(handled), 0));
    // Without fair sharing the timer only runs once all 1,000 records are done.
    expect(handledWhenTimerRan).toBeLessThan(total / 2);
    await waitFor(() => handled === total, 'the backlog to be handled');
    await bus.close();
  });
});

describe('in-process bus background groups', () => {
  it("lets a background group's backlog wait while other work runs, then catches up", async () => {
    const bus = createInProcessBus({ partitions: 1 });
    let background = 0;
    await bus.subscribe({
      group: 'reporting-like',
      topics: ['calls'],
      fromBeginning: true,
      background: true,
      handler: async () => void background++,
    });
    await bus.publish(Array.from({ length: 50 }, (_, i) => ({ topic: 'calls', key: 'k', value: `r${i}` })));
    // A foreground task that keeps the thread for a few turns: a background group takes one
    // record per turn, so it must not have raced through its 50 records meanwhile.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(background).toBeLessThan(50);
    expect(background).toBeGreaterThan(0);
    await waitFor(() => background === 50, 'the background group to catch up');
    await bus.close();
  });
});
