import { describe, expect, it } from 'vitest';
import { describeEventBusContract } from '../test/event-bus-contract';
import { Inbox } from '../test/support/inbox';
import { gate, waitFor } from '../test/support/wait-for';
import { createInProcessBus } from './in-process-bus';

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
